//! How a device's store keeps its ops: the ops of one stream written together (a pull's page,
//! a push's acknowledged segment) go in one record, a bundle, rather than one record each.
//! IndexedDB's cost is per record: a new office phone's first sync put 10,000 records, about
//! 150 µs each on a slow phone, which was most of the sync's time. Releases before this one
//! kept one record per op; those records are still read, and deleted as before.
//!
//! Which records to put and delete is decided here, from op identities alone; the app reads
//! the ops of each record it puts from its replica and carries the plan out in one transaction.

use super::{OpId, Stream};

/// The ops of one stream written together, kept in one record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bundle {
    n: u64,
    stream: Stream,
    ops: Vec<OpId>,
}

/// Where each op the store holds is kept. Lists, not maps: a write looks up no op, and a
/// drop goes over every record once (see [`Kept::let_go`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    bundles: Vec<Bundle>,
    /// Ops in a record of their own, under [`alone_key`] (releases before bundles).
    alone: Vec<OpId>,
    next: u64,
}

/// What a write does to the store's records: each record put holds exactly the ops listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub puts: Vec<(String, Vec<OpId>)>,
    pub deletes: Vec<String>,
}

/// The key of an op kept on its own: stream, device, seq and index, zero-padded so that keys
/// sort as the ops do.
fn alone_key(id: &OpId) -> String {
    format!(
        "{}/{}/{:010}/{:05}",
        id.stream,
        id.device,
        id.seq.get(),
        id.k
    )
}

/// `~` sorts after the letters, digits and `-` a device id is made of: a bundle's key can't be
/// an op's, and a stream's bundles sort after its ops kept alone.
const BUNDLE_MARK: &str = "/~";

fn bundle_key(stream: Stream, n: u64) -> String {
    format!("{stream}{BUNDLE_MARK}{n:010}")
}

/// The stream and number of a bundle's key; `None` for the key of an op kept alone.
fn bundle_of(key: &str) -> Option<(Stream, u64)> {
    let (stream, n) = key.split_once(BUNDLE_MARK)?;
    Some((Stream::parse(stream).ok()?, n.parse().ok()?))
}

/// Whether a record's key is a bundle's: its value is a list of ops, not one op.
pub fn is_bundle(key: &str) -> bool {
    bundle_of(key).is_some()
}

/// The stream a record's ops belong to, from its key alone: a build that can't read a
/// stream's ops still knows which records are that stream's.
pub fn stream_of(key: &str) -> Option<Stream> {
    Stream::parse(key.split('/').next()?).ok()
}

impl Kept {
    /// Takes in a record read back from the store: its key and the ops it holds.
    pub fn found(&mut self, key: &str, ops: impl IntoIterator<Item = OpId>) {
        match bundle_of(key) {
            Some((stream, n)) => {
                self.next = self.next.max(n.saturating_add(1));
                self.bundles.push(Bundle {
                    n,
                    stream,
                    ops: ops.into_iter().collect(),
                });
            }
            None => self.alone.extend(ops),
        }
    }

    /// The records to put so that the store also holds `written`: ops it does not hold yet
    /// (a replica stores each op once), each stream's in one new bundle.
    pub fn write(&mut self, written: &[OpId]) -> Plan {
        let mut plan = Plan::default();
        for stream in Stream::ALL {
            let ops: Vec<OpId> = written
                .iter()
                .filter(|id| id.stream == stream)
                .cloned()
                .collect();
            if ops.is_empty() {
                continue;
            }
            let n = self.next;
            self.next = n.saturating_add(1);
            plan.puts.push((bundle_key(stream, n), ops.clone()));
            self.bundles.push(Bundle { n, stream, ops });
        }
        plan
    }

    /// The records to put and delete so that the store holds only ops still `held` (the
    /// replica let go of old daily checks, or of a stream the person no longer reads): a
    /// bundle that lost ops is put again with the rest, or deleted when none is left.
    pub fn let_go(&mut self, held: impl Fn(&OpId) -> bool) -> Plan {
        let mut plan = Plan::default();
        self.alone.retain(|id| {
            let keep = held(id);
            if !keep {
                plan.deletes.push(alone_key(id));
            }
            keep
        });
        self.bundles.retain_mut(|bundle| {
            let before = bundle.ops.len();
            bundle.ops.retain(&held);
            let key = || bundle_key(bundle.stream, bundle.n);
            if bundle.ops.is_empty() {
                plan.deletes.push(key());
                false
            } else {
                if bundle.ops.len() < before {
                    plan.puts.push((key(), bundle.ops.clone()));
                }
                true
            }
        });
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    use crate::sync::{DeviceId, Seq};
    use proptest::prelude::*;

    fn id(stream: Stream, device: u8, seq: u32, k: u16) -> OpId {
        OpId {
            device: DeviceId::parse(&format!("device-{device:02}")).expect("a valid device id"),
            stream,
            seq: Seq::new(seq).expect("seq ≥ 1"),
            k,
        }
    }

    /// The store as records: key → the ops its value holds.
    type Store = BTreeMap<String, Vec<OpId>>;

    fn apply(store: &mut Store, plan: Plan) {
        for key in plan.deletes {
            store.remove(&key);
        }
        for (key, ops) in plan.puts {
            store.insert(key, ops);
        }
    }

    /// How many ops `kept` says the store holds.
    fn count(kept: &Kept) -> usize {
        kept.alone.len() + kept.bundles.iter().map(|b| b.ops.len()).sum::<usize>()
    }

    fn reread(store: &Store) -> Kept {
        let mut kept = Kept::default();
        for (key, ops) in store {
            kept.found(key, ops.iter().cloned());
        }
        kept
    }

    #[test]
    fn a_page_of_two_streams_is_two_records() {
        let mut kept = Kept::default();
        let written = [
            id(Stream::Health, 1, 1, 0),
            id(Stream::Health, 1, 1, 1),
            id(Stream::Health, 2, 4, 0),
            id(Stream::Notices, 1, 1, 0),
        ];
        let plan = kept.write(&written);
        assert_eq!(plan.deletes, Vec::<String>::new());
        let keys: Vec<&str> = plan.puts.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["health/~0000000000", "notices/~0000000001"]);
        assert_eq!(plan.puts[0].1.len(), 3);
        assert_eq!(count(&kept), 4);
    }

    #[test]
    fn dropping_part_of_a_bundle_puts_the_rest_and_dropping_the_rest_deletes_it() {
        let mut kept = Kept::default();
        let (a, b) = (id(Stream::Health, 1, 1, 0), id(Stream::Health, 1, 2, 0));
        kept.write(&[a.clone(), b.clone()]);
        let plan = kept.let_go(|id| *id == b);
        assert_eq!(
            plan,
            Plan {
                puts: vec![("health/~0000000000".to_owned(), vec![b.clone()])],
                deletes: vec![],
            }
        );
        let plan = kept.let_go(|_| false);
        assert_eq!(plan.deletes, ["health/~0000000000"]);
        assert!(plan.puts.is_empty());
        assert_eq!(count(&kept), 0);
    }

    #[test]
    fn an_op_kept_alone_by_an_older_release_is_deleted_under_its_own_key() {
        let op = id(Stream::Health, 3, 12, 4);
        let key = alone_key(&op);
        assert_eq!(key, "health/device-03/0000000012/00004");
        assert!(!is_bundle(&key));
        assert_eq!(stream_of(&key), Some(Stream::Health));
        let mut kept = Kept::default();
        kept.found(&key, [op.clone()]);
        assert_eq!(kept.let_go(|id| *id != op).deletes, [key]);
    }

    /// Two tabs across a release: the older one kept an op alone while the newer one put the
    /// same op in a bundle. Both records are found at the next start, and a drop leaves
    /// neither behind (no copy comes back at the start after).
    #[test]
    fn an_op_found_in_two_records_leaves_both_when_dropped() {
        let (op, other) = (id(Stream::Health, 1, 1, 0), id(Stream::Health, 1, 2, 0));
        let mut store: Store = BTreeMap::new();
        store.insert(alone_key(&op), vec![op.clone()]);
        store.insert(
            "health/~0000000003".to_owned(),
            vec![op.clone(), other.clone()],
        );
        let mut kept = reread(&store);
        apply(&mut store, kept.let_go(|id| *id != op));
        assert_eq!(
            store,
            BTreeMap::from([("health/~0000000003".to_owned(), vec![other.clone()])])
        );
        assert_eq!(reread(&store), kept);
    }

    #[test]
    fn keys_name_their_stream_and_bundles_follow_reloads() {
        assert_eq!(stream_of("drills/~0000000007"), Some(Stream::Drills));
        assert!(is_bundle("drills/~0000000007"));
        assert_eq!(stream_of("replica"), None);
        assert!(!is_bundle("health/~x"));
        let mut kept = Kept::default();
        kept.found("health/~0000000041", [id(Stream::Health, 1, 1, 0)]);
        let plan = kept.write(&[id(Stream::Health, 1, 2, 0)]);
        assert_eq!(plan.puts[0].0, "health/~0000000042");
    }

    #[derive(Debug, Clone)]
    enum Step {
        Write(Vec<OpId>),
        Drop(Vec<OpId>),
        Reload,
        /// A reload as the class build's start makes it: the health stream's records are
        /// found first, the ops given are written (a check saved meanwhile: health ones
        /// only), and the other records are found after.
        ReloadHealthFirst(Vec<OpId>),
    }

    fn some_id() -> impl Strategy<Value = OpId> {
        (
            prop::sample::select(vec![Stream::Health, Stream::Supplies, Stream::Notices]),
            0u8..3,
            1u32..4,
            0u16..3,
        )
            .prop_map(|(s, d, q, k)| id(s, d, q, k))
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            prop::collection::vec(some_id(), 0..8).prop_map(Step::Write),
            prop::collection::vec(some_id(), 0..8).prop_map(Step::Drop),
            Just(Step::Reload),
            prop::collection::vec(some_id(), 0..4).prop_map(Step::ReloadHealthFirst),
        ]
    }

    proptest! {
        /// Whatever is written, dropped and reloaded, in any order: the store holds each op
        /// written and not dropped since exactly once, every record one stream's, none empty.
        #[test]
        fn the_store_holds_what_was_written_and_not_dropped(
            alone in prop::collection::btree_set(some_id(), 0..6),
            steps in prop::collection::vec(step(), 1..25),
        ) {
            let mut store: Store = alone.iter().map(|id| (alone_key(id), vec![id.clone()])).collect();
            let mut held: BTreeSet<OpId> = alone;
            let mut kept = reread(&store);
            for step in steps {
                match step {
                    // As a replica stores them: each op once, only if it does not hold it.
                    Step::Write(ids) => {
                        let mut new = Vec::new();
                        for id in ids {
                            if held.insert(id.clone()) {
                                new.push(id);
                            }
                        }
                        apply(&mut store, kept.write(&new));
                    }
                    Step::Drop(ids) => {
                        for id in &ids {
                            held.remove(id);
                        }
                        apply(&mut store, kept.let_go(|id| held.contains(id)));
                    }
                    Step::Reload => kept = reread(&store),
                    Step::ReloadHealthFirst(ids) => {
                        let (health, rest): (Store, Store) = store
                            .clone()
                            .into_iter()
                            .partition(|(key, _)| stream_of(key) == Some(Stream::Health));
                        kept = reread(&health);
                        let mut new = Vec::new();
                        for id in ids.into_iter().filter(|id| id.stream == Stream::Health) {
                            if held.insert(id.clone()) {
                                new.push(id);
                            }
                        }
                        apply(&mut store, kept.write(&new));
                        for (key, ops) in &rest {
                            kept.found(key, ops.iter().cloned());
                        }
                    }
                }
                let mut seen = BTreeSet::new();
                for (key, ops) in &store {
                    prop_assert!(!ops.is_empty(), "{key} is empty");
                    for op in ops {
                        prop_assert_eq!(stream_of(key), Some(op.stream));
                        prop_assert!(seen.insert(op.clone()), "{:?} is kept twice", op);
                    }
                }
                prop_assert_eq!(&seen, &held);
                prop_assert_eq!(count(&kept), held.len());
            }
        }
    }
}
