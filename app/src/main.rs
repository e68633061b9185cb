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
mod first;
mod home;
mod install;
mod later;
mod local;
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
    install::register_service_worker();
    wasm_bindgen_futures::spawn_local(async {
        if first::draw().await == first::Then::Restarting {
            return;
        }
        // The cards are painted before the app's parts are asked for: starting their
        // downloads is a slow phone's main thread's work too.
        if first::showing() {
            sync::engine::drawn().await;
        }
        if whole_app().await.is_err() {
            first::app_missing();
        }
    });
}

/// The app itself: the framework, Today and the frame around every screen, split out of the
/// first part of the code (scripts/split/wasm-bindgen), which only draws the first cards
/// (`first`). Fetched once they are on screen, so as not to share a slow link with them;
/// kept by the service worker like every other part.
#[leptos::wasm_split::wasm_split(whole_app, fallible, wasm_split_path = ::leptos::wasm_split)]
fn whole_app() -> Result<(), leptos::wasm_split::SplitLoaderError> {
    // Instantiating the code and drawing the app are tasks of their own (see NextTask).
    leptos::prelude::set_timeout(
        || leptos::mount::mount_to_body(app::App),
        std::time::Duration::ZERO,
    );
    Ok(())
}
