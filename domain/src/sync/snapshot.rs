//! Compaction: segments of settled days folded into a school's snapshot, so that a device
//! joining on any day of the year receives every long-lived record with a handful of KV
//! lists, however old the school is.
//!
//! The layout, all under `v1/{school}/snap/`:
//! - `chunk/{first}.{last}.{part}`: every segment received on the days `first..=last`, in a
//!   fixed order, split into parts of about [`CHUNK_OPS`] ops. Its content follows from its
//!   name and the stored segments alone, so two compactions that write one name write the
//!   same bytes, and a compaction repeated after a crash rewrites what it had written.
//! - `gen/{id}`: a manifest, the chunks that together hold every segment received before its
//!   cut. Never rewritten: its id is its cut and a hash of its chunk names.
//! - `head`: a copy of the latest manifest. A pull reads it once, then resumes by the
//!   manifest's id, so a compaction that lands mid-pull changes nothing for that pull.
//!
//! Nothing is deleted: the segments stay (a retried push is acked from them) and so do older
//! chunks and manifests, which a paused pull may still be reading. A compaction only covers
//! days that ended [`SETTLE_DAYS`] ago or more: no push lands on them any more, and KV's
//! listing of them (eventually consistent, within a minute) has long settled.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::ids::{DeviceId, Seq, Stream};
use super::op::Change;
use super::segment::{Day, StoredSegment, day_prefix};
use super::server::{Listed, SegmentMeta};
use crate::school::SchoolId;

/// A day is compacted once this many whole days have passed since it ended.
pub const SETTLE_DAYS: usize = 2;
/// A chunk closes once it holds this many ops: one chunk is about one pull page's work.
pub const CHUNK_OPS: usize = 1_000;
/// A compaction run stops after the day that takes it past this many ops (at least one day
/// a run): the Worker's CPU limit is per invocation, and the cron comes back a minute later.
pub const RUN_OPS: usize = 2_000;
/// The most days one run lists (one KV list each, more for a day of over 1,000 segments).
pub const RUN_DAYS: usize = 31;

/// The first day a compaction with today `today` may not cover.
pub fn target_cut(today: Day) -> Day {
    (0..SETTLE_DAYS).fold(today, |day, _| day.prev())
}

/// Every key of the snapshot starts with this.
pub fn prefix(school: &SchoolId) -> String {
    format!("v1/{school}/snap/")
}

pub fn head_key(school: &SchoolId) -> String {
    format!("{}head", prefix(school))
}

pub fn gen_key(school: &SchoolId, id: &str) -> String {
    format!("{}gen/{id}", prefix(school))
}

pub fn chunk_key(school: &SchoolId, name: &str) -> String {
    format!("{}chunk/{name}", prefix(school))
}

/// The prefix listing every segment of the school, oldest day first.
pub fn segments_prefix(school: &SchoolId) -> String {
    format!("v1/{school}/seg/")
}

/// One chunk as a manifest names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkRef {
    pub first: Day,
    pub last: Day,
    pub part: u32,
    pub ops: u32,
}

impl ChunkRef {
    pub fn name(&self) -> String {
        format!("{}.{}.{}", self.first.get(), self.last.get(), self.part)
    }
}

/// The chunks holding every segment received before `cut`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    pub cut: Day,
    pub chunks: Vec<ChunkRef>,
    pub made_ms: u64,
}

impl Manifest {
    fn new(cut: Day, chunks: Vec<ChunkRef>, made_ms: u64) -> Self {
        // FNV-1a: the id needs to tell manifests apart, not to resist anyone.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in chunks.iter().flat_map(|c| c.name().into_bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        Self {
            id: format!("{}-{hash:016x}", cut.get()),
            cut,
            chunks,
            made_ms,
        }
    }

    pub fn ops(&self) -> u64 {
        self.chunks.iter().map(|c| u64::from(c.ops)).sum()
    }
}

/// Whether `id` has a manifest id's shape (a resumed pull names one).
pub fn is_manifest_id(id: &str) -> bool {
    id.len() <= 40
        && id
            .split_once('-')
            .is_some_and(|(day, hash)| day.len() == 8 && hash.len() == 16)
        && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// A chunk's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "P: Change")]
pub struct Chunk<P> {
    pub segments: Vec<StoredSegment<P>>,
}

/// Where a compaction run starts, from the head it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Every settled day is compacted.
    Nothing,
    /// No snapshot yet: list the school's segments once to find its oldest day.
    FindFirstDay,
    /// List the days from `from` (up to the target cut). `absorb` is the manifest's last
    /// chunk when it is small: the run reads it and rebuilds it with the new days, so that
    /// daily runs do not leave a trail of tiny chunks.
    Days { from: Day, absorb: Option<ChunkRef> },
}

/// Where the run at `today` starts, given the head.
pub fn start(head: Option<&Manifest>, today: Day) -> Start {
    let Some(head) = head else {
        return Start::FindFirstDay;
    };
    if head.cut >= target_cut(today) {
        return Start::Nothing;
    }
    // Only a chunk that is a range's only part can be rebuilt from itself alone.
    let absorb = head
        .chunks
        .last()
        .filter(|c| c.part == 0 && (c.ops as usize) < CHUNK_OPS / 2)
        .cloned();
    Start::Days {
        from: head.cut,
        absorb,
    }
}

/// The receive day a segment key names.
pub fn day_of_key(school: &SchoolId, key: &str) -> Option<Day> {
    let day = key
        .strip_prefix(&segments_prefix(school))?
        .split('/')
        .next()?;
    Day::try_from(day.parse::<u32>().ok()?).ok()
}

/// The run's start once the school's oldest segment key (if any) is known.
pub fn start_at_first(school: &SchoolId, first_key: Option<&str>, today: Day) -> Start {
    match first_key.and_then(|key| day_of_key(school, key)) {
        Some(from) => Start::Days { from, absorb: None },
        // Nothing stored yet: the first manifest is empty, cut at the target.
        None => Start::Days {
            from: target_cut(today),
            absorb: None,
        },
    }
}

/// Why a run stopped without writing: it is simply tried again later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupted {
    /// A listed segment or the chunk to absorb could not be read yet (KV's propagation).
    NotReadable(String),
}

/// Gathers the segments of the days a run covers: lists each day to the end, reads the
/// segments not inline in their metadata, and stops at a day's end once [`RUN_OPS`] or
/// [`RUN_DAYS`] is reached.
pub struct Gather<P> {
    school: SchoolId,
    days: Vec<Day>,
    day_index: usize,
    cursor: Option<String>,
    segments: Vec<StoredSegment<P>>,
    ops: usize,
    done: bool,
}

impl<P: Change> Gather<P> {
    pub fn new(school: &SchoolId, from: Day, today: Day) -> Self {
        let cut = target_cut(today);
        let days = if from < cut {
            from.through(cut.prev(), RUN_DAYS)
        } else {
            Vec::new()
        };
        Self {
            school: school.clone(),
            done: days.is_empty(),
            days,
            day_index: 0,
            cursor: None,
            segments: Vec::new(),
            ops: 0,
        }
    }

    /// The prefix and cursor to list next, or `None` when gathered.
    pub fn next_list(&self) -> Option<(String, Option<String>)> {
        if self.done {
            return None;
        }
        let day = *self.days.get(self.day_index)?;
        Some((day_prefix(&self.school, day), self.cursor.clone()))
    }

    /// Takes one list page; returns the keys to read with [`Self::on_read`].
    pub fn on_list(&mut self, keys: Vec<Listed<P>>, next_cursor: Option<String>) -> Vec<String> {
        let mut to_read = Vec::new();
        for listed in keys {
            match listed.meta {
                Some(SegmentMeta { seg: Some(seg), .. }) => {
                    self.ops += seg.ops.len();
                    self.segments.push(seg);
                }
                _ => to_read.push(listed.key),
            }
        }
        match next_cursor {
            Some(cursor) => self.cursor = Some(cursor),
            None => {
                self.cursor = None;
                self.day_index += 1;
                if self.day_index >= self.days.len() || self.ops >= RUN_OPS {
                    self.done = true;
                }
            }
        }
        to_read
    }

    /// Takes a segment read in full. One that cannot be read stops the run: a chunk must hold
    /// every segment of its days.
    pub fn on_read(&mut self, key: &str, value: Option<&str>) -> Result<(), Interrupted> {
        let segment = value
            .and_then(|v| serde_json::from_str::<StoredSegment<P>>(v).ok())
            .ok_or_else(|| Interrupted::NotReadable(key.to_owned()))?;
        self.ops += segment.ops.len();
        self.segments.push(segment);
        Ok(())
    }

    /// The days gathered (the first and the last) and their segments.
    pub fn finish(self) -> Option<(Day, Day, Vec<StoredSegment<P>>)> {
        let first = *self.days.first()?;
        let last = *self.days.get(self.day_index.checked_sub(1)?)?;
        Some((first, last, self.segments))
    }
}

/// What a run writes, in this order: the chunks, the manifest under its id, then the head.
#[derive(Debug, Clone, PartialEq)]
pub struct Built<P> {
    pub chunks: Vec<(ChunkRef, Chunk<P>)>,
    pub manifest: Manifest,
}

/// The next manifest: `head`'s chunks (less the absorbed one) and new chunks holding every
/// segment received on `first..=last`, `absorbed` being the absorbed chunk's content, if any.
/// With nothing gathered (`days` is `None`), a first manifest is empty and cut at
/// `empty_cut`.
pub fn build<P: Change>(
    head: Option<&Manifest>,
    absorbed: Option<(ChunkRef, Chunk<P>)>,
    days: Option<(Day, Day, Vec<StoredSegment<P>>)>,
    empty_cut: Day,
    now_ms: u64,
) -> Built<P> {
    let mut chunks: Vec<ChunkRef> = head.map(|h| h.chunks.clone()).unwrap_or_default();
    let Some((first, last, gathered)) = days else {
        let cut = head.map_or(empty_cut, |h| h.cut);
        return Built {
            chunks: Vec::new(),
            manifest: Manifest::new(cut, chunks, now_ms),
        };
    };
    let (first, mut segments) = match absorbed {
        Some((absorbed, content)) => {
            chunks.retain(|c| c != &absorbed);
            (absorbed.first, content.segments)
        }
        None => (first, Vec::new()),
    };
    segments.extend(gathered);
    // One fixed order, and each segment once (a retried push stored twice in a day).
    crate::order::sort_by(&mut segments, |a, b| order(a).cmp(&order(b)));
    let mut seen: BTreeSet<(Stream, DeviceId, Seq)> = BTreeSet::new();
    segments.retain(|s| seen.insert((s.stream, s.device.clone(), s.seq)));
    let mut parts: Vec<(ChunkRef, Chunk<P>)> = Vec::new();
    for segment in segments {
        let n = u32::try_from(segment.ops.len()).unwrap_or(u32::MAX);
        match parts.last_mut() {
            Some((r, c)) if (r.ops as usize) < CHUNK_OPS => {
                r.ops = r.ops.saturating_add(n);
                c.segments.push(segment);
            }
            _ => {
                let part = u32::try_from(parts.len()).unwrap_or(u32::MAX);
                let r = ChunkRef {
                    first,
                    last,
                    part,
                    ops: n,
                };
                parts.push((
                    r,
                    Chunk {
                        segments: vec![segment],
                    },
                ));
            }
        }
    }
    chunks.extend(parts.iter().map(|(r, _)| r.clone()));
    Built {
        chunks: parts,
        manifest: Manifest::new(last.next(), chunks, now_ms),
    }
}

fn order<P>(s: &StoredSegment<P>) -> (Day, Stream, &DeviceId, Seq) {
    (Day::of_ms(s.received_ms), s.stream, &s.device, s.seq)
}

#[cfg(test)]
mod tests;
