//! Segments as KV holds them: one immutable key per pushed segment,
//! `v1/{school}/seg/{yyyymmdd}/{stream}/{device}.{seq:010}`, the day being the Worker's UTC
//! receive day.
//!
//! The day comes before the stream (DESIGN.md suggests the reverse) so that one KV list
//! of a day serves a pull of every stream at once: lists are the scarcest KV operation
//! (1,000 a day on the free plan), and a school day holds a few hundred segments, well under
//! the 1,000 keys one list returns.

use serde::{Deserialize, Serialize};

use super::ids::{DeviceId, OpId, Seq, Stream};
use super::op::{Change, Op};
use crate::refusals::OpInvalid;
use crate::school::SchoolId;

/// A UTC calendar day as `yyyymmdd`, the partition of segment keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Day(u32);

const MS_PER_DAY: u64 = 86_400_000;

impl Day {
    /// The earliest day a key may name: a joining device lists "from the start", which the
    /// school's snapshot answers.
    pub const FIRST: Day = Day(20_000_101);

    /// The UTC day of a Unix-milliseconds instant.
    pub fn of_ms(ms: u64) -> Day {
        let days = i64::try_from(ms / MS_PER_DAY).unwrap_or(i64::MAX);
        let date = chrono::DateTime::from_timestamp(days.saturating_mul(86_400), 0)
            .map(|d| d.date_naive())
            .unwrap_or_default();
        Self::from_date(date)
    }

    fn from_date(date: chrono::NaiveDate) -> Day {
        use chrono::Datelike;
        let y = u32::try_from(date.year()).unwrap_or(0);
        Day(y * 10_000 + date.month() * 100 + date.day())
    }

    /// The calendar day, read as a school date (a joining device's horizon is one).
    pub fn date(self) -> Option<chrono::NaiveDate> {
        let y = i32::try_from(self.0 / 10_000).ok()?;
        chrono::NaiveDate::from_ymd_opt(y, (self.0 / 100) % 100, self.0 % 100)
    }

    pub fn next(self) -> Day {
        self.date()
            .and_then(|d| d.succ_opt())
            .map_or(self, Self::from_date)
    }

    pub fn prev(self) -> Day {
        self.date()
            .and_then(|d| d.pred_opt())
            .map_or(self, Self::from_date)
    }

    /// Days from `self` through `last` inclusive, at most `max` of them (the oldest first).
    pub fn through(self, last: Day, max: usize) -> Vec<Day> {
        let mut days = Vec::new();
        let mut day = self;
        while day <= last && days.len() < max {
            days.push(day);
            let next = day.next();
            if next == day {
                break;
            }
            day = next;
        }
        days
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Day {
    type Error = String;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        let day = Day(value);
        match day.date() {
            Some(_) if value >= 20_000_101 => Ok(day),
            _ => Err(format!("{value} is not a yyyymmdd day")),
        }
    }
}

impl From<Day> for u32 {
    fn from(value: Day) -> Self {
        value.0
    }
}

/// The prefix listing every segment received on one day.
pub fn day_prefix(school: &SchoolId, day: Day) -> String {
    format!("v1/{school}/seg/{:08}/", day.0)
}

/// The key of one segment.
pub fn key(school: &SchoolId, day: Day, stream: Stream, device: &DeviceId, seq: Seq) -> String {
    format!(
        "{}{stream}/{device}.{:010}",
        day_prefix(school, day),
        seq.get()
    )
}

/// The (stream, device, seq) a listed key names, if it is a segment key under `prefix`.
pub fn parse_key(prefix: &str, key: &str) -> Option<(Stream, DeviceId, Seq)> {
    let rest = key.strip_prefix(prefix)?;
    let (stream, rest) = rest.split_once('/')?;
    let (device, seq) = rest.rsplit_once('.')?;
    let seq = seq.parse::<u32>().ok().and_then(|n| Seq::new(n).ok())?;
    Some((
        Stream::parse(stream).ok()?,
        DeviceId::parse(device).ok()?,
        seq,
    ))
}

/// One op of a segment that the Worker refused, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub k: u16,
    pub reason: Rejection,
}

/// Why the Worker refused one op of a push.
///
/// Read through [`RejectionFields`], the same JSON as one struct: serde's derive for an
/// internally tagged enum buffers the value and builds a reader per variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case", try_from = "RejectionFields")]
pub enum Rejection {
    /// The device's role or scope does not allow it.
    Forbidden { message: String },
    /// The content is not valid.
    Invalid { problem: OpInvalid },
}

#[derive(Deserialize)]
struct RejectionFields {
    code: RejectionCode,
    message: Option<String>,
    problem: Option<OpInvalid>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RejectionCode {
    Forbidden,
    Invalid,
}

impl TryFrom<RejectionFields> for Rejection {
    type Error = String;

    fn try_from(f: RejectionFields) -> Result<Self, String> {
        use crate::refusals::need;
        Ok(match f.code {
            RejectionCode::Forbidden => Self::Forbidden {
                message: need(f.message, "message")?,
            },
            RejectionCode::Invalid => Self::Invalid {
                problem: need(f.problem, "problem")?,
            },
        })
    }
}

/// A pushed segment as stored: the accepted ops in full and the refused ones by index, so a
/// retried push is acked exactly as the first one was.
///
/// Serialized compactly ([`WireSegment`]): each op's identity follows from the segment and
/// its index, and its author is the segment's, so neither is repeated per op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "WireSegment<P>",
    try_from = "WireSegment<P>",
    bound = "P: Change"
)]
pub struct StoredSegment<P> {
    pub device: DeviceId,
    pub stream: Stream,
    pub seq: Seq,
    pub received_ms: u64,
    pub ops: Vec<Op<P>>,
    pub rejected: Vec<Rejected>,
}

/// One op inside a [`WireSegment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound = "P: Change")]
pub struct WireOp<P> {
    pub k: u16,
    pub hlc: super::hlc::Hlc,
    pub payload: P,
}

/// The stored and transmitted form of a [`StoredSegment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound = "P: Change")]
pub struct WireSegment<P> {
    pub device: DeviceId,
    pub stream: Stream,
    pub seq: Seq,
    pub received_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<crate::text::Name>,
    pub ops: Vec<WireOp<P>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejected>,
}

impl<P> From<StoredSegment<P>> for WireSegment<P> {
    fn from(seg: StoredSegment<P>) -> Self {
        Self {
            by: seg.ops.first().map(|op| op.by.clone()),
            ops: seg
                .ops
                .into_iter()
                .map(|op| WireOp {
                    k: op.id.k,
                    hlc: op.hlc,
                    payload: op.payload,
                })
                .collect(),
            device: seg.device,
            stream: seg.stream,
            seq: seg.seq,
            received_ms: seg.received_ms,
            rejected: seg.rejected,
        }
    }
}

impl<P> TryFrom<WireSegment<P>> for StoredSegment<P> {
    type Error = String;
    fn try_from(wire: WireSegment<P>) -> Result<Self, Self::Error> {
        let by = match (&wire.by, wire.ops.is_empty()) {
            (Some(by), _) => Some(by.clone()),
            (None, true) => None,
            (None, false) => return Err("a segment with ops names its author".into()),
        };
        let ops = wire
            .ops
            .into_iter()
            .filter_map(|op| {
                Some(Op {
                    id: OpId {
                        device: wire.device.clone(),
                        stream: wire.stream,
                        seq: wire.seq,
                        k: op.k,
                    },
                    hlc: op.hlc,
                    by: by.clone()?,
                    payload: op.payload,
                })
            })
            .collect();
        Ok(Self {
            device: wire.device,
            stream: wire.stream,
            seq: wire.seq,
            received_ms: wire.received_ms,
            ops,
            rejected: wire.rejected,
        })
    }
}

/// KV metadata holds at most 1024 bytes; a segment this small rides there whole, so a pull
/// gets it from the listing without a read.
pub const INLINE_LIMIT: usize = 1_000;

impl<P> StoredSegment<P> {
    /// Every op id in this segment, for the accepted ops.
    pub fn op_ids(&self) -> impl Iterator<Item = &OpId> {
        self.ops.iter().map(|op| &op.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        // 2026-11-23T23:59:59.999Z and the next millisecond.
        let end = 1_795_478_399_999;
        assert_eq!(Day::of_ms(end).get(), 20261123);
        assert_eq!(Day::of_ms(end + 1).get(), 20261124);
        let d = Day::try_from(20261231).unwrap();
        assert_eq!(d.next().get(), 20270101);
        assert_eq!(d.next().prev(), d);
        assert!(Day::try_from(20261340).is_err());
        let first = Day::try_from(20261229).unwrap();
        let last = Day::try_from(20270102).unwrap();
        let days: Vec<u32> = first.through(last, 10).into_iter().map(Day::get).collect();
        assert_eq!(days, [20261229, 20261230, 20261231, 20270101, 20270102]);
        let two: Vec<u32> = first.through(last, 2).into_iter().map(Day::get).collect();
        assert_eq!(two, [20261229, 20261230]);
        assert!(last.through(first, 5).is_empty());
    }

    #[test]
    fn segments_serialize_compactly_and_round_trip() {
        use crate::sync::document::SetField;
        use crate::sync::hlc::Hlc;
        use crate::sync::testing::{Op, Payload, StoredSegment};
        let device = DeviceId::parse("device-0001").unwrap();
        let op = |k| Op {
            id: OpId {
                device: device.clone(),
                stream: Stream::Notices,
                seq: Seq::new(3).unwrap(),
                k,
            },
            hlc: Hlc {
                wall: 1_795_400_000_000,
                counter: u32::from(k),
            },
            by: crate::text::Name::parse("周校长").unwrap(),
            payload: Payload::SetField(SetField {
                doc: "n-1".into(),
                field: "title".into(),
                value: "通知".into(),
                supersedes: vec![],
            }),
        };
        let seg = StoredSegment {
            device: device.clone(),
            stream: Stream::Notices,
            seq: Seq::new(3).unwrap(),
            received_ms: 1_795_400_000_000,
            ops: vec![op(0), op(2)],
            rejected: vec![],
        };
        let json = serde_json::to_string(&seg).unwrap();
        assert_eq!(json.matches("周校长").count(), 1, "{json}");
        assert!(!json.contains("device-0001\",\"stream\":\"notices\",\"seq\":3,\"k\""));
        assert_eq!(serde_json::from_str::<StoredSegment>(&json).unwrap(), seg);
        let no_author = json.replace(",\"by\":\"周校长\"", "");
        assert!(serde_json::from_str::<StoredSegment>(&no_author).is_err());
    }

    #[test]
    fn keys_round_trip_and_sort_by_seq() {
        let school = SchoolId::parse("demo").unwrap();
        let device = DeviceId::parse("device-0001").unwrap();
        let day = Day::try_from(20261123).unwrap();
        let prefix = day_prefix(&school, day);
        let k9 = key(
            &school,
            day,
            Stream::Supplies,
            &device,
            Seq::new(9).unwrap(),
        );
        let k10 = key(
            &school,
            day,
            Stream::Supplies,
            &device,
            Seq::new(10).unwrap(),
        );
        assert_eq!(k9, "v1/demo/seg/20261123/supplies/device-0001.0000000009");
        assert!(k9 < k10);
        assert_eq!(
            parse_key(&prefix, &k10),
            Some((Stream::Supplies, device, Seq::new(10).unwrap()))
        );
        assert_eq!(
            parse_key(&prefix, "v1/demo/seg/20261123/supplies/bad"),
            None
        );
        assert_eq!(
            parse_key(&prefix, "v1/demo/seg/20261123/x/device-0001.0000000001"),
            None
        );
    }
}
