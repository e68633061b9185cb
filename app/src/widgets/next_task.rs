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
