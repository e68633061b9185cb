//! The translations are read by `leptos_i18n::load_locales!` at compile time, which cargo
//! does not track: without this, a change to `locales/` alone leaves the old words in the app.
fn main() {
    println!("cargo::rerun-if-changed=../locales");
}
