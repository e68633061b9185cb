//! The handlers, one module per area of the school's API and pages. The route table that
//! picks them is `lib.rs`'s.

pub mod accounts;
pub mod app_assets;
pub mod notices;
pub mod school;
pub mod sync;
