//! The installed app: the service worker that keeps its files, a new release's offer to
//! reload, and the browser's promise not to evict the device's data.
//!
//! A new release's worker installs in the background and then waits (app/sw.js): the open
//! app keeps running its own release, whose files its worker still serves, until the person
//! taps "reload" on the offer. Their unsynced changes are in IndexedDB either way.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

/// The service worker container, where the browser has one. Calling into a missing
/// `navigator.serviceWorker` would throw.
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let supported = js_sys::Reflect::get(&navigator, &"serviceWorker".into())
        .is_ok_and(|v| !v.is_undefined() && !v.is_null());
    supported.then(|| navigator.service_worker())
}

/// Registers `sw.js`, which keeps the app's files for starts with no network. Where the
/// browser has no service workers (or refuses), the app still runs while online.
pub fn register_service_worker() {
    let Some(container) = container() else {
        return;
    };
    register(&container);
    #[cfg(feature = "office")]
    keep_office_build(&container);
}

fn register(container: &ServiceWorkerContainer) {
    let options = web_sys::RegistrationOptions::new();
    options.set_scope("/app/");
    // The outcome is read from the page's controller instead ([`install_again_if_missing`]).
    let _ = container.register_with_options("/app/sw.js", &options);
}

/// A first visit's install fails whole when one of its files does not come (the signal
/// dropped midway), and the browser tries again only at the app's next start: a teacher who
/// keeps the tab open would find, once out of signal, that a reload brings nothing. Called
/// when a sync has gone through (the network works now): a page with no worker in charge
/// registers again. One still installing is left to finish (the browser does not start a
/// second for the same script).
pub fn install_again_if_missing() {
    if let Some(container) = container()
        && container.controller().is_none()
    {
        register(&container);
        // A worker that became active while this page was loading (a sign-in that restarts
        // into the other build during the first install) leaves the page in no one's charge
        // until the app's next start: asked, it takes charge now.
        tell_active(&container, "claim");
    }
}

/// Posts `message` (named in app/sw.js) to the active worker, once there is one.
fn tell_active(container: &ServiceWorkerContainer, message: &'static str) {
    let Ok(ready) = container.ready() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = JsFuture::from(ready).await else {
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        if let Some(active) = registration.active() {
            let _ = active.post_message(&message.into());
        }
    });
}

/// The service worker keeps the class build when it installs, so that a teacher's phone
/// never downloads the office's screens; a device that runs the office's build asks it to
/// keep that build too, so that it also starts with no network.
#[cfg(feature = "office")]
fn keep_office_build(container: &ServiceWorkerContainer) {
    tell_active(container, "keep-office");
}

/// Today's address is `/app/`. The router writes its base without the slash (`/app`, after
/// signing in), which is outside the service worker's scope: reloading there with no
/// network would fail. The address is corrected in place; the router's path is `/` either way.
pub fn keep_in_scope() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if window.location().pathname().ok().as_deref() == Some(crate::app::BASE)
        && let Ok(history) = window.history()
    {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(crate::app::href::HOME),
        );
    }
}

/// A new release, installed and waiting for the person's "reload", once there is one.
pub fn waiting_release() -> ReadSignal<Option<ServiceWorker>, LocalStorage> {
    let (waiting, set_waiting) = signal_local(None::<ServiceWorker>);
    let Some(container) = container() else {
        return waiting;
    };
    // Only an update waits for the person: the first install takes over by itself.
    let offer = move |worker: ServiceWorker| {
        if container_controls() {
            set_waiting.set(Some(worker));
        }
    };
    // Once a worker is active: on a first visit the registration this page just made may
    // not exist yet when the page asks for it, and the page would never hear of a release.
    let Ok(ready) = container.ready() else {
        return waiting;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(found) = JsFuture::from(ready).await else {
            return;
        };
        let Ok(registration) = found.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        if let Some(worker) = registration.waiting() {
            offer(worker);
        }
        let watched = registration.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = watched.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed {
                    offer(worker.clone());
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            // Lives as long as the worker it watches, which the page keeps.
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
    });
    waiting
}

fn container_controls() -> bool {
    container().is_some_and(|c| c.controller().is_some())
}

/// The person's "reload": the waiting release takes over, and the page reloads under it.
pub fn take_release(worker: &ServiceWorker) {
    let Some(container) = container() else {
        return;
    };
    let reload = Closure::<dyn FnMut()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    // Named in app/sw.js.
    let _ = worker.post_message(&"skip-waiting".into());
}

/// How much the device stores, and whether the browser may evict it when space runs low.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Storage {
    pub used_bytes: f64,
    pub persisted: bool,
}

/// Asks the browser to keep the device's data (Chromium decides by itself, silently;
/// an installed app is granted), then says what it holds.
pub async fn persist_and_measure() -> Option<Storage> {
    let storage = web_sys::window()?.navigator().storage();
    let persisted = match storage.persist() {
        Ok(asked) => JsFuture::from(asked).await.ok().and_then(|v| v.as_bool()),
        Err(_) => None,
    }
    .unwrap_or(false);
    let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let estimate: web_sys::StorageEstimate = estimate.unchecked_into();
    Some(Storage {
        used_bytes: estimate.get_usage().unwrap_or(0.0),
        persisted,
    })
}
