//! Guardpost's domain: the school's rules and the wire types shared by the app and the Worker.
//!
//! No I/O lives here: no clock, no randomness, no storage. Time and ids are passed in, so every
//! rule can be tested natively and both shells (the Leptos app and the Worker) apply the same one.

pub mod accounts;
pub mod api;
pub mod changes;
pub mod checkins;
pub mod dates;
pub mod demo;
pub mod drills;
pub mod json;
pub mod keys;
pub mod lang;
pub mod notices;
pub mod order;
pub mod refusals;
pub mod school;
pub mod supplies;
pub mod sync;
pub mod text;

/// Version of the Guardpost build, reported by the health endpoint.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
