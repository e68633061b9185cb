//! What a device holds: every op it has received, its outbox, its pull cursors and the
//! changes the Worker refused. Pure state; the app persists it and the simulation drives it.

mod map;
mod marks;
mod pull;
mod scope;

pub use marks::{RowMark, Unsynced};
pub use scope::Scope;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::hlc::{Exchange, Hlc};
use super::ids::{DeviceId, OpId, Seq, Stream};
use super::op::{Change, Op};
use super::segment::{Day, Rejection, StoredSegment};
use super::wire::{
    MAX_OPS_PER_SEGMENT, OpDraft, PullRequest, PullResponse, PushAck, PushRequest, Resume,
    StreamCursor,
};
use crate::api::PROTOCOL_VERSION;
use crate::refusals::OpInvalid;
use crate::text::Name;

/// How long after a pull a just-written segment might still be invisible to KV lists. The
/// next pull lists again from the day this long before the last one, so a late-appearing
/// segment is found. Cloudflare says "60 s or more"; an hour costs one extra list a day.
pub const VISIBILITY_MARGIN_MS: u64 = 60 * 60 * 1000;

/// How far back a joining device gets daily records (checks, staff reports): a school term.
/// Long-lived records come whatever their age, from the school's snapshot.
pub const JOIN_HORIZON_DAYS: u64 = 150;

/// The horizon of a device joining at `now_ms`.
pub fn join_horizon(now_ms: u64) -> Day {
    Day::of_ms(now_ms.saturating_sub(JOIN_HORIZON_DAYS * 86_400_000))
}

/// A change this device made that the Worker refused, kept until the person has seen it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
pub struct RefusedChange<P> {
    pub stream: Stream,
    pub hlc: Hlc,
    pub payload: P,
    pub reason: Rejection,
}

/// One stream's outbox: the segment being pushed (sealed: its seq and content never change
/// until acked, so a retry is the same segment) and the ops recorded since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
pub struct Outbox<P> {
    pub sealed: Option<(Seq, Vec<OpDraft<P>>)>,
    pub pending: Vec<OpDraft<P>>,
}

// Written out: a derived Default would ask the change type for one, which it needn't have.
impl<P> Default for Outbox<P> {
    fn default() -> Self {
        Self {
            sealed: None,
            pending: Vec::new(),
        }
    }
}

/// What applying an ack or a pull changed, so the app saves and renders exactly that and
/// never compares the replica before and after or walks its outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied<P> {
    /// Ops newly held, in the order they were stored: the ones to save and show.
    pub stored: Vec<OpId>,
    /// This device's changes the Worker refused in this answer.
    pub refused: Vec<RefusedChange<P>>,
    /// Whether another page of the pull is waiting.
    pub more: bool,
}

impl<P> Default for Applied<P> {
    fn default() -> Self {
        Self {
            stored: Vec::new(),
            refused: Vec::new(),
            more: false,
        }
    }
}

/// A device's replica of the school's data it may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
pub struct Replica<P> {
    pub device: DeviceId,
    /// Who this device acts for, as the Worker stamps it on this device's ops.
    pub me: Name,
    pub clock: Hlc,
    /// Every op received. Not part of the serialized state: the app keeps ops in their own
    /// store (each write's together, see [`crate::sync::kept`]), and the rest of the replica
    /// as one small record.
    #[serde(skip)]
    pub ops: BTreeMap<OpId, Op<P>>,
    pub cursors: BTreeMap<Stream, StreamCursor>,
    /// Receive day of each segment held past a gap, per stream, device and seq: listing must
    /// not move beyond the oldest.
    pub held_days: BTreeMap<Stream, BTreeMap<DeviceId, BTreeMap<u32, Day>>>,
    pub since: Day,
    /// A joining device's horizon: daily records dated before it are not sent to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<Day>,
    pub resume: Option<Resume>,
    /// Server time of the first page of a pull still under way. Days it listed before a
    /// later page are only as complete as they were then: a pull resumed hours later (the
    /// phone lost its signal) must not take a write that became visible meanwhile as listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_started_ms: Option<u64>,
    pub outbox: BTreeMap<Stream, Outbox<P>>,
    /// The next seq to seal per stream.
    pub next_seq: BTreeMap<Stream, Seq>,
    pub refused: Vec<RefusedChange<P>>,
    /// Server time of the last pull that finished (no page left), Unix ms.
    pub last_pull_ms: Option<u64>,
    /// Server clock minus this device's clock, learned from every answer: timestamps are
    /// taken on the corrected clock, so a phone set to the wrong time still orders its
    /// changes sensibly and passes the server's skew guard.
    #[serde(default)]
    pub clock_offset_ms: i64,
    /// Whom the ops held were pulled for. None in a store kept before scopes were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

/// A cursor at the start of each of `streams`: nothing of them pulled yet.
fn fresh_cursors(streams: &[Stream]) -> BTreeMap<Stream, StreamCursor> {
    crate::order::map_of(streams.iter().map(|s| (*s, StreamCursor::default())))
}

impl<P: Change> Replica<P> {
    /// A new device reading `streams`, listing from `since` (the start of its horizon).
    pub fn new(device: DeviceId, me: Name, streams: &[Stream], since: Day) -> Self {
        Self {
            device,
            me,
            clock: Hlc::default(),
            ops: BTreeMap::new(),
            cursors: fresh_cursors(streams),
            held_days: BTreeMap::new(),
            since,
            horizon: None,
            resume: None,
            pull_started_ms: None,
            outbox: BTreeMap::new(),
            next_seq: BTreeMap::new(),
            refused: Vec::new(),
            last_pull_ms: None,
            clock_offset_ms: 0,
            scope: None,
        }
    }

    /// A device joining the school: it receives every long-lived record it may read, however
    /// old (the school's snapshot holds them), and the daily ones received from `horizon` on.
    pub fn joining(device: DeviceId, me: Name, streams: &[Stream], horizon: Day) -> Self {
        Self {
            horizon: Some(horizon),
            ..Self::new(device, me, streams, Day::FIRST)
        }
    }

    /// Drops the daily records (see [`Change::is_daily`]) dated before `keep_from` that the
    /// server holds, and returns their ids for the device's store to delete. The cursors
    /// still cover their segments, so they are never pulled again; what waits in the outbox
    /// is never dropped.
    pub fn drop_daily_before(&mut self, keep_from: chrono::NaiveDate) -> Vec<OpId> {
        let old: Vec<OpId> = self
            .ops
            .values()
            .filter(|op| op.payload.is_daily() && op.payload.date().is_some_and(|d| d < keep_from))
            .map(|op| op.id.clone())
            .collect();
        for id in &old {
            self.ops.remove(id);
        }
        old
    }

    /// Whether this replica must pull before it pushes: one that has never pulled learns its
    /// own device's stored segments first, so its seqs continue after them (the same device
    /// code signed in on another browser).
    pub fn must_pull_before_push(&self) -> bool {
        self.last_pull_ms.is_none()
    }

    /// Learns the server's clock from an answer: see [`Exchange::offset_ms`].
    pub fn observe_server_time(&mut self, server_ms: u64, heard: Exchange) {
        self.clock_offset_ms = heard.offset_ms(server_ms, self.clock_offset_ms);
    }

    /// This device's clock, corrected by the last known offset to the server's.
    pub fn corrected(&self, now_ms: u64) -> u64 {
        now_ms.saturating_add_signed(self.clock_offset_ms)
    }

    /// After the server refused a segment as too far ahead (and stored nothing): learns its
    /// clock and restamps the sealed segment, whose content may change since no version of
    /// it exists anywhere.
    pub fn restamp_sealed(&mut self, stream: Stream, server_ms: u64, heard: Exchange) {
        self.observe_server_time(server_ms, heard);
        let now_ms = heard.received_ms();
        // The local clock may be far ahead too: restart it from the corrected time.
        self.clock = Hlc {
            wall: self.corrected(now_ms),
            counter: 0,
        };
        if let Some((_, drafts)) = self.outbox.get_mut(&stream).and_then(|o| o.sealed.as_mut()) {
            for draft in drafts {
                self.clock = Hlc::tick(
                    self.clock,
                    now_ms.saturating_add_signed(self.clock_offset_ms),
                );
                draft.hlc = self.clock;
            }
        }
    }

    /// Records a local change. It is validated here as the Worker will; the caller persists
    /// the outbox before telling the person it is saved.
    pub fn record(&mut self, stream: Stream, payload: P, now_ms: u64) -> Result<Hlc, OpInvalid> {
        payload.validate(&stream)?;
        self.clock = Hlc::tick(self.clock, self.corrected(now_ms));
        self.outbox
            .entry(stream)
            .or_default()
            .pending
            .push(OpDraft {
                hlc: self.clock,
                payload,
            });
        Ok(self.clock)
    }

    /// The changes not yet acked, with their streams: each stream's sealed segment, then
    /// what waits behind it.
    fn waiting(&self) -> impl Iterator<Item = (Stream, &OpDraft<P>)> {
        self.outbox.iter().flat_map(|(stream, o)| {
            o.sealed
                .iter()
                .flat_map(|(_, drafts)| drafts.iter())
                .chain(o.pending.iter())
                .map(|d| (*stream, d))
        })
    }

    /// Every change this device knows, with its timestamp: the ops held, then those still
    /// waiting to sync.
    pub fn changes(&self) -> Vec<(Hlc, &P)> {
        self.ops
            .values()
            .map(|op| (op.hlc, &op.payload))
            .chain(self.waiting().map(|(_, d)| (d.hlc, &d.payload)))
            .collect()
    }

    /// Every change with its timestamp and who wrote it (this device's waiting changes are
    /// its person's): what a ledger lists.
    pub fn changes_by(&self) -> Vec<(Hlc, &Name, &P)> {
        self.ops
            .values()
            .map(|op| (op.hlc, &op.by, &op.payload))
            .chain(self.waiting().map(|(_, d)| (d.hlc, &self.me, &d.payload)))
            .collect()
    }

    /// Every change with its op id once the Worker holds it (None while it waits here), its
    /// timestamp and who wrote it: what a change that answers another needs.
    pub fn changes_with_ids(&self) -> Vec<(Option<&OpId>, Hlc, &Name, &P)> {
        self.ops
            .values()
            .map(|op| (Some(&op.id), op.hlc, &op.by, &op.payload))
            .chain(
                self.waiting()
                    .map(|(_, d)| (None, d.hlc, &self.me, &d.payload)),
            )
            .collect()
    }

    /// The changes this device wrote itself: those the Worker holds, then those still
    /// waiting.
    pub fn own_changes(&self) -> Vec<(Hlc, &P)> {
        self.ops
            .values()
            .filter(|op| op.id.device == self.device)
            .map(|op| (op.hlc, &op.payload))
            .chain(self.waiting().map(|(_, d)| (d.hlc, &d.payload)))
            .collect()
    }

    /// The changes the Worker has not acked, with their streams, oldest first per stream: what
    /// a device that is signed out must keep aside rather than delete.
    pub fn unsynced(&self) -> Vec<(Stream, OpDraft<P>)> {
        self.waiting().map(|(s, d)| (s, d.clone())).collect()
    }

    pub fn pending_count(&self) -> usize {
        self.outbox
            .values()
            .map(|o| o.pending.len() + o.sealed.as_ref().map_or(0, |(_, ops)| ops.len()))
            .sum()
    }

    /// The next segment to push for `stream`: the sealed one again if it was not acked,
    /// otherwise the pending ops (up to a segment's worth) sealed under the next seq.
    pub fn next_push(&mut self, stream: Stream) -> Option<PushRequest<P>> {
        let outbox = self.outbox.get_mut(&stream)?;
        if outbox.sealed.is_none() && !outbox.pending.is_empty() {
            let take = outbox.pending.len().min(MAX_OPS_PER_SEGMENT);
            let ops: Vec<OpDraft<P>> = outbox.pending.drain(..take).collect();
            // Never reuse a seq this device already has on the server: after signing in
            // afresh on a new browser, its own earlier segments arrive by pull.
            let own = self.cursors.get(&stream).map_or(0, |c| {
                let held = c
                    .held
                    .get(&self.device)
                    .and_then(|h| h.iter().max().copied());
                c.vector
                    .get(&self.device)
                    .copied()
                    .unwrap_or(0)
                    .max(held.unwrap_or(0))
            });
            let next = self.next_seq.get(&stream).copied().unwrap_or(Seq::FIRST);
            let seq = Seq::new(own.saturating_add(1)).map_or(next, |after_own| next.max(after_own));
            outbox.sealed = Some((seq, ops));
        }
        let (seq, ops) = outbox.sealed.as_ref()?;
        Some(PushRequest {
            protocol: PROTOCOL_VERSION,
            stream,
            seq: *seq,
            ops: ops.clone(),
        })
    }

    /// Streams with something to push.
    pub fn streams_to_push(&self) -> Vec<Stream> {
        self.outbox
            .iter()
            .filter(|(_, o)| o.sealed.is_some() || !o.pending.is_empty())
            .map(|(s, _)| *s)
            .collect()
    }

    /// After the Worker refused a whole sealed segment for its content (it stored nothing):
    /// its changes are kept as refused, for the person to see, and the seq is reused.
    pub fn refuse_sealed(&mut self, stream: Stream, reason: &Rejection) {
        let Some((_, drafts)) = self.outbox.get_mut(&stream).and_then(|o| o.sealed.take()) else {
            return;
        };
        for draft in drafts {
            self.refused.push(RefusedChange {
                stream,
                hlc: draft.hlc,
                payload: draft.payload,
                reason: reason.clone(),
            });
        }
    }

    /// Forgets a refused change the person has seen.
    pub fn dismiss_refused(&mut self, index: usize) {
        if index < self.refused.len() {
            self.refused.remove(index);
        }
    }

    /// Takes back the last change recorded on `stream` if it could not be kept on disk.
    pub fn unrecord_last(&mut self, stream: Stream) {
        if let Some(outbox) = self.outbox.get_mut(&stream) {
            outbox.pending.pop();
        }
    }

    /// Applies the Worker's ack of a sealed segment: accepted ops join the replica under the
    /// ids the Worker gave them, refused ones are kept for the person to see. Returns the
    /// ops newly held and the changes refused; an ack of no sealed segment changes nothing.
    pub fn on_ack(&mut self, ack: &PushAck, heard: Exchange) -> Applied<P> {
        self.observe_server_time(ack.server_ms, heard);
        let mut applied = Applied::default();
        let Some(outbox) = self.outbox.get_mut(&ack.stream) else {
            return applied;
        };
        let Some((seq, drafts)) = outbox.sealed.take_if(|(seq, _)| *seq == ack.seq) else {
            return applied;
        };
        self.next_seq.insert(ack.stream, seq.next());
        for (k, draft) in drafts.into_iter().enumerate() {
            let k = u16::try_from(k).unwrap_or(u16::MAX);
            if let Some(refusal) = ack.rejected.iter().find(|r| r.k == k) {
                let refused = RefusedChange {
                    stream: ack.stream,
                    hlc: draft.hlc,
                    payload: draft.payload,
                    reason: refusal.reason.clone(),
                };
                applied.refused.push(refused.clone());
                self.refused.push(refused);
                continue;
            }
            let id = OpId {
                device: self.device.clone(),
                stream: ack.stream,
                seq,
                k,
            };
            // Already held if a pull brought it before the ack came back.
            if let std::collections::btree_map::Entry::Vacant(slot) = self.ops.entry(id.clone()) {
                slot.insert(Op {
                    id: id.clone(),
                    hlc: draft.hlc,
                    by: self.me.clone(),
                    payload: draft.payload,
                });
                applied.stored.push(id);
            }
        }
        let device = self.device.clone();
        self.mark_received(ack.stream, &device, seq, Day::of_ms(ack.server_ms));
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer heard at `ms`, asked for at the same instant.
    fn at(ms: u64) -> Exchange {
        Exchange::new(ms, ms)
    }
    use crate::sync::document::{SetField, documents};
    use crate::sync::segment::Rejected;
    use crate::sync::testing::{Applied, Op, Payload, Replica, StoredSegment};

    fn dev(n: u32) -> DeviceId {
        DeviceId::parse(&format!("device-{n:04}")).unwrap()
    }

    /// The Worker's ack of a notices segment of two ops: the first taken, the second refused.
    fn ack_refusing_second(seq: Seq) -> PushAck {
        PushAck {
            protocol: PROTOCOL_VERSION,
            stream: Stream::Notices,
            seq,
            accepted: 1,
            rejected: vec![Rejected {
                k: 1,
                reason: Rejection::Forbidden {
                    message: "no".into(),
                },
            }],
            server_ms: 1_795_400_000_000,
        }
    }

    fn set(doc: &str, value: &str, supersedes: Vec<OpId>) -> Payload {
        Payload::SetField(SetField {
            doc: doc.into(),
            field: "title".into(),
            value: value.into(),
            supersedes,
        })
    }

    /// A teacher's device that reads notices, listing from 2026-11-01.
    fn notices_replica() -> Replica {
        Replica::new(
            dev(1),
            Name::parse("李红").unwrap(),
            &[Stream::Notices],
            Day::try_from(20261101).unwrap(),
        )
    }

    fn op(device: u32, seq: u32, wall: u64, payload: Payload) -> Op {
        Op {
            id: OpId {
                device: dev(device),
                stream: Stream::Notices,
                seq: Seq::new(seq).unwrap(),
                k: 0,
            },
            hlc: Hlc { wall, counter: 0 },
            by: Name::parse("周校长").unwrap(),
            payload,
        }
    }

    #[test]
    fn concurrent_writes_keep_the_loser_as_a_conflict() {
        let a = op(1, 1, 100, set("n-1", "A", vec![]));
        let b = op(2, 1, 200, set("n-1", "B", vec![]));
        let ops: BTreeMap<_, _> = [a.clone(), b.clone()]
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        let docs = documents(&ops);
        let reg = &docs[&(Stream::Notices, "n-1", "title")];
        assert_eq!(reg.winner, &b);
        assert_eq!(reg.conflicts, vec![&a]);
        // Resolving names both sides; the conflict is gone.
        let c = op(1, 2, 300, set("n-1", "C", vec![b.id.clone()]));
        let mut ops = ops;
        ops.insert(c.id.clone(), c.clone());
        let docs = documents(&ops);
        let reg = &docs[&(Stream::Notices, "n-1", "title")];
        assert_eq!(reg.winner, &c);
        assert!(reg.conflicts.is_empty());
    }

    #[test]
    fn outbox_seals_retries_and_acks() {
        let mut r = notices_replica();
        r.record(Stream::Notices, set("n-1", "A", vec![]), 1_000)
            .unwrap();
        r.record(Stream::Notices, set("n-1", "B", vec![]), 1_001)
            .unwrap();
        assert!(
            r.record(Stream::Health, set("n-1", "B", vec![]), 1_002)
                .is_err()
        );
        let first = r.next_push(Stream::Notices).unwrap();
        assert_eq!(first.seq, Seq::FIRST);
        // Recorded while the segment is in flight: not part of the retry.
        r.record(Stream::Notices, set("n-2", "C", vec![]), 1_003)
            .unwrap();
        assert_eq!(r.next_push(Stream::Notices).unwrap(), first);
        assert_eq!(r.pending_count(), 3);
        // What a signed-out device keeps aside: the sealed segment and what waits behind it.
        let aside: Vec<Payload> = r.unsynced().into_iter().map(|(_, d)| d.payload).collect();
        assert_eq!(
            aside,
            vec![
                set("n-1", "A", vec![]),
                set("n-1", "B", vec![]),
                set("n-2", "C", vec![])
            ]
        );
        r.on_ack(&ack_refusing_second(Seq::FIRST), at(1_795_400_000_000));
        assert_eq!(r.ops.len(), 1);
        assert_eq!(r.refused.len(), 1);
        assert_eq!(r.cursors[&Stream::Notices].vector[&dev(1)], 1);
        let second = r.next_push(Stream::Notices).unwrap();
        assert_eq!(second.seq.get(), 2);
        assert_eq!(second.ops.len(), 1);
        assert_eq!(r.unsynced().len(), 1);
    }

    #[test]
    fn a_fresh_replica_continues_after_its_own_pulled_segments() {
        let mut r = notices_replica();
        let own = StoredSegment {
            device: dev(1),
            stream: Stream::Notices,
            seq: Seq::new(4).unwrap(),
            received_ms: 1_795_400_000_000,
            ops: vec![],
            rejected: vec![],
        };
        r.on_pull(
            PullResponse {
                protocol: 1,
                server_ms: 1_795_400_000_000,
                segments: vec![own],
                resume: None,
            },
            at(0),
        );
        r.record(Stream::Notices, set("n-1", "A", vec![]), 1_000)
            .unwrap();
        assert_eq!(r.next_push(Stream::Notices).unwrap().seq.get(), 5);
    }

    #[test]
    fn phones_on_the_servers_clock_order_changes_by_it_however_slow_their_answers() {
        // Both phones keep the server's time. One heard its last answer at once; the other
        // two seconds after the server read its clock (a slow link, a busy phone). The
        // second phone's later edit still orders after the first phone's earlier one.
        let server_ms = 1_795_400_000_000;
        let empty = || PullResponse {
            protocol: 1,
            server_ms,
            segments: vec![],
            resume: None,
        };
        let mut quick = notices_replica();
        let mut slow = notices_replica();
        quick.on_pull(empty(), Exchange::new(server_ms - 10, server_ms + 10));
        slow.on_pull(empty(), Exchange::new(server_ms - 10, server_ms + 2_000));
        assert_eq!((quick.clock_offset_ms, slow.clock_offset_ms), (0, 0));
        let earlier = quick.record(Stream::Notices, set("n-1", "A", vec![]), server_ms + 3_000);
        let later = slow.record(Stream::Notices, set("n-1", "B", vec![]), server_ms + 3_200);
        assert!(later.unwrap() > earlier.unwrap());
    }

    #[test]
    fn gaps_hold_until_closed() {
        let mut r = notices_replica();
        let seg = |seq: u32, wall: u64| StoredSegment {
            device: dev(2),
            stream: Stream::Notices,
            seq: Seq::new(seq).unwrap(),
            received_ms: 1_795_400_000_000,
            ops: vec![op(2, seq, wall, set("n-1", "x", vec![]))],
            rejected: vec![],
        };
        let page = |segments| PullResponse {
            protocol: 1,
            server_ms: 1_795_400_000_000,
            segments,
            resume: None,
        };
        r.on_pull(page(vec![seg(2, 20), seg(3, 30)]), at(0));
        assert_eq!(r.cursors[&Stream::Notices].vector.get(&dev(2)), None);
        assert_eq!(r.cursors[&Stream::Notices].held[&dev(2)], vec![2, 3]);
        // Seq 1 may sit under the day before the held ones (written before midnight).
        assert_eq!(r.since, Day::of_ms(1_795_400_000_000).prev());
        r.on_pull(page(vec![seg(1, 10), seg(3, 30)]), at(0));
        assert_eq!(r.cursors[&Stream::Notices].vector[&dev(2)], 3);
        assert!(r.cursors[&Stream::Notices].held.is_empty());
        assert!(r.held_days.is_empty());
        assert_eq!(r.ops.len(), 3);
    }

    #[test]
    fn a_pull_resumed_hours_later_lists_again_from_its_first_page() {
        let mut r = notices_replica();
        let page = |server_ms, resume| PullResponse {
            protocol: 1,
            server_ms,
            segments: vec![],
            resume,
        };
        // 2026-11-23 23:59 UTC: the first page lists the 23rd and is cut.
        let first_ms = 1_795_478_340_000;
        let resume = Some(Resume {
            day: Day::try_from(20261124).unwrap(),
            cursor: None,
            after: None,
            snap: None,
        });
        r.on_pull(page(first_ms, resume), at(0));
        // The signal comes back the next evening: the last page answers then.
        r.on_pull(page(first_ms + 20 * 3_600_000, None), at(0));
        // A write on the 23rd not yet visible to the first page is listed next time.
        assert_eq!(r.since, Day::try_from(20261123).unwrap());
        assert_eq!(r.pull_started_ms, None);
        // The next pull, in one page, moves on.
        r.on_pull(page(first_ms + 21 * 3_600_000, None), at(0));
        assert_eq!(r.since, Day::try_from(20261124).unwrap());
    }

    #[test]
    fn a_change_is_marked_unsynced_until_acked() {
        let mut r = notices_replica();
        r.record(Stream::Notices, set("n-1", "A", vec![]), 1_000)
            .unwrap();
        let hlc = r.changes_by()[0].0;
        let me = r.me.clone();
        assert!(r.unsynced_marks().holds(hlc, &me));
        assert!(
            !r.unsynced_marks()
                .holds(hlc, &Name::parse("周校长").unwrap())
        );
        let push = r.next_push(Stream::Notices).unwrap();
        let ack = PushAck {
            protocol: PROTOCOL_VERSION,
            stream: Stream::Notices,
            seq: push.seq,
            accepted: 1,
            rejected: vec![],
            server_ms: 1_795_400_000_000,
        };
        r.on_ack(&ack, at(1_795_400_000_000));
        assert!(!r.unsynced_marks().holds(hlc, &me));
    }

    #[test]
    fn a_row_is_marked_while_its_change_waits_or_after_a_refusal() {
        let mut r = notices_replica();
        let doc = |p: &Payload| match p {
            Payload::SetField(s) => Some(s.doc.clone()),
        };
        r.record(Stream::Notices, set("n-1", "A", vec![]), 1_000)
            .unwrap();
        r.record(Stream::Notices, set("n-2", "B", vec![]), 1_001)
            .unwrap();
        let marks = r.row_marks(doc);
        assert_eq!(marks.get("n-1"), Some(&RowMark::Waiting));
        assert_eq!(marks.get("n-2"), Some(&RowMark::Waiting));
        r.next_push(Stream::Notices).unwrap();
        r.on_ack(&ack_refusing_second(Seq::FIRST), at(1_795_400_000_000));
        let marks = r.row_marks(doc);
        // n-1 is on the server; n-2 was refused, until it is saved again.
        assert_eq!(marks.get("n-1"), None);
        assert_eq!(marks.get("n-2"), Some(&RowMark::Refused));
        r.record(Stream::Notices, set("n-2", "B2", vec![]), 1_795_400_000_100)
            .unwrap();
        assert_eq!(r.row_marks(doc).get("n-2"), Some(&RowMark::Waiting));
        r.dismiss_refused(0);
        r.next_push(Stream::Notices).unwrap();
        r.on_ack(
            &PushAck {
                protocol: PROTOCOL_VERSION,
                stream: Stream::Notices,
                seq: Seq::new(2).unwrap(),
                accepted: 1,
                rejected: vec![],
                server_ms: 1_795_400_001_000,
            },
            at(1_795_400_001_000),
        );
        assert!(r.row_marks(doc).is_empty());
        assert_eq!(RowMark::of(true, true), Some(RowMark::Waiting));
        assert_eq!(RowMark::of(false, true), Some(RowMark::Refused));
        assert_eq!(RowMark::of(false, false), None);
    }

    #[test]
    fn state_round_trips_through_json_without_ops() {
        let mut r = notices_replica();
        r.record(Stream::Notices, set("n-1", "A", vec![]), 1_000)
            .unwrap();
        r.held_days
            .entry(Stream::Notices)
            .or_default()
            .entry(dev(2))
            .or_default()
            .insert(5, Day::try_from(20261102).unwrap());
        let json = serde_json::to_string(&r).unwrap();
        let back: Replica = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn an_ack_says_what_was_stored_and_refused() {
        let mut r = notices_replica();
        r.record(Stream::Notices, set("n-1", "A", vec![]), 1_000)
            .unwrap();
        r.record(Stream::Notices, set("n-1", "B", vec![]), 1_001)
            .unwrap();
        let push = r.next_push(Stream::Notices).unwrap();
        let ack = ack_refusing_second(push.seq);
        let applied = r.on_ack(&ack, at(1_795_400_000_000));
        let first = OpId {
            device: dev(1),
            stream: Stream::Notices,
            seq: Seq::FIRST,
            k: 0,
        };
        assert_eq!(applied.stored, vec![first.clone()]);
        assert_eq!(applied.refused.len(), 1);
        assert_eq!(applied.refused[0].payload, set("n-1", "B", vec![]));
        assert_eq!(applied.refused, r.refused);
        assert!(!applied.more);
        // The same ack again (a retry answered twice) changes nothing and says so.
        assert_eq!(r.on_ack(&ack, at(1_795_400_000_000)), Applied::default());
        assert!(r.ops.contains_key(&first));
    }

    #[test]
    fn a_pull_says_which_ops_are_new_and_whether_more_wait() {
        let mut r = notices_replica();
        let seg = |seq: u32| StoredSegment {
            device: dev(2),
            stream: Stream::Notices,
            seq: Seq::new(seq).unwrap(),
            received_ms: 1_795_400_000_000,
            ops: vec![op(2, seq, u64::from(seq), set("n-1", "x", vec![]))],
            rejected: vec![],
        };
        let page = |segments, resume| PullResponse {
            protocol: 1,
            server_ms: 1_795_400_000_000,
            segments,
            resume,
        };
        let resume = Some(Resume {
            day: Day::try_from(20261102).unwrap(),
            cursor: None,
            after: None,
            snap: None,
        });
        let applied = r.on_pull(page(vec![seg(1), seg(2)], resume), at(0));
        assert_eq!(
            applied.stored,
            vec![seg(1).ops[0].id.clone(), seg(2).ops[0].id.clone()]
        );
        assert!(applied.refused.is_empty());
        assert!(applied.more);
        // A segment already held (listed again after the margin) is not new.
        let applied = r.on_pull(page(vec![seg(2), seg(3)], None), at(0));
        assert_eq!(applied.stored, vec![seg(3).ops[0].id.clone()]);
        assert!(!applied.more);
    }
}
