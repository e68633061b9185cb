//! Guardpost's client: mounts the app. Everything else lives in the modules below.
//!
//! Built twice (see `app_build`): with the `office` feature, every screen; without it, the
//! class teacher's. What only the office's screens use is unused in the class build, and
//! checked in the office build, which clippy sees too (scripts/test.sh).
#![cfg_attr(not(feature = "office"), allow(dead_code, unused_imports))]

mod accounts;
mod app;
mod app_build;
mod checkins;
mod drills;
mod home;
mod network;
mod not_found;
mod notices;
mod school;
mod shell;
mod supplies;
mod sync;
mod widgets;

// The build.rs generator that replaces this macro pulls ICU's data exporter and CLDR source
// provider into the build; the macro reads the same `locales/` files with none of that.
#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
use i18n_gen::i18n;

fn main() {
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(app::App);
    // The page's "opening…" line has done its job once the app is on screen.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}

/// Registers `sw.js`, which keeps the app's files for starts with no network. Where the
/// browser has no service workers (or refuses), the app still runs while online.
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // Calling into a missing `navigator.serviceWorker` would throw out of `main`.
    let supported = js_sys::Reflect::get(&navigator, &"serviceWorker".into())
        .is_ok_and(|v| !v.is_undefined() && !v.is_null());
    if !supported {
        return;
    }
    let container = navigator.service_worker();
    let options = web_sys::RegistrationOptions::new();
    options.set_scope("/app/");
    // The promise's outcome changes nothing here: the next start simply tries again.
    let _ = container.register_with_options("/app/sw.js", &options);
    #[cfg(feature = "office")]
    keep_office_build(&container);
}

/// The service worker keeps the class build when it installs, so that a teacher's phone
/// never downloads the office's screens; a device that runs the office's build asks it to
/// keep that build too, so that it also starts with no network.
#[cfg(feature = "office")]
fn keep_office_build(container: &web_sys::ServiceWorkerContainer) {
    use wasm_bindgen::JsCast;
    let Ok(ready) = container.ready() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
        if let Some(active) = registration.active() {
            // Named in app/sw.js.
            let _ = active.post_message(&"keep-office".into());
        }
    });
}
