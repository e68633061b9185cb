//! Why a change's content is refused: the reasons every area's validation gives and the
//! Worker sends back, in one vocabulary the app translates (like `api::ErrorCode` for whole
//! requests). Sync carries them without knowing what they are about. Their serde names are
//! stored on devices with refused changes, so a variant is never renamed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::TextError;

/// Why an operation's content was refused. Structured, so the app can say it in the
/// person's language.
///
/// It is read through [`Flat`], the same JSON as one struct: serde's derive for an internally
/// tagged enum buffers each value and builds a reader per variant, which cost a teacher's
/// download 7 KB gzip for this one type.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "Flat")]
pub enum OpInvalid {
    #[error("this kind of change does not belong in stream {stream}")]
    WrongStream { stream: String },
    #[error("present + absent is over {max}")]
    HeadcountTooLarge { max: u16 },
    /// The name is kept for refusals already stored on devices: a fever may be a student's
    /// who was then sent home, so the bound is everyone checked.
    #[error("more students with fever than students checked")]
    FeverOverPresent,
    #[error("the absences listed don't match the number absent, or name a student twice")]
    AbsencesMismatch,
    #[error("more fevers among the temperatures than the fever count")]
    FeverUndercounted,
    #[error("{what} is 1 to 40 characters of a-z, 0-9, '-' and '_'")]
    BadId { what: String },
    #[error("a movement is a non-zero quantity up to {max}")]
    QuantityOutOfRange { max: i32 },
    #[error("{what} is out of range (at most {max})")]
    OutOfRange { what: String, max: u32 },
    #[error("lot {lot} expired on {expires}: it can't be issued, only disposed of")]
    LotExpired { lot: String, expires: NaiveDate },
    #[error("a transfer moves stock to another zone")]
    SameZone,
    #[error("a write replaces at most {max} values")]
    TooManySupersedes { max: usize },
    #[error("a field value is at most {max} bytes of JSON")]
    ValueTooLarge { max: usize },
    #[error("{problem}")]
    Text { problem: String },
    /// A dated record (a check, a certificate, a staff report) dated after the day after it
    /// was written, or before the school year it was written in.
    #[error("the date {date} is after the day it was written, or before the school year")]
    DateOutOfRange { date: NaiveDate },
    /// The Worker could not read the change at all (a whole segment refused as malformed).
    #[error("the server could not read this change: {detail}")]
    Unreadable { detail: String },
}

/// Every field any reason carries, beside its `kind`.
#[derive(Deserialize)]
struct Flat {
    kind: Kind,
    stream: Option<String>,
    max: Option<i64>,
    what: Option<String>,
    lot: Option<String>,
    #[serde(default, with = "crate::dates::iso_opt")]
    expires: Option<NaiveDate>,
    problem: Option<String>,
    #[serde(default, with = "crate::dates::iso_opt")]
    date: Option<NaiveDate>,
    detail: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    WrongStream,
    HeadcountTooLarge,
    FeverOverPresent,
    AbsencesMismatch,
    FeverUndercounted,
    BadId,
    QuantityOutOfRange,
    OutOfRange,
    LotExpired,
    SameZone,
    TooManySupersedes,
    ValueTooLarge,
    Text,
    DateOutOfRange,
    Unreadable,
}

impl TryFrom<Flat> for OpInvalid {
    type Error = String;

    fn try_from(f: Flat) -> Result<Self, String> {
        fn max<T: TryFrom<i64>>(v: Option<i64>) -> Result<T, String> {
            T::try_from(need(v, "max")?).map_err(|_| "`max` out of range".to_owned())
        }
        Ok(match f.kind {
            Kind::WrongStream => Self::WrongStream {
                stream: need(f.stream, "stream")?,
            },
            Kind::HeadcountTooLarge => Self::HeadcountTooLarge { max: max(f.max)? },
            Kind::FeverOverPresent => Self::FeverOverPresent,
            Kind::AbsencesMismatch => Self::AbsencesMismatch,
            Kind::FeverUndercounted => Self::FeverUndercounted,
            Kind::BadId => Self::BadId {
                what: need(f.what, "what")?,
            },
            Kind::QuantityOutOfRange => Self::QuantityOutOfRange { max: max(f.max)? },
            Kind::OutOfRange => Self::OutOfRange {
                what: need(f.what, "what")?,
                max: max(f.max)?,
            },
            Kind::LotExpired => Self::LotExpired {
                lot: need(f.lot, "lot")?,
                expires: need(f.expires, "expires")?,
            },
            Kind::SameZone => Self::SameZone,
            Kind::TooManySupersedes => Self::TooManySupersedes { max: max(f.max)? },
            Kind::ValueTooLarge => Self::ValueTooLarge { max: max(f.max)? },
            Kind::Text => Self::Text {
                problem: need(f.problem, "problem")?,
            },
            Kind::DateOutOfRange => Self::DateOutOfRange {
                date: need(f.date, "date")?,
            },
            Kind::Unreadable => Self::Unreadable {
                detail: need(f.detail, "detail")?,
            },
        })
    }
}

/// A field a flat reader's kind requires, or serde's words for its absence.
pub(crate) fn need<T>(v: Option<T>, name: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field `{name}`"))
}

impl From<TextError> for OpInvalid {
    fn from(e: TextError) -> Self {
        Self::Text {
            problem: e.to_string(),
        }
    }
}

/// What is wrong with a change, as a person can fix it: several of the Worker's checks come
/// down to the same thing to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not in the form a change takes (a wrong stream, a bad id): no value the person typed.
    Malformed,
    /// More students than a class holds.
    Headcount,
    /// Fever counts that disagree with who was checked or measured.
    Fever,
    /// The absent students listed disagree with the number absent.
    Absences,
    Quantity,
    Text,
    /// The Worker could not read it at all.
    Unreadable,
    /// Dated after the day it was written or before the school year: usually the phone's date.
    Date,
    /// An issue of a lot past its expiry.
    Expired,
}

impl OpInvalid {
    /// What the person has to fix.
    pub fn problem(&self) -> Problem {
        match self {
            OpInvalid::WrongStream { .. }
            | OpInvalid::BadId { .. }
            | OpInvalid::TooManySupersedes { .. } => Problem::Malformed,
            OpInvalid::HeadcountTooLarge { .. } => Problem::Headcount,
            OpInvalid::FeverOverPresent | OpInvalid::FeverUndercounted => Problem::Fever,
            OpInvalid::AbsencesMismatch => Problem::Absences,
            OpInvalid::QuantityOutOfRange { .. }
            | OpInvalid::OutOfRange { .. }
            | OpInvalid::SameZone => Problem::Quantity,
            OpInvalid::LotExpired { .. } => Problem::Expired,
            OpInvalid::ValueTooLarge { .. } | OpInvalid::Text { .. } => Problem::Text,
            OpInvalid::Unreadable { .. } => Problem::Unreadable,
            OpInvalid::DateOutOfRange { .. } => Problem::Date,
        }
    }
}
