//! The Worker's decisions about a pull: what to list and read, what the caller may see,
//! and where to cut a page.

use super::check_protocol;
use super::meta::{SegmentMeta, SegmentScope};
use crate::api::{ErrorCode, PROTOCOL_VERSION, Refused};
use crate::sync::auth::{Actor, DeviceGrant};
use crate::sync::op::Change;
use crate::sync::segment::{Day, StoredSegment, day_prefix, parse_key};
use crate::sync::snapshot::{
    self, Chunk, ChunkRef, Manifest, chunk_key, gen_key, head_key, is_manifest_id,
};
use crate::sync::wire::{
    MAX_DAYS_PER_PULL, MAX_VECTOR_DEVICES, PULL_PAGE_OPS, PullRequest, PullResponse, Resume,
    SnapResume,
};

/// Checks a pull's shape and that the device may read every stream it asks for.
pub fn check_pull(grant: &DeviceGrant, req: &PullRequest) -> Result<(), Refused> {
    check_protocol(req.protocol)?;
    for (stream, cursor) in &req.streams {
        if cursor.entries() > MAX_VECTOR_DEVICES {
            return Err(Refused::new(
                ErrorCode::TooLarge,
                "a version vector is too large",
            ));
        }
        grant
            .may_read(stream)
            .map_err(|e| Refused::new(ErrorCode::Forbidden, e.to_string()))?;
    }
    if let Some(resume) = &req.resume {
        let too_long = |s: &Option<String>| s.as_ref().is_some_and(|s| s.len() > 1_024);
        let bad_snap = resume
            .snap
            .as_ref()
            .is_some_and(|s| !is_manifest_id(&s.manifest) || s.next > 100_000);
        if resume.day < req.since || too_long(&resume.cursor) || too_long(&resume.after) || bad_snap
        {
            return Err(Refused::new(
                ErrorCode::BadRequest,
                "malformed resume point",
            ));
        }
    }
    Ok(())
}

/// The days a pull lists, oldest first: from the resume point, or `since` (a joining
/// device's horizon, if later), through today.
pub fn days_to_list(req: &PullRequest, today: Day) -> Vec<Day> {
    let first = req.resume.as_ref().map_or_else(
        || req.since.max(req.horizon.unwrap_or(req.since)),
        |r| r.day,
    );
    first.through(today, MAX_DAYS_PER_PULL)
}

/// Whether the caller lacks this segment.
fn lacks<P>(req: &PullRequest, segment: &StoredSegment<P>) -> bool {
    req.streams
        .get(&segment.stream)
        .is_some_and(|cursor| !cursor.covers(&segment.device, segment.seq))
}

/// Whether a listed key names a segment the caller asked for and lacks.
pub fn wanted(req: &PullRequest, prefix: &str, key: &str) -> bool {
    let after = req.resume.as_ref().and_then(|r| r.after.as_deref());
    if after.is_some_and(|after| key <= after) {
        return false;
    }
    parse_key(prefix, key).is_some_and(|(stream, device, seq)| {
        req.streams
            .get(&stream)
            .is_some_and(|cursor| !cursor.covers(&device, seq))
    })
}

/// A stored segment as this device may see it: ops it may not read are removed (the segment
/// itself stays, so the device's vector advances past it), and other devices' rejections,
/// which are their writer's business, are dropped. A joining device gets no daily records
/// dated before its `horizon`; every long-lived one it may read, however old.
pub fn visible_part<P: Change>(
    grant: &DeviceGrant,
    mut segment: StoredSegment<P>,
    horizon: Option<Day>,
) -> StoredSegment<P> {
    let horizon = horizon.and_then(Day::date);
    let before_horizon = |op: &crate::sync::op::Op<P>| {
        op.payload.is_daily() && horizon.is_some_and(|h| op.payload.date().is_some_and(|d| d < h))
    };
    segment
        .ops
        .retain(|op| grant.may_read_op(op) && !before_horizon(op));
    segment.rejected.clear();
    segment
}

/// One key of a KV list page, with its metadata as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<P> {
    pub key: String,
    pub meta: Option<SegmentMeta<P>>,
}

/// Builds one pull answer from KV list pages and reads, deciding what to list, what to read,
/// what the caller may see and where to cut the page. The Worker (and the simulation) only
/// perform the listing and reading it asks for.
pub struct PullPager<'a, P> {
    grant: &'a DeviceGrant,
    req: &'a PullRequest,
    days: Vec<Day>,
    day_index: usize,
    cursor: Option<String>,
    segments: Vec<StoredSegment<P>>,
    ops: usize,
    resume: Option<Resume>,
    finished: bool,
    today: Day,
    /// The snapshot's key to read before anything else, if this pull may need it.
    snapshot_key: Option<String>,
    snap: Option<SnapRead>,
    /// No snapshot yet and the device is joining: one list of the school's segments finds
    /// the oldest day, which the listing starts from (not the horizon: older long-lived
    /// records are the device's too).
    find_first: bool,
    page_ops: usize,
}

/// The snapshot a pull is reading: its manifest and the next chunk.
struct SnapRead {
    id: String,
    chunks: Vec<ChunkRef>,
    next: usize,
}

impl<'a, P: Change> PullPager<'a, P> {
    pub fn new(grant: &'a DeviceGrant, req: &'a PullRequest, today: Day) -> Result<Self, Refused> {
        check_pull(grant, req)?;
        let days = days_to_list(req, today);
        let finished = days.is_empty();
        let snapshot_key = match &req.resume {
            Some(Resume { snap: Some(s), .. }) => Some(gen_key(&grant.school, &s.manifest)),
            Some(_) => None,
            // A device that has listed recently has every compacted segment already.
            None if req.since < snapshot::target_cut(today) => Some(head_key(&grant.school)),
            None => None,
        };
        Ok(Self {
            snapshot_key,
            snap: None,
            find_first: false,
            page_ops: PULL_PAGE_OPS,
            grant,
            req,
            cursor: req.resume.as_ref().and_then(|r| r.cursor.clone()),
            days,
            day_index: 0,
            segments: Vec::new(),
            ops: 0,
            resume: None,
            finished,
            today,
        })
    }

    /// Pages end after `ops` ops instead of [`PULL_PAGE_OPS`]: the simulation pages often,
    /// so that compactions land between the pages of a pull.
    pub fn with_page_ops(mut self, ops: usize) -> Self {
        self.page_ops = ops.max(1);
        self
    }

    /// The snapshot's head (or, resuming, the manifest) to read first with
    /// [`Self::on_snapshot`], if this pull may need it.
    pub fn snapshot_key(&self) -> Option<&str> {
        self.snapshot_key.as_deref()
    }

    /// Takes the snapshot's head or manifest. A device that has not listed since before its
    /// cut reads its chunks first, then lists from the cut. A resumed pull whose manifest
    /// cannot be read yet is told to retry (KV's propagation); nothing is skipped.
    pub fn on_snapshot(&mut self, value: Option<&str>) -> Result<(), Refused> {
        self.snapshot_key = None;
        let manifest = value.and_then(|v| serde_json::from_str::<Manifest>(v).ok());
        match (
            self.req.resume.as_ref().and_then(|r| r.snap.as_ref()),
            manifest,
        ) {
            (Some(resume), Some(m)) if m.id == resume.manifest => {
                let next = usize::try_from(resume.next).unwrap_or(usize::MAX);
                if next > m.chunks.len() {
                    return Err(Refused::new(
                        ErrorCode::BadRequest,
                        "malformed resume point",
                    ));
                }
                self.snap = Some(SnapRead {
                    id: m.id,
                    chunks: m.chunks,
                    next,
                });
            }
            (Some(_), _) => return Err(not_readable_yet()),
            (None, None) if self.req.horizon.is_some_and(|h| self.req.since < h) => {
                self.find_first = true;
            }
            (None, Some(m)) if m.cut > self.req.since => {
                self.list_from(m.cut);
                self.snap = Some(SnapRead {
                    id: m.id,
                    chunks: m.chunks,
                    next: 0,
                });
            }
            (None, _) => {}
        }
        Ok(())
    }

    /// Lists from `first` (through today, up to the day cap) instead of the request's days.
    fn list_from(&mut self, first: Day) {
        self.days = first.through(self.today, MAX_DAYS_PER_PULL);
        self.day_index = 0;
        self.cursor = None;
        self.finished = self.days.is_empty();
    }

    /// The snapshot chunk to read next with [`Self::on_chunk`], before any list.
    pub fn next_chunk(&self) -> Option<String> {
        if self.finished {
            return None;
        }
        let snap = self.snap.as_ref()?;
        let chunk = snap.chunks.get(snap.next)?;
        Some(chunk_key(&self.grant.school, &chunk.name()))
    }

    /// Takes a chunk read in full: the segments the caller lacks, as it may see them.
    pub fn on_chunk(&mut self, value: Option<&str>) -> Result<(), Refused> {
        let chunk = value
            .and_then(|v| serde_json::from_str::<Chunk<P>>(v).ok())
            .ok_or_else(not_readable_yet)?;
        for segment in chunk.segments {
            if lacks(self.req, &segment) {
                self.ops += segment.ops.len();
                self.segments
                    .push(visible_part(self.grant, segment, self.req.horizon));
            }
        }
        let Some(snap) = self.snap.as_mut() else {
            return Ok(());
        };
        snap.next += 1;
        if self.ops >= self.page_ops {
            let cut = self.days.first().copied().unwrap_or(self.today);
            self.resume = Some(Resume {
                day: cut,
                cursor: None,
                after: None,
                snap: (snap.next < snap.chunks.len()).then(|| SnapResume {
                    manifest: snap.id.clone(),
                    next: u32::try_from(snap.next).unwrap_or(u32::MAX),
                }),
            });
            self.finished = true;
        }
        Ok(())
    }

    /// How many keys the next list needs, when not a whole page.
    pub fn list_limit(&self) -> Option<usize> {
        self.find_first.then_some(1)
    }

    /// The prefix and cursor to list next, or `None` when the page is complete.
    pub fn next_list(&self) -> Option<(String, Option<String>)> {
        if self.finished || self.next_chunk().is_some() {
            return None;
        }
        if self.find_first {
            return Some((snapshot::segments_prefix(&self.grant.school), None));
        }
        let day = *self.days.get(self.day_index)?;
        Some((day_prefix(&self.grant.school, day), self.cursor.clone()))
    }

    /// Takes one list page; returns the keys to read in full (segments not inline). The
    /// reads' results go to [`Self::on_read`] before the next list.
    pub fn on_list(&mut self, keys: Vec<Listed<P>>, next_cursor: Option<String>) -> Vec<String> {
        if self.find_first {
            self.find_first = false;
            let school = &self.grant.school;
            if let Some(first) = keys
                .first()
                .and_then(|l| snapshot::day_of_key(school, &l.key))
            {
                self.list_from(first.max(self.req.since));
            }
            return Vec::new();
        }
        let Some((prefix, page_cursor)) = self.next_list() else {
            return Vec::new();
        };
        let day = self.days[self.day_index];
        let mut to_read = Vec::new();
        for listed in keys {
            if !wanted(self.req, &prefix, &listed.key) {
                continue;
            }
            let hidden = match &listed.meta {
                Some(SegmentMeta {
                    seg: None,
                    scope: Some(scope),
                    ..
                }) => self.hidden(&prefix, &listed.key, scope),
                _ => None,
            };
            match listed.meta {
                Some(SegmentMeta { seg: Some(seg), .. }) => {
                    self.ops += seg.ops.len();
                    self.segments
                        .push(visible_part(self.grant, seg, self.req.horizon));
                }
                // Counted as one op, like a segment of unknown size, to bound the page.
                Some(_) if let Some(empty) = hidden => {
                    self.ops += 1;
                    self.segments.push(empty);
                }
                Some(SegmentMeta { n, seg: None, .. }) => {
                    self.ops += n;
                    to_read.push(listed.key.clone());
                }
                // Metadata missing (written by hand?): read it, count it as one op.
                None => {
                    self.ops += 1;
                    to_read.push(listed.key.clone());
                }
            }
            if self.ops >= self.page_ops {
                self.resume = Some(Resume {
                    day,
                    cursor: page_cursor,
                    after: Some(listed.key),
                    snap: None,
                });
                self.finished = true;
                return to_read;
            }
        }
        match next_cursor {
            Some(cursor) => self.cursor = Some(cursor),
            None => {
                self.cursor = None;
                self.day_index += 1;
                if self.day_index >= self.days.len() {
                    self.finished = true;
                    // The day cap cut the listing short of today: continue on the next day.
                    let last = self.days[self.days.len() - 1];
                    if self.today > last {
                        self.resume = Some(Resume {
                            day: last.next(),
                            cursor: None,
                            after: None,
                            snap: None,
                        });
                    }
                }
            }
        }
        to_read
    }

    /// The segment at `key` emptied, as [`visible_part`] would leave it, when its scope says
    /// none of its ops are for this device.
    fn hidden(&self, prefix: &str, key: &str, scope: &SegmentScope) -> Option<StoredSegment<P>> {
        let (stream, device, seq) = parse_key(prefix, key)?;
        if self
            .grant
            .may_read_any(stream, &scope.classes, scope.unclassed)
        {
            return None;
        }
        Some(StoredSegment {
            device,
            stream,
            seq,
            received_ms: scope.received_ms,
            ops: Vec::new(),
            rejected: Vec::new(),
        })
    }

    /// Takes a segment read in full. A key that reads as missing (not yet visible to this
    /// reader) is skipped: the caller's vector does not advance, so it comes in a later pull.
    pub fn on_read(&mut self, value: Option<&str>) {
        if let Some(seg) = value.and_then(|v| serde_json::from_str::<StoredSegment<P>>(v).ok()) {
            self.segments
                .push(visible_part(self.grant, seg, self.req.horizon));
        }
    }

    pub fn finish(self, server_ms: u64) -> PullResponse<P> {
        PullResponse {
            protocol: PROTOCOL_VERSION,
            server_ms,
            segments: self.segments,
            resume: self.resume,
        }
    }
}

/// A snapshot part not yet visible to this reader: the device retries shortly, as after a
/// busy answer, and nothing it lacks is skipped.
fn not_readable_yet() -> Refused {
    Refused::new(
        ErrorCode::TooManyRequests,
        "part of the school's history is not readable yet; the app tries again shortly",
    )
}
