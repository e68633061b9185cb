//! Operations: the events a person's action produces, and what each may contain.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::hlc::Hlc;
use super::ids::{ClassId, OpId, Stream};
use crate::checkins::{Absence, MAX_ENTRIES, Reading, ReturnCertificate, StaffHealth, Student};
use crate::school::SchoolTimeZone;
use crate::text::{Name, TextError, bounded};

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

/// Which check of the day (晨检, 午检, 晚检).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Session {
    Morning,
    Noon,
    Evening,
}

/// A class teacher's report of one check of one class on one school day. A ledger entry:
/// a correction is a later report for the same (class, date, session), never an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionCheck {
    pub class: ClassId,
    /// The school-local date of the check.
    pub date: NaiveDate,
    pub session: Session,
    pub present: u16,
    pub absent: u16,
    /// Students at or above 37.3 °C, including any sent home after their reading.
    pub fever: u16,
    /// Who is absent and why; when given, one entry per absent student.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absences: Vec<Absence>,
    /// Temperatures taken, of students present or sent home after the reading (evidence the
    /// doctor needs); every fever among them counts in `fever`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<Reading>,
}

impl SessionCheck {
    /// The zero report: everyone present and well.
    pub fn all_well(class: ClassId, date: NaiveDate, session: Session, present: u16) -> Self {
        Self {
            class,
            date,
            session,
            present,
            absent: 0,
            fever: 0,
            absences: Vec::new(),
            readings: Vec::new(),
        }
    }
}

/// Why stock moved (入库, 出库, 盘点, 报废).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementReason {
    Receipt,
    Issue,
    Stocktake,
    Expired,
}

/// One line of the supplies ledger (台账). Quantities are in the item's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockMovement {
    pub item: String,
    pub delta: i32,
    pub reason: MovementReason,
    /// Who signed for it (谁签字、谁负责).
    pub signed_by: Name,
}

/// A change of one field of a document (a notice, a drill plan, a catalog item, a directory
/// entry). Documents merge last-writer-wins per field; the losing value is kept as a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetField {
    pub doc: String,
    pub field: String,
    pub value: serde_json::Value,
    /// The values of this field, written on other devices, that the writer saw and replaces
    /// (resolving a conflict names all sides). A device's own earlier writes are replaced
    /// implicitly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<OpId>,
}

/// The most values one write may replace.
pub const MAX_SUPERSEDES: usize = 8;

/// What an operation does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    SessionCheck(SessionCheck),
    StockMovement(StockMovement),
    SetField(SetField),
    /// A student on a class roster (a later write of the same id replaces it).
    Student(Student),
    /// A member of staff's own daily health report.
    StaffHealth(StaffHealth),
    /// A return-to-class certificate, closing a student's case.
    Certificate(ReturnCertificate),
}

/// Limits that keep one op small enough for many to fit in a segment.
pub const MAX_HEADCOUNT: u16 = 2_000;
pub const MAX_DELTA: i32 = 1_000_000;
pub const MAX_VALUE_BYTES: usize = 2_048;

fn short_id(what: &str, raw: &str) -> Result<(), OpInvalid> {
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

impl Payload {
    /// The class this op concerns, if any: health ops are read per class.
    pub fn class(&self) -> Option<&ClassId> {
        match self {
            Payload::SessionCheck(check) => Some(&check.class),
            Payload::Student(student) => Some(&student.class),
            Payload::Certificate(cert) => Some(&cert.class),
            Payload::StockMovement(_) | Payload::SetField(_) | Payload::StaffHealth(_) => None,
        }
    }

    /// The school day a record is about, for the kinds that have one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Payload::SessionCheck(check) => Some(check.date),
            Payload::Certificate(cert) => Some(cert.date),
            Payload::StaffHealth(report) => Some(report.date),
            Payload::StockMovement(_) | Payload::SetField(_) | Payload::Student(_) => None,
        }
    }

    /// Checks a record's date against the school day it was written on (its clock's wall
    /// time, in the school's zone): at most a day later (a phone's clock a little ahead near
    /// midnight), and not before that school year began. Judged by the op's own clock, which
    /// the Worker holds within minutes of its own, not by when it arrives, so a retried
    /// segment gets the same verdict.
    pub fn validate_date(&self, tz: SchoolTimeZone, written_ms: u64) -> Result<(), OpInvalid> {
        let Some(date) = self.date() else {
            return Ok(());
        };
        let today = tz.date_at_ms(written_ms);
        let latest = today + chrono::Duration::days(1);
        if date > latest || date < crate::school::school_year_start(today) {
            return Err(OpInvalid::DateOutOfRange { date });
        }
        Ok(())
    }

    /// Checks the content and that it belongs in `stream`.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        let wrong = || OpInvalid::WrongStream {
            stream: stream.key().to_owned(),
        };
        match self {
            Payload::SessionCheck(check) => {
                if *stream != Stream::Health {
                    return Err(wrong());
                }
                let total = u32::from(check.present) + u32::from(check.absent);
                if total > u32::from(MAX_HEADCOUNT) {
                    return Err(OpInvalid::HeadcountTooLarge { max: MAX_HEADCOUNT });
                }
                if u32::from(check.fever) > total {
                    return Err(OpInvalid::FeverOverPresent);
                }
                if check.absences.len() > MAX_ENTRIES || check.readings.len() > MAX_ENTRIES {
                    return Err(OpInvalid::HeadcountTooLarge { max: MAX_HEADCOUNT });
                }
                let named: std::collections::BTreeSet<_> =
                    check.absences.iter().map(|a| &a.student).collect();
                let listed = !check.absences.is_empty();
                if named.len() != check.absences.len()
                    || (listed && usize::from(check.absent) != check.absences.len())
                {
                    return Err(OpInvalid::AbsencesMismatch);
                }
                let fevers = check
                    .readings
                    .iter()
                    .filter(|r| r.temperature.is_fever())
                    .count();
                if fevers > usize::from(check.fever) {
                    return Err(OpInvalid::FeverUndercounted);
                }
                Ok(())
            }
            Payload::Student(_) | Payload::StaffHealth(_) | Payload::Certificate(_) => {
                // Their fields validate themselves as they are read.
                if *stream == Stream::Health {
                    Ok(())
                } else {
                    Err(wrong())
                }
            }
            Payload::StockMovement(movement) => {
                if *stream != Stream::Supplies {
                    return Err(wrong());
                }
                short_id("item", &movement.item)?;
                if movement.delta == 0 || movement.delta.unsigned_abs() > MAX_DELTA.unsigned_abs() {
                    return Err(OpInvalid::QuantityOutOfRange { max: MAX_DELTA });
                }
                Ok(())
            }
            Payload::SetField(set) => {
                if *stream == Stream::Health {
                    return Err(wrong());
                }
                short_id("doc", &set.doc)?;
                short_id("field", &set.field)?;
                if set.supersedes.len() > MAX_SUPERSEDES {
                    return Err(OpInvalid::TooManySupersedes {
                        max: MAX_SUPERSEDES,
                    });
                }
                let size = serde_json::to_string(&set.value).map_or(usize::MAX, |s| s.len());
                if size > MAX_VALUE_BYTES {
                    return Err(OpInvalid::ValueTooLarge {
                        max: MAX_VALUE_BYTES,
                    });
                }
                if let serde_json::Value::String(text) = &set.value {
                    bounded("value", text, MAX_VALUE_BYTES, true)
                        .map(drop)
                        .or_else(|e| match e {
                            // An empty string is how a field is cleared.
                            TextError::Empty { .. } => Ok(()),
                            other => Err(other),
                        })?;
                }
                Ok(())
            }
        }
    }
}

/// An operation as stored and synced: its identity, its timestamp, who wrote it (stamped by
/// the Worker from the device's credential, never taken from the client) and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub id: OpId,
    pub hlc: Hlc,
    pub by: Name,
    pub payload: Payload,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(class: &str, present: u16, fever: u16) -> Payload {
        Payload::SessionCheck(SessionCheck {
            class: ClassId::parse(class).unwrap(),
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            session: Session::Morning,
            present,
            absent: 2,
            fever,
            absences: vec![],
            readings: vec![],
        })
    }

    #[test]
    fn checks_belong_to_the_health_stream() {
        let g3 = Stream::Health;
        assert_eq!(check("g3c2", 40, 1).validate(&g3), Ok(()));
        assert!(matches!(
            check("g3c2", 40, 1).validate(&Stream::Supplies),
            Err(OpInvalid::WrongStream { .. })
        ));
        // Fevers may include children sent home after their reading, but not more than
        // everyone checked.
        assert_eq!(check("g3c2", 4, 6).validate(&g3), Ok(()));
        assert_eq!(
            check("g3c2", 4, 7).validate(&g3),
            Err(OpInvalid::FeverOverPresent)
        );
        assert!(check("g3c2", 1999, 0).validate(&g3).is_err());
    }

    #[test]
    fn a_record_is_dated_on_or_before_the_day_it_was_written() {
        let tz = SchoolTimeZone::default();
        // 2026-11-23 08:00 in Shanghai.
        let written = 1_795_392_000_000;
        assert_eq!(tz.date_at_ms(written).to_string(), "2026-11-23");
        assert_eq!(check("g3c2", 40, 1).validate_date(tz, written), Ok(()));
        let mut ahead = check("g3c2", 40, 1);
        if let Payload::SessionCheck(c) = &mut ahead {
            c.date = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        }
        assert!(matches!(
            ahead.validate_date(tz, written),
            Err(OpInvalid::DateOutOfRange { .. })
        ));
        // The next morning it is fine: the verdict follows the writer's clock.
        assert!(ahead.validate_date(tz, 1_893_456_000_000).is_ok());
        let dated = |y, m, d| {
            let mut p = check("g3c2", 40, 1);
            if let Payload::SessionCheck(c) = &mut p {
                c.date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            }
            p
        };
        // A day's grace for a clock a little ahead; not two.
        assert_eq!(dated(2026, 11, 24).validate_date(tz, written), Ok(()));
        assert!(dated(2026, 11, 25).validate_date(tz, written).is_err());
        // Back to the start of the school year (1 August), not before.
        assert_eq!(dated(2026, 8, 1).validate_date(tz, written), Ok(()));
        assert!(dated(2026, 7, 31).validate_date(tz, written).is_err());
        assert!(dated(2001, 1, 1).validate_date(tz, written).is_err());
    }

    #[test]
    fn movements_and_fields() {
        let movement = |item: &str, delta| {
            Payload::StockMovement(StockMovement {
                item: item.into(),
                delta,
                reason: MovementReason::Receipt,
                signed_by: Name::parse("陈建国").unwrap(),
            })
        };
        assert_eq!(movement("masks", 500).validate(&Stream::Supplies), Ok(()));
        assert!(movement("masks", 0).validate(&Stream::Supplies).is_err());
        assert!(movement("Masks!", 5).validate(&Stream::Supplies).is_err());
        assert!(movement("masks", 5).validate(&Stream::Drills).is_err());
        let set = |value: serde_json::Value| {
            Payload::SetField(SetField {
                doc: "n-1".into(),
                field: "title".into(),
                value,
                supersedes: vec![],
            })
        };
        assert_eq!(set("开学通知".into()).validate(&Stream::Notices), Ok(()));
        assert_eq!(set("".into()).validate(&Stream::Notices), Ok(()));
        assert!(
            set("x".repeat(3000).into())
                .validate(&Stream::Notices)
                .is_err()
        );
        assert!(set("x".into()).validate(&Stream::Health).is_err());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = r#"{"type":"stock_movement","item":"masks","delta":5,"reason":"receipt","signed_by":"陈","extra":1}"#;
        assert!(serde_json::from_str::<Payload>(json).is_err());
    }
}
