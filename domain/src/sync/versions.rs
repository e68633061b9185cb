//! Records written whole, each write replacing the last (an emergency contact, a catalog
//! item): which version every device and the Worker keep, and the edits that would be lost
//! without anyone knowing. Two phones that change one record offline both write it whole;
//! the later write wins, by clock then author. Each write names the versions it was made
//! over (its `replaces`), so an edit made alongside the winner, which the winner's writer
//! never saw, can be shown beside it until someone saves the record having seen both.

use std::collections::BTreeMap;

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
    let current = *order.last()?;
    let current_at = stamps.get(current)?.at;
    // Every version the winner's writer had seen, through the versions it replaced. A
    // record has a handful of writes: lists searched are smaller code than maps.
    let replaced_by = |h: Hlc| stamps.iter().rev().find(|s| s.at == h).map(|s| s.replaces);
    let mut known: Vec<Hlc> = vec![current_at];
    let mut next: Vec<Hlc> = stamps.get(current)?.replaces.to_vec();
    while let Some(h) = next.pop() {
        if !known.contains(&h) {
            known.push(h);
            next.extend_from_slice(replaced_by(h).unwrap_or_default());
        }
    }
    // An edit after the start of that history and not in it was made alongside.
    let oldest = known.iter().min().copied().unwrap_or(current_at);
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
pub fn of_records<'a, K: Ord + Clone, T>(
    writes: impl IntoIterator<Item = (Hlc, &'a Name, &'a T)>,
    key: impl Fn(&'a T) -> K,
    replaces: impl Fn(&T) -> &[Hlc] + Copy,
) -> Vec<(K, Versions<'a, T>)> {
    let all: Vec<(K, Version<'a, T>)> = writes
        .into_iter()
        .map(|(at, by, record)| (key(record), Version { at, by, record }))
        .collect();
    // Grouped by sorting places, not through a map: one copy of the code for every kind of
    // record (see crate::order).
    let mut places: Vec<usize> = (0..all.len()).collect();
    let key_at = |i: &usize| all.get(*i).map(|(k, _)| k);
    crate::order::sort_by(&mut places, |a, b| key_at(a).cmp(&key_at(b)));
    let mut out = Vec::new();
    let mut group: Vec<Version<'a, T>> = Vec::new();
    for (n, place) in places.iter().enumerate() {
        let Some((k, version)) = all.get(*place) else {
            continue;
        };
        group.push(*version);
        let last_of_key = places.get(n + 1).is_none_or(|next| key_at(next) != Some(k));
        if last_of_key && let Some(v) = of_record(std::mem::take(&mut group), replaces) {
            out.push((k.clone(), v));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    /// A write: its record's key, and the clocks it replaced.
    #[derive(Debug, Clone)]
    struct Rec {
        key: u8,
        replaces: Vec<Hlc>,
    }

    /// The rule as first written, with maps: the model the shared core must match.
    fn model(writes: &[(Hlc, Name, Rec)], key: u8) -> Option<(Hlc, Vec<Hlc>)> {
        let mut mine: Vec<&(Hlc, Name, Rec)> = writes.iter().filter(|w| w.2.key == key).collect();
        mine.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let current = *mine.last()?;
        let replaced: BTreeMap<Hlc, &[Hlc]> = mine
            .iter()
            .map(|w| (w.0, w.2.replaces.as_slice()))
            .collect();
        let mut known = BTreeSet::from([current.0]);
        let mut next = current.2.replaces.clone();
        while let Some(h) = next.pop() {
            if known.insert(h) {
                next.extend(replaced.get(&h).into_iter().flat_map(|r| r.iter().copied()));
            }
        }
        let oldest = *known.first().unwrap();
        let unseen = mine
            .iter()
            .rev()
            .filter(|w| w.0 > oldest && !known.contains(&w.0))
            .map(|w| w.0)
            .collect();
        Some((current.0, unseen))
    }

    /// Up to 12 writes of three records by two people, each replacing some earlier clocks
    /// (of any record, or the clock zero of a first edit).
    fn writes() -> impl Strategy<Value = Vec<(Hlc, Name, Rec)>> {
        prop::collection::vec(
            (
                0u8..3,
                0u64..6,
                any::<bool>(),
                prop::collection::vec(0u64..8, 0..3),
            ),
            0..12,
        )
        .prop_map(|ws| {
            ws.into_iter()
                .enumerate()
                .map(|(i, (key, counter, author, replaces))| {
                    let at = Hlc {
                        wall: i as u64 + 1,
                        counter: counter as u32,
                    };
                    let by = Name::parse(if author { "李红" } else { "刘芳" }).unwrap();
                    let replaces = replaces
                        .into_iter()
                        .map(|w| Hlc {
                            wall: w,
                            counter: 0,
                        })
                        .collect();
                    (at, by, Rec { key, replaces })
                })
                .collect()
        })
    }

    proptest! {
        /// Whatever order the writes arrive in, each record keeps the version the model
        /// keeps and shows the same edits aside, newest first.
        #[test]
        fn every_order_judges_as_the_model(ws in writes(), seed in any::<u64>()) {
            let mut shuffled = ws.clone();
            // A cheap permutation from the seed.
            let n = shuffled.len().max(1) as u64;
            for i in 0..shuffled.len() {
                let j = ((seed.wrapping_mul(i as u64 + 7)) % n) as usize;
                shuffled.swap(i, j);
            }
            let judged = of_records(
                shuffled.iter().map(|(h, by, r)| (*h, by, r)),
                |r| r.key,
                |r: &Rec| &r.replaces,
            );
            let keys: BTreeSet<u8> = ws.iter().map(|w| w.2.key).collect();
            prop_assert_eq!(judged.len(), keys.len());
            for (key, v) in &judged {
                let (current, unseen) = model(&ws, *key).unwrap();
                prop_assert_eq!(v.current.at, current);
                prop_assert_eq!(v.unseen.iter().map(|u| u.at).collect::<Vec<_>>(), unseen);
                prop_assert_eq!(kept(shuffled.iter().map(|(h, by, r)| (*h, by, r)), |r| r.key)[key].at, current);
            }
        }
    }
}
