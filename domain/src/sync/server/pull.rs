//! The Worker's decisions about a pull: what to list and read, what the caller may see,
//! and where to cut a page.

use super::check_protocol;
use crate::api::{ErrorCode, PROTOCOL_VERSION, Refused};
use crate::school::ClassId;
use crate::sync::auth::{Actor, DeviceGrant};
use crate::sync::op::Change;
use crate::sync::segment::{Day, INLINE_LIMIT, StoredSegment, day_prefix, parse_key};
use crate::sync::wire::{
    MAX_DAYS_PER_PULL, MAX_VECTOR_DEVICES, PULL_PAGE_OPS, PullRequest, PullResponse, Resume,
};
use serde::{Deserialize, Serialize};

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
        if resume.day < req.since || too_long(&resume.cursor) || too_long(&resume.after) {
            return Err(Refused::new(
                ErrorCode::BadRequest,
                "malformed resume point",
            ));
        }
    }
    Ok(())
}

/// The days a pull lists, oldest first: from the resume point or `since`, through today.
pub fn days_to_list(req: &PullRequest, today: Day) -> Vec<Day> {
    let first = req.resume.as_ref().map_or(req.since, |r| r.day);
    first.through(today, MAX_DAYS_PER_PULL)
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
/// which are their writer's business, are dropped.
pub fn visible_part<P: Change>(
    grant: &DeviceGrant,
    mut segment: StoredSegment<P>,
) -> StoredSegment<P> {
    segment.ops.retain(|op| grant.may_read_op(op));
    segment.rejected.clear();
    segment
}

/// KV metadata of a segment key: the op count always, and the whole segment when it is small
/// enough ([`INLINE_LIMIT`]), so a pull needs no read for it; otherwise its scope, so a pull
/// needs no read for a segment with nothing the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "P: Change")]
pub struct SegmentMeta<P> {
    pub n: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seg: Option<StoredSegment<P>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<SegmentScope>,
}

/// Which classes a segment's ops concern, whether some concern none, and when it was
/// received: enough to answer a teacher's pull with the segment emptied, as reading it would
/// (a teacher's phone reads the health stream of its own classes only, and every class
/// teacher's morning push is in that stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentScope {
    pub classes: Vec<ClassId>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unclassed: bool,
    pub received_ms: u64,
}

/// A segment touching more classes than this is read, keeping the metadata within KV's
/// 1,024 bytes (class ids are at most 16 bytes).
const MAX_SCOPE_CLASSES: usize = 8;

impl SegmentScope {
    fn of<P: Change>(segment: &StoredSegment<P>) -> Option<Self> {
        let mut classes: Vec<ClassId> = Vec::new();
        let mut unclassed = false;
        for op in &segment.ops {
            match op.payload.class() {
                Some(class) if !classes.contains(class) => classes.push(class.clone()),
                Some(_) => {}
                None => unclassed = true,
            }
        }
        (classes.len() <= MAX_SCOPE_CLASSES).then_some(Self {
            classes,
            unclassed,
            received_ms: segment.received_ms,
        })
    }
}

impl<P: Change> SegmentMeta<P> {
    pub fn of(segment: &StoredSegment<P>) -> Self {
        let inline = serde_json::to_string(segment).is_ok_and(|json| json.len() <= INLINE_LIMIT);
        Self {
            n: segment.ops.len(),
            seg: inline.then(|| segment.clone()),
            scope: if inline {
                None
            } else {
                SegmentScope::of(segment)
            },
        }
    }
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
}

impl<'a, P: Change> PullPager<'a, P> {
    pub fn new(grant: &'a DeviceGrant, req: &'a PullRequest, today: Day) -> Result<Self, Refused> {
        check_pull(grant, req)?;
        let days = days_to_list(req, today);
        let finished = days.is_empty();
        Ok(Self {
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

    /// The prefix and cursor to list next, or `None` when the page is complete.
    pub fn next_list(&self) -> Option<(String, Option<String>)> {
        if self.finished {
            return None;
        }
        let day = *self.days.get(self.day_index)?;
        Some((day_prefix(&self.grant.school, day), self.cursor.clone()))
    }

    /// Takes one list page; returns the keys to read in full (segments not inline). The
    /// reads' results go to [`Self::on_read`] before the next list.
    pub fn on_list(&mut self, keys: Vec<Listed<P>>, next_cursor: Option<String>) -> Vec<String> {
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
                    self.segments.push(visible_part(self.grant, seg));
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
            if self.ops >= PULL_PAGE_OPS {
                self.resume = Some(Resume {
                    day,
                    cursor: page_cursor,
                    after: Some(listed.key),
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
            self.segments.push(visible_part(self.grant, seg));
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
