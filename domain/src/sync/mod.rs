//! The sync protocol: operations, streams, the hybrid logical clock, merge rules, the KV
//! segment layout, the push/pull wire types, and the pure halves of both ends — what the
//! Worker decides about a push or a pull ([`server`]) and what a device holds ([`replica`]).
//!
//! The shape (DESIGN.md "Sync protocol"): each device numbers its segments per stream densely;
//! a push stores one immutable segment under a key of its own (one KV write, no shared key
//! rewritten); a pull lists day partitions and returns what the caller's version vector
//! doesn't cover. Applying anything twice changes nothing, so retries and duplicates are safe.

pub mod auth;
pub mod document;
pub mod hlc;
pub mod ids;
pub mod op;
pub mod replica;
pub mod segment;
pub mod server;
pub mod wire;

pub use hlc::Hlc;
pub use ids::{DeviceId, OpId, Seq, Stream};
pub use op::{Change, Op, OpInvalid};
