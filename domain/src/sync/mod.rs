//! The sync protocol: operations, streams, the hybrid logical clock, merge rules, the KV
//! segment layout, the push/pull wire types, and the pure halves of both ends — what the
//! Worker decides about a push or a pull ([`server`]) and what a device holds ([`replica`]).
//!
//! The shape (DESIGN.md "Sync protocol"): each device numbers its segments per stream densely;
//! a push stores one immutable segment under a key of its own (one KV write, no shared key
//! rewritten); a pull lists day partitions and returns what the caller's version vector
//! doesn't cover. Applying anything twice changes nothing, so retries and duplicates are safe.
//!
//! Sync carries changes without knowing what they mean: everything here is generic over the
//! change type, and asks of it only what [`Change`] says (its stream, its class, its date, who
//! may write it). The school's one change type sits above the areas, in `crate::changes`.

pub mod auth;
pub mod document;
pub mod hlc;
pub mod ids;
pub mod kept;
pub mod op;
pub mod refusal;
pub mod replica;
pub mod segment;
pub mod server;
pub mod snapshot;
pub mod versions;
pub mod wire;

#[cfg(test)]
mod testing;

pub use hlc::{Exchange, Hlc};
pub use ids::{DeviceId, OpId, Seq, Stream};
pub use op::{Change, Op};
