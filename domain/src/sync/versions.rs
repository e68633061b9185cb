//! Records written whole, each write replacing the last (an emergency contact, a catalog
//! item): which version every device and the Worker keep, and the edits that would be lost
//! without anyone knowing. Two phones that change one record offline both write it whole;
//! the later write wins, by clock then author. Each write names the versions it was made
//! over (its `replaces`), so an edit made alongside the winner, which the winner's writer
//! never saw, can be shown beside it until someone saves the record having seen both.

use std::collections::{BTreeMap, BTreeSet};

use crate::sync::Hlc;
use crate::text::Name;

/// The most versions one write may name as replaced: the one its form began from and the
/// edits shown beside it. More is no person's doing.
pub const MAX_REPLACES: u32 = 32;

/// One write of a record.
#[derive(Debug, PartialEq, Eq)]
pub struct Version<'a, T> {
    pub at: Hlc,
    pub by: &'a Name,
    pub record: &'a T,
}

// Copied whatever `T` is: it holds references only.
impl<T> Clone for Version<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Version<'_, T> {}

/// A write of a record, held apart from the writes it came from (a view kept past them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unseen<T> {
    pub at: Hlc,
    pub by: Name,
    pub record: T,
}

impl<T: Clone> Version<'_, T> {
    pub fn owned(&self) -> Unseen<T> {
        Unseen {
            at: self.at,
            by: self.by.clone(),
            record: self.record.clone(),
        }
    }
}

/// A record's kept version, and the edits made alongside it that it does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions<'a, T> {
    pub current: Version<'a, T>,
    /// Newest first.
    pub unseen: Vec<Version<'a, T>>,
}

impl<T> Versions<'_, T> {
    /// What a write made over this view replaces: the kept version and every edit shown as
    /// not kept, which then stop being shown.
    pub fn replaced(&self) -> Vec<Hlc> {
        std::iter::once(self.current.at)
            .chain(self.unseen.iter().map(|u| u.at))
            .collect()
    }
}

/// The versions of one record from its writes, in any order; `replaces` reads what a write
/// was made over. None when there is no write.
pub fn of_record<'a, T>(
    mut writes: Vec<Version<'a, T>>,
    replaces: impl Fn(&T) -> &[Hlc],
) -> Option<Versions<'a, T>> {
    crate::order::sort_by(&mut writes, |a, b| (a.at, a.by).cmp(&(b.at, b.by)));
    let current = *writes.last()?;
    // Every version the winner's writer had seen, through the versions it replaced.
    let replaced: BTreeMap<Hlc, &[Hlc]> =
        crate::order::map_of(writes.iter().map(|w| (w.at, replaces(w.record))));
    let mut known: BTreeSet<Hlc> = BTreeSet::from([current.at]);
    let mut next: Vec<Hlc> = replaces(current.record).to_vec();
    while let Some(h) = next.pop() {
        if known.insert(h) {
            next.extend(replaced.get(&h).into_iter().flat_map(|r| r.iter().copied()));
        }
    }
    // An edit after the start of that history and not in it was made alongside.
    let oldest = known.first().copied().unwrap_or(current.at);
    let unseen = writes
        .iter()
        .rev()
        .filter(|w| w.at > oldest && !known.contains(&w.at))
        .copied()
        .collect();
    Some(Versions { current, unseen })
}

/// The versions of every record among `writes`, by `key`.
pub fn of_records<'a, K: Ord, T>(
    writes: impl IntoIterator<Item = (Hlc, &'a Name, &'a T)>,
    key: impl Fn(&'a T) -> K,
    replaces: impl Fn(&T) -> &[Hlc] + Copy,
) -> BTreeMap<K, Versions<'a, T>> {
    let mut by_key: BTreeMap<K, Vec<Version<'a, T>>> = BTreeMap::new();
    for (at, by, record) in writes {
        by_key
            .entry(key(record))
            .or_default()
            .push(Version { at, by, record });
    }
    by_key
        .into_iter()
        .filter_map(|(k, writes)| of_record(writes, replaces).map(|v| (k, v)))
        .collect()
}

/// The kept write of every record among `writes`, by `key`: the one [`of_records`] keeps,
/// without reading what each replaced (for readers that show no edits aside, such as the
/// stock a class teacher's phone counts).
pub fn kept<'a, K: Ord, T>(
    writes: impl IntoIterator<Item = (Hlc, &'a Name, &'a T)>,
    key: impl Fn(&'a T) -> K,
) -> BTreeMap<K, Version<'a, T>> {
    let mut out: BTreeMap<K, Version<'a, T>> = BTreeMap::new();
    for (at, by, record) in writes {
        let k = key(record);
        if out.get(&k).is_none_or(|held| (at, by) > (held.at, held.by)) {
            out.insert(k, Version { at, by, record });
        }
    }
    out
}
