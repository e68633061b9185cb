//! Check-ins (健康监测, 晨午晚检): each class's morning, noon and (for boarders) evening
//! check, absences with their causes, temperatures, staff self-reports, the cases a fever
//! or an illness absence opens and the return-to-class certificate that closes them, and
//! the school's daily status built from all of them.

mod check;
mod entry;
pub mod form;
pub mod report;
pub mod roster;
pub mod status;
pub mod temperature;
#[cfg(test)]
mod testing;
pub mod view;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use check::{MAX_HEADCOUNT, Session, SessionCheck};
pub use entry::{AsCheckin, Entry, Record};
pub use roster::{Student, StudentId, StudentNumber};
pub use temperature::Temperature;
// The settings are part of the school's profile; check-ins read them from there.
pub use crate::school::CheckinSettings;

use crate::school::ClassId;
use crate::text::{Name, TextError, bounded};

/// A symptom, as the seeds list them (DOMAIN.md "Check-ins").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    Fever,
    Cough,
    Fatigue,
    Diarrhoea,
    LossOfSmellTaste,
    Other,
}

impl Symptom {
    pub const ALL: [Symptom; 6] = [
        Symptom::Fever,
        Symptom::Cough,
        Symptom::Fatigue,
        Symptom::Diarrhoea,
        Symptom::LossOfSmellTaste,
        Symptom::Other,
    ];
}

/// Why a student is absent (因病缺勤 or not).
///
/// Read through [`CauseFields`], the same JSON as one struct: serde's derive for an
/// internally tagged enum buffers the value and builds a reader per variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "CauseFields")]
pub enum AbsenceCause {
    /// Ill, with the symptoms reported; followed up by the school doctor.
    Illness {
        symptoms: Vec<Symptom>,
    },
    Personal,
    Other,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CauseFields {
    kind: CauseKind,
    symptoms: Option<Vec<Symptom>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum CauseKind {
    Illness,
    Personal,
    Other,
}

impl TryFrom<CauseFields> for AbsenceCause {
    type Error = &'static str;

    fn try_from(f: CauseFields) -> Result<Self, Self::Error> {
        match (f.kind, f.symptoms) {
            (CauseKind::Illness, Some(symptoms)) => Ok(Self::Illness { symptoms }),
            (CauseKind::Illness, None) => Err("missing field `symptoms`"),
            (_, Some(_)) => Err("unknown field `symptoms`: only an illness has symptoms"),
            (CauseKind::Personal, None) => Ok(Self::Personal),
            (CauseKind::Other, None) => Ok(Self::Other),
        }
    }
}

/// One absent student in a session check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    pub student: StudentId,
    pub cause: AbsenceCause,
}

/// One student's measured temperature in a session check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    pub student: StudentId,
    pub temperature: Temperature,
}

/// A member of staff's own daily report (教职工健康自报): written by their device, so the
/// op's author is the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffHealth {
    #[serde(with = "crate::dates::iso")]
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<Temperature>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symptoms: Vec<Symptom>,
}

/// A free-text note of at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Note(String);

impl Note {
    pub const MAX: usize = 200;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("note", raw, Self::MAX, true).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(Note, TextError);

/// A return-to-class certificate (复课证明) checked by the school clinic: closes the
/// student's open case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnCertificate {
    pub student: StudentId,
    pub class: ClassId,
    /// The date the certificate was issued.
    #[serde(with = "crate::dates::iso")]
    pub date: NaiveDate,
    /// Who issued it (a hospital, a clinic).
    pub issuer: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// The most absences or readings one session check carries.
pub const MAX_ENTRIES: usize = 300;

/// How many days of daily checks a class teacher's phone keeps: her screens show today,
/// the missed checks and the recent trend; the doctor and the office keep the whole year for
/// cases and reports.
pub const TEACHER_KEEPS_DAYS: i64 = 60;

/// From which school day a device of `role` keeps daily checks, once the server holds them
/// (none: it keeps them all).
pub fn keeps_daily_from(
    role: crate::school::Role,
    today: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    (role == crate::school::Role::Teacher)
        .then(|| today - chrono::Duration::days(TEACHER_KEEPS_DAYS))
}
