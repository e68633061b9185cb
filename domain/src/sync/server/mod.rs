//! The Worker's decisions about a push or a pull, as pure functions of the request, the
//! device's grant and the time. The Worker only adds KV and HTTP around them.

use super::auth::{Actor, DeviceGrant, GrantRefused, Operation};
use super::hlc::check_skew;
use super::ids::OpId;
use super::op::{Change, Op};
use super::segment::{Rejected, Rejection, StoredSegment};
use super::wire::{MAX_OPS_PER_SEGMENT, PushAck, PushRequest};
use crate::api::{ErrorCode, PROTOCOL_VERSION};
use crate::school::{SchoolProfile, SchoolTimeZone};

mod meta;
mod pull;

pub use crate::api::Refused;
pub use meta::{SegmentMeta, SegmentScope};
pub use pull::{Listed, PullPager, check_pull, days_to_list, visible_part, wanted};

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
