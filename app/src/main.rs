//! Guardpost's client: mounts the app. Everything else lives in the modules below.

mod app;
mod network;
mod pages;
mod school;
mod shell;
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
    leptos::mount::mount_to_body(app::App);
}
