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
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
