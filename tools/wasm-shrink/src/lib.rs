//! Build steps that leave the app's wasm doing the same, in fewer bytes once compressed
//! (issue 13: a teacher's download before her first check). `scripts/split/wasm-bindgen`
//! runs them between wasm-bindgen and wasm-opt.

pub mod imports;
pub mod order;
