use std::time::Duration;

use leptos::prelude::*;

/// Draws its children in a task of their own, queued when it is drawn. The app's start runs
/// on the page's main thread, and the browser compiles each wasm function the first time it
/// runs, there too: drawn in one go, the start held the thread for 350 ms on a slowed phone,
/// in which a tap waits. Each part drawn in its own task lets the browser answer in between.
#[component]
pub fn NextTask(children: ChildrenFn) -> impl IntoView {
    let due = RwSignal::new(false);
    set_timeout(move || due.set(true), Duration::ZERO);
    view! { <Show when=move || due.get()>{children()}</Show> }
}

/// Resolves in a task of its own: work after it does not lengthen the task that awaited it,
/// on a phone's main thread (see `NextTask`). `scheduler.yield()` where the browser has it
/// (Chromium 129 on), which goes on ahead of other queued tasks; a timer otherwise. Not a
/// timer where it can be helped: a yield is not a wait, and must not stop with the page's
/// clock (the sync tests stop it).
pub async fn next_task() {
    if let Some(promise) = scheduler_yield() {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        return;
    }
    after_queued().await;
}

/// Resolves in a task of its own, queued at the call: after every task queued before it
/// (`NextTask`'s among them), which `next_task` may go ahead of.
pub async fn after_queued() {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        Duration::ZERO,
    );
    let _ = wait.await;
}

fn scheduler_yield() -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let scheduler = js_sys::Reflect::get(&window, &"scheduler".into()).ok()?;
    let yield_fn = js_sys::Reflect::get(&scheduler, &"yield".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    yield_fn.call0(&scheduler).ok()?.dyn_into().ok()
}
