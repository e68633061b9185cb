//! The device's side of sync: the durable store, calls to the Worker, and the engine that
//! records changes and runs the sync loop.

pub mod api;
pub mod engine;
pub mod store;

pub use engine::{Phase, SyncView};
