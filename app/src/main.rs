//! Guardpost's client: mounts the app. Everything else lives in the modules below.

mod accounts;
mod app;
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
}
