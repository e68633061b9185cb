//! The device's side of sync: the durable store, calls to the Worker, the engine that
//! records changes and runs the sync loop, and the page that shows where sync stands.

pub mod api;
pub mod engine;
pub mod page;
pub mod store;

pub use engine::{Phase, SyncView};
