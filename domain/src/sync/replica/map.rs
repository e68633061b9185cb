//! A replica's changes converted one by one, whole or not at all: the app reads its stored
//! replica at start with the changes of some streams left for later (see
//! `changes::AtStart`), and takes it as read only if none of its own were left.

use std::collections::BTreeMap;

use super::{Outbox, RefusedChange, Replica};

// Loops rather than `collect`: collecting into a map sorts its items first, and that sort's
// code would come into a teacher's first download only for this (issue 13).

/// Converts every item, or gives `None` at the first that does not convert.
fn all<P, Q>(items: Vec<P>, f: &impl Fn(P) -> Option<Q>) -> Option<Vec<Q>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(f(item)?);
    }
    Some(out)
}

/// Converts every value, or gives `None` at the first that does not convert.
fn all_values<K: Ord, P, Q>(
    map: BTreeMap<K, P>,
    f: impl Fn(P) -> Option<Q>,
) -> Option<BTreeMap<K, Q>> {
    let mut out = BTreeMap::new();
    for (key, value) in map {
        out.insert(key, f(value)?);
    }
    Some(out)
}

impl<P> RefusedChange<P> {
    /// The same refusal with its change put through `f`; `None` when `f` gives none.
    pub fn try_map<Q>(self, f: impl FnOnce(P) -> Option<Q>) -> Option<RefusedChange<Q>> {
        Some(RefusedChange {
            stream: self.stream,
            hlc: self.hlc,
            payload: f(self.payload)?,
            reason: self.reason,
        })
    }
}

impl<P> Outbox<P> {
    /// The same outbox with each change put through `f`; `None` when `f` gives none for one.
    pub fn try_map<Q>(self, f: &impl Fn(P) -> Option<Q>) -> Option<Outbox<Q>> {
        let sealed = match self.sealed {
            Some((seq, drafts)) => Some((seq, all(drafts, &|d| d.try_map(f))?)),
            None => None,
        };
        Some(Outbox {
            sealed,
            pending: all(self.pending, &|d| d.try_map(f))?,
        })
    }
}

impl<P> Replica<P> {
    /// The same replica with each change (held, waiting or refused) put through `f`; `None`
    /// when `f` gives none for one.
    pub fn try_map<Q>(self, f: impl Fn(P) -> Option<Q>) -> Option<Replica<Q>> {
        Some(Replica {
            ops: all_values(self.ops, |op| op.try_map(&f))?,
            outbox: all_values(self.outbox, |outbox| outbox.try_map(&f))?,
            refused: all(self.refused, &|r| r.try_map(&f))?,
            device: self.device,
            me: self.me,
            clock: self.clock,
            cursors: self.cursors,
            held_days: self.held_days,
            since: self.since,
            horizon: self.horizon,
            resume: self.resume,
            pull_started_ms: self.pull_started_ms,
            next_seq: self.next_seq,
            last_pull_ms: self.last_pull_ms,
            clock_offset_ms: self.clock_offset_ms,
            scope: self.scope,
        })
    }
}
