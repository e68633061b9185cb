//! Which of a device's records hold a change the server does not have yet, or refused: what
//! a list row marks.

use std::collections::{BTreeMap, BTreeSet};

use super::Replica;
use crate::sync::hlc::Hlc;
use crate::sync::op::Change;
use crate::text::Name;

/// Which changes still wait on this device ([`Replica::unsynced_marks`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsynced {
    me: Name,
    clocks: BTreeSet<Hlc>,
}

impl Unsynced {
    /// Whether the change written at `hlc` by `by` still waits here.
    pub fn holds(&self, hlc: Hlc, by: &Name) -> bool {
        by == &self.me && self.clocks.contains(&hlc)
    }

    /// Whether a change written at `wall_ms` (its clock's wall time) by `by` still waits here,
    /// for records that keep only when a step was taken.
    pub fn holds_at(&self, wall_ms: u64, by: &Name) -> bool {
        by == &self.me && self.clocks.iter().any(|h| h.wall == wall_ms)
    }
}

/// Where a list row stands when it is not simply synced: it holds a change still only on
/// this device, or one the server refused (whose reason the sync page gives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowMark {
    Waiting,
    Refused,
}

impl RowMark {
    /// A waiting change outranks an older refusal: the person is already redoing it.
    pub fn of(waiting: bool, refused: bool) -> Option<Self> {
        if waiting {
            Some(Self::Waiting)
        } else {
            refused.then_some(Self::Refused)
        }
    }
}

impl<P: Change> Replica<P> {
    /// This device's changes the server does not hold yet: a list row whose latest change is
    /// one of them shows that it has not synced.
    pub fn unsynced_marks(&self) -> Unsynced {
        Unsynced {
            me: self.me.clone(),
            clocks: self.waiting().map(|(_, d)| d.hlc).collect(),
        }
    }

    /// The mark of each record (as `key` names a change's record) that holds a change still
    /// waiting here or refused by the server; a record absent from the map is synced.
    pub fn row_marks<K: Ord>(&self, key: impl Fn(&P) -> Option<K>) -> BTreeMap<K, RowMark> {
        let mut marks = BTreeMap::new();
        for r in &self.refused {
            if let Some(k) = key(&r.payload) {
                marks.insert(k, RowMark::Refused);
            }
        }
        for (_, d) in self.waiting() {
            if let Some(k) = key(&d.payload) {
                marks.insert(k, RowMark::Waiting);
            }
        }
        marks
    }
}
