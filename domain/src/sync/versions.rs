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
    writes: Vec<Version<'a, T>>,
    replaces: impl Fn(&T) -> &[Hlc],
) -> Option<Versions<'a, T>> {
    let stamps: Vec<Stamp<'_>> = writes
        .iter()
        .map(|w| Stamp {
            at: w.at,
            by: w.by,
            replaces: replaces(w.record),
        })
        .collect();
    let (current, unseen) = judge(&stamps)?;
    Some(Versions {
        current: *writes.get(current)?,
        unseen: unseen
            .iter()
            .filter_map(|i| writes.get(*i).copied())
            .collect(),
    })
}

/// One write as the rule reads it.
struct Stamp<'a> {
    at: Hlc,
    by: &'a Name,
    replaces: &'a [Hlc],
}

/// Of one record's writes, the one kept and those made alongside it (newest first), as
/// places in `stamps`. The rule itself, on stamps alone: every kind of record shares this
/// one copy of its code (a phone downloads each generic copy).
fn judge(stamps: &[Stamp<'_>]) -> Option<(usize, Vec<usize>)> {
    let mut order: Vec<usize> = (0..stamps.len()).collect();
    let key = |i: &usize| stamps.get(*i).map(|s| (s.at, s.by));
    crate::order::sort_by(&mut order, |a, b| key(a).cmp(&key(b)));
    let current_at = stamps.get(*order.last()?)?.at;
    let current = *order.last()?;
    // Every version the winner's writer had seen, through the versions it replaced.
    let replaced: BTreeMap<Hlc, &[Hlc]> =
        crate::order::map_of(stamps.iter().map(|s| (s.at, s.replaces)));
    let mut known: BTreeSet<Hlc> = BTreeSet::from([current_at]);
    let mut next: Vec<Hlc> = stamps.get(current)?.replaces.to_vec();
    while let Some(h) = next.pop() {
        if known.insert(h) {
            next.extend(replaced.get(&h).into_iter().flat_map(|r| r.iter().copied()));
        }
    }
    // An edit after the start of that history and not in it was made alongside.
    let oldest = known.first().copied().unwrap_or(current_at);
    let unseen = order
        .iter()
        .rev()
        .filter(|i| {
            stamps
                .get(**i)
                .is_some_and(|s| s.at > oldest && !known.contains(&s.at))
        })
        .copied()
        .collect();
    Some((current, unseen))
}

/// The versions of every record among `writes`, by `key`, in the order of their keys.
pub fn of_records<'a, K: Ord, T>(
    writes: impl IntoIterator<Item = (Hlc, &'a Name, &'a T)>,
    key: impl Fn(&'a T) -> K,
    replaces: impl Fn(&T) -> &[Hlc] + Copy,
) -> Vec<(K, Versions<'a, T>)> {
    let all: Vec<Version<'a, T>> = writes
        .into_iter()
        .map(|(at, by, record)| Version { at, by, record })
        .collect();
    // Places, not versions, grouped: the map's code is then the same for every kind of
    // record with the same key.
    let mut by_key: BTreeMap<K, Vec<usize>> = BTreeMap::new();
    for (i, w) in all.iter().enumerate() {
        by_key.entry(key(w.record)).or_default().push(i);
    }
    by_key
        .into_iter()
        .filter_map(|(k, places)| {
            let writes = places.iter().filter_map(|i| all.get(*i).copied()).collect();
            of_record(writes, replaces).map(|v| (k, v))
        })
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
