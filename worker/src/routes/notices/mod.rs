//! Notices' routes: the public board rebuilt from the notices stream (`republish`), and what
//! the public reads from it with one KV read each — the page, one notice and the archive
//! (`page`), the Atom feed and CAP alerts (`feeds`), and the printable poster (`poster`).

mod board;
pub mod feeds;
pub mod page;
pub mod poster;
mod republish;

pub use republish::{on_schedule, republish};
