//! Operations: a change as stored and synced, and what sync asks of a change. Sync carries
//! changes without knowing what they mean; each area defines its own, and the one enum of
//! every kind (`crate::changes::Payload`) answers these questions for them.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::hlc::Hlc;
use super::ids::{OpId, Stream};
use crate::refusals::OpInvalid;
use crate::school::{ClassId, Role, SchoolTimeZone};
use crate::text::Name;

/// What the sync core needs to know of a change: where it may go, who may write it, which
/// class it concerns and which day it is about. Everything else about it is its area's.
pub trait Change: WriteRule + Clone + PartialEq + Serialize + DeserializeOwned {
    /// The class this change concerns, if any: health changes are read per class.
    fn class(&self) -> Option<&ClassId>;

    /// The school day a record is about, for the kinds that have one.
    fn date(&self) -> Option<NaiveDate>;

    /// Checks the content and that it belongs in `stream`.
    fn validate(&self, stream: &Stream) -> Result<(), OpInvalid>;

    /// Whether a change without a class in a stream read per class (`supplies`) is for every
    /// reader of the stream (the catalog) rather than for the office only (the ledger).
    fn for_every_reader(&self) -> bool {
        false
    }

    /// Whether it is a daily record (a class's check, a staff member's report) that a
    /// phone which keeps only recent days may drop once the server holds it.
    fn is_daily(&self) -> bool {
        false
    }

    /// The document field this change sets, for the kinds merged as documents.
    fn set_field(&self) -> Option<&super::document::SetField> {
        None
    }

    /// Checks a record's date against the school day it was written on (its clock's wall
    /// time, in the school's zone): at most a day later (a phone's clock a little ahead near
    /// midnight), and not before that school year began. Judged by the op's own clock, which
    /// the Worker holds within minutes of its own, not by when it arrives, so a retried
    /// segment gets the same verdict.
    fn validate_date(&self, tz: SchoolTimeZone, written_ms: u64) -> Result<(), OpInvalid> {
        check_date(self.date(), tz, written_ms)
    }
}

/// Who may write a change: each kind of change says it for itself, so sync checks a write
/// without knowing what the change is. Apart from [`Change`] so a write can be asked about
/// as a trait object.
pub trait WriteRule: std::fmt::Debug {
    /// Whether a person of `role` may write this to `stream`; `teaches` says whether they
    /// are class teacher of a class.
    fn may_write(&self, role: Role, stream: Stream, teaches: &dyn Fn(&ClassId) -> bool) -> bool;
}

/// The date rule of [`Change::validate_date`], for a change's date if it has one.
pub fn check_date(
    date: Option<NaiveDate>,
    tz: SchoolTimeZone,
    written_ms: u64,
) -> Result<(), OpInvalid> {
    let Some(date) = date else {
        return Ok(());
    };
    let today = tz.date_at_ms(written_ms);
    let latest = today + chrono::Duration::days(1);
    if date > latest || date < crate::school::school_year_start(today) {
        return Err(OpInvalid::DateOutOfRange { date });
    }
    Ok(())
}

/// Checks an id inside a change (an item, a document, a field): short and key-safe.
pub fn short_id(what: &str, raw: &str) -> Result<(), OpInvalid> {
    let ok = (1..=40).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(OpInvalid::BadId {
            what: what.to_owned(),
        })
    }
}

/// An operation as stored and synced: its identity, its timestamp, who wrote it (stamped by
/// the Worker from the device's credential, never taken from the client) and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
pub struct Op<P> {
    pub id: OpId,
    pub hlc: Hlc,
    pub by: Name,
    pub payload: P,
}

impl<P> Op<P> {
    /// The same op with its change put through `f`; `None` when `f` gives none.
    pub fn try_map<Q>(self, f: impl FnOnce(P) -> Option<Q>) -> Option<Op<Q>> {
        Some(Op {
            id: self.id,
            hlc: self.hlc,
            by: self.by,
            payload: f(self.payload)?,
        })
    }
}
