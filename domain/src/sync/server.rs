//! The Worker's decisions about a push or a pull, as pure functions of the request, the
//! device's grant and the time. The Worker only adds KV and HTTP around them.

use super::auth::{Actor, DeviceGrant, GrantRefused, Operation};
use super::hlc::check_skew;
use super::ids::OpId;
use super::op::{Change, Op};
use super::segment::{
    Day, INLINE_LIMIT, Rejected, Rejection, StoredSegment, day_prefix, parse_key,
};
use super::wire::{
    MAX_DAYS_PER_PULL, MAX_OPS_PER_SEGMENT, MAX_VECTOR_DEVICES, PULL_PAGE_OPS, PullRequest,
    PullResponse, PushAck, PushRequest, Resume,
};
use crate::api::{ErrorCode, PROTOCOL_VERSION};
use crate::school::{ClassId, SchoolProfile, SchoolTimeZone};
use serde::{Deserialize, Serialize};

pub use crate::api::Refused;

fn check_protocol(protocol: u32) -> Result<(), Refused> {
    if protocol == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(Refused::new(
            ErrorCode::ProtocolMismatch,
            format!(
                "this server speaks sync protocol {PROTOCOL_VERSION}, not {protocol}; reload the app"
            ),
        ))
    }
}

/// Checks a grant found for a token is usable at `now_ms`, with the person's current role
/// and classes from `directory`.
pub fn check_grant(
    grant: Option<DeviceGrant>,
    directory: &SchoolProfile,
    now_ms: u64,
) -> Result<DeviceGrant, Refused> {
    let Some(grant) = grant else {
        return Err(Refused::new(
            ErrorCode::Unauthorized,
            "unknown device token",
        ));
    };
    grant.resolve(directory, now_ms).map_err(|why| {
        let code = match why {
            GrantRefused::Revoked => ErrorCode::Revoked,
            GrantRefused::Expired | GrantRefused::NotInDirectory => ErrorCode::Unauthorized,
        };
        Refused::new(code, why.to_string())
    })
}

/// Decides a push: every op is validated and authorized again; the accepted ones get their
/// identity and author, the rest a reason. The result is what gets stored.
pub fn accept_push<P: Change>(
    grant: &DeviceGrant,
    req: PushRequest<P>,
    tz: SchoolTimeZone,
    now_ms: u64,
) -> Result<StoredSegment<P>, Refused> {
    check_protocol(req.protocol)?;
    if req.ops.is_empty() {
        return Err(Refused::new(
            ErrorCode::BadRequest,
            "a segment holds at least one op",
        ));
    }
    if req.ops.len() > MAX_OPS_PER_SEGMENT {
        return Err(Refused::new(
            ErrorCode::TooLarge,
            format!("a segment holds at most {MAX_OPS_PER_SEGMENT} ops"),
        ));
    }
    if let Some(ahead) = req
        .ops
        .iter()
        .find_map(|draft| check_skew(draft.hlc, now_ms).err())
    {
        return Err(Refused {
            code: ErrorCode::ClockAhead,
            message: format!(
                "this device's clock is {} s ahead of the server's",
                (ahead.remote_ms - now_ms) / 1000
            ),
            server_ms: Some(now_ms),
            retry_after_s: None,
        });
    }
    let mut ops = Vec::with_capacity(req.ops.len());
    let mut rejected = Vec::new();
    for (k, draft) in req.ops.into_iter().enumerate() {
        // MAX_OPS_PER_SEGMENT keeps k within u16.
        let k = u16::try_from(k).unwrap_or(u16::MAX);
        let verdict = draft
            .payload
            .validate(&req.stream)
            .and_then(|()| draft.payload.validate_date(tz, draft.hlc.wall))
            .map_err(|problem| Rejection::Invalid { problem })
            .and_then(|()| {
                grant
                    .may(Operation::Write {
                        stream: &req.stream,
                        payload: &draft.payload,
                    })
                    .map_err(|e| Rejection::Forbidden {
                        message: e.to_string(),
                    })
            });
        match verdict {
            Ok(()) => ops.push(Op {
                id: OpId {
                    device: grant.device.clone(),
                    stream: req.stream,
                    seq: req.seq,
                    k,
                },
                hlc: draft.hlc,
                by: grant.name.clone(),
                payload: draft.payload,
            }),
            Err(reason) => rejected.push(Rejected { k, reason }),
        }
    }
    Ok(StoredSegment {
        device: grant.device.clone(),
        stream: req.stream,
        seq: req.seq,
        received_ms: now_ms,
        ops,
        rejected,
    })
}

/// The ack for a stored segment; a retry is acked from the stored copy, identically.
pub fn ack<P>(segment: &StoredSegment<P>, now_ms: u64) -> PushAck {
    PushAck {
        protocol: PROTOCOL_VERSION,
        stream: segment.stream,
        seq: segment.seq,
        accepted: segment.ops.len(),
        rejected: segment.rejected.clone(),
        server_ms: now_ms,
    }
}

/// What a push does with its decided segment, given the copy KV already holds under the
/// segment's key, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushStep<P> {
    /// A retry (after a lost ack, or a re-sent segment): the stored copy answers and nothing
    /// is written. Writing again would replace the segment with a second version, decided
    /// later and received later, after devices may already have pulled the first.
    AckStored(PushAck),
    /// Nothing stored yet: write this segment, then ack it.
    Store(StoredSegment<P>),
}

/// Decides between acking a stored copy and storing `decided`.
pub fn store_or_ack<P>(
    decided: StoredSegment<P>,
    stored: Option<StoredSegment<P>>,
    now_ms: u64,
) -> PushStep<P> {
    match stored {
        Some(stored) => PushStep::AckStored(ack(&stored, now_ms)),
        None => PushStep::Store(decided),
    }
}

/// The HTTP status in a failed KV call's error message, as the Workers runtime words it
/// (`KV PUT failed: 429 Too Many Requests`). Only the number right after `failed: ` counts:
/// a 429 elsewhere in the text (a stack trace's line number, a seq) says nothing.
pub fn kv_failure_status(message: &str) -> Option<u16> {
    let (method, after) = message.split_once("KV ")?.1.split_once(" failed: ")?;
    if method.is_empty() || !method.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 3 {
        return None;
    }
    digits.parse().ok()
}

/// The answer to a segment write that KV refused with `status` (see [`kv_failure_status`]).
/// KV takes one write a second per key, and a segment's key is written once: a 429 means
/// two pushes of the same segment raced. The device retries after a second and is then
/// acked from the stored copy. Anything else is the server's fault.
pub fn segment_write_refused(status: Option<u16>, message: &str) -> Refused {
    if status == Some(429) {
        Refused {
            retry_after_s: Some(1),
            ..Refused::new(
                ErrorCode::TooManyRequests,
                "this segment is being stored; retry it in a second",
            )
        }
    } else {
        Refused::new(
            ErrorCode::Internal,
            format!("storing the segment: {message}"),
        )
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::ids::{DeviceId, Seq, Stream};
    use crate::sync::segment::Rejection;
    use crate::sync::testing::StoredSegment;

    fn segment(received_ms: u64, rejected: usize) -> StoredSegment {
        StoredSegment {
            device: DeviceId::parse("phone-0001").unwrap(),
            stream: Stream::Health,
            seq: Seq::FIRST,
            received_ms,
            ops: Vec::new(),
            rejected: (0..rejected)
                .map(|k| Rejected {
                    k: u16::try_from(k).unwrap(),
                    reason: Rejection::Forbidden {
                        message: "no".into(),
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn a_stored_segment_is_acked_from_its_copy_and_not_written_again() {
        // The retry was decided differently (one refusal) from the stored copy (none).
        let decided = segment(2_000, 1);
        let stored = segment(1_000, 0);
        assert_eq!(
            store_or_ack(decided.clone(), Some(stored.clone()), 2_000),
            PushStep::AckStored(ack(&stored, 2_000))
        );
        assert_eq!(
            store_or_ack(decided.clone(), None, 2_000),
            PushStep::Store(decided)
        );
    }

    #[test]
    fn kv_status_is_read_from_the_runtime_message() {
        let cases: &[(&str, Option<u16>)] = &[
            // Production's per-key limit of one write a second, as workerd words it.
            ("KV PUT failed: 429 Too Many Requests", Some(429)),
            // As `String(error)` and as the worker crate's `Display` (a debug rendering).
            ("Error: KV PUT failed: 429 Too Many Requests", Some(429)),
            (
                "js error: JsValue(Error: KV PUT failed: 429 Too Many Requests\nError: KV PUT \
                 failed: 429 Too Many Requests\n    at worker.js:12:9)",
                Some(429),
            ),
            // Recorded from `wrangler dev` (workerd with Miniflare's local KV) for metadata
            // over 1,024 bytes.
            (
                "KV PUT failed: 413 Metadata length of 1110 exceeds limit of 1024.",
                Some(413),
            ),
            ("KV GET failed: 503 Service Unavailable", Some(503)),
            // A 429 that is not the status: the old text match called these rate limits.
            (
                "KV PUT failed: 500 Internal Server Error\n    at worker.js:429:17",
                Some(500),
            ),
            ("Key name cannot be empty.", None),
            ("network connection lost; 429 bytes sent", None),
            ("Too Many Requests", None),
            ("KV PUT failed: ", None),
            ("KV PUT failed: 4290 x", None),
            ("KV put failed: 429 x", None),
        ];
        for (message, status) in cases {
            assert_eq!(kv_failure_status(message), *status, "{message}");
        }
    }

    #[test]
    fn a_rate_limited_segment_write_asks_for_a_retry_in_a_second() {
        let limited = segment_write_refused(
            kv_failure_status("KV PUT failed: 429 Too Many Requests"),
            "KV PUT failed: 429 Too Many Requests",
        );
        assert_eq!(limited.code, ErrorCode::TooManyRequests);
        assert_eq!(limited.code.status(), 429);
        assert_eq!(limited.retry_after_s, Some(1));
        for message in [
            "KV PUT failed: 413 Metadata length of 1110 exceeds limit of 1024.",
            "KV PUT failed: 500 Internal Server Error\n    at worker.js:429:17",
            "Key name cannot be empty.",
        ] {
            let failed = segment_write_refused(kv_failure_status(message), message);
            assert_eq!(failed.code, ErrorCode::Internal, "{message}");
            assert_eq!(failed.retry_after_s, None, "{message}");
            assert!(failed.message.contains(message));
        }
    }
}
