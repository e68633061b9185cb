//! Build steps that leave the app's wasm doing the same, in fewer bytes once compressed
//! (issue 13: a teacher's download before her first check). `scripts/split/wasm-bindgen`
//! runs them between wasm-bindgen and wasm-opt.

pub mod imports;
pub mod order;

use std::ops::Range;

use wasm_encoder::{Module, RawSection, Section};

/// A module rebuilt from `kept` (its sections' ids and byte ranges in `wasm`, in order), with
/// `new` placed before the kept section numbered `at` (last when `at` is their count): both
/// steps rewrite one section and leave every other byte as it was.
fn reassemble(wasm: &[u8], kept: &[(u8, Range<usize>)], at: usize, new: &impl Section) -> Vec<u8> {
    let mut module = Module::new();
    for (i, (id, range)) in kept.iter().enumerate() {
        if i == at {
            module.section(new);
        }
        module.section(&RawSection {
            id: *id,
            data: &wasm[range.clone()],
        });
    }
    if at >= kept.len() {
        module.section(new);
    }
    module.finish()
}
