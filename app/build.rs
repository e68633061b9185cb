//! The translations are read by `leptos_i18n::load_locales!` at compile time, which cargo
//! does not track: without this, a change to `locales/` alone leaves the old words in the app.
//!
//! The app's wasm keeps its relocations: the split that puts screens opened later into files
//! of their own (app/src/later.rs, scripts/split/wasm-bindgen) reads the call graph from them.
fn main() {
    println!("cargo::rerun-if-changed=../locales");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
