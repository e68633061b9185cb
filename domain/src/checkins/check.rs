//! A class's check (晨检, 午检, 晚检): the report a class teacher writes for one session.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Absence, MAX_ENTRIES, Reading};
use crate::refusals::OpInvalid;
use crate::school::ClassId;
use crate::sync::Stream;

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
    #[serde(with = "crate::dates::iso")]
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

/// Keeps one check small enough for many to fit in a segment.
pub const MAX_HEADCOUNT: u16 = 2_000;

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

    /// Checks the counts agree with each other and that it belongs in `stream`.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Health {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        let total = u32::from(self.present) + u32::from(self.absent);
        if total > u32::from(MAX_HEADCOUNT) {
            return Err(OpInvalid::HeadcountTooLarge { max: MAX_HEADCOUNT });
        }
        if u32::from(self.fever) > total {
            return Err(OpInvalid::FeverOverPresent);
        }
        if self.absences.len() > MAX_ENTRIES || self.readings.len() > MAX_ENTRIES {
            return Err(OpInvalid::HeadcountTooLarge { max: MAX_HEADCOUNT });
        }
        let named = crate::order::set_of(self.absences.iter().map(|a| &a.student));
        let listed = !self.absences.is_empty();
        if named.len() != self.absences.len()
            || (listed && usize::from(self.absent) != self.absences.len())
        {
            return Err(OpInvalid::AbsencesMismatch);
        }
        let fevers = self
            .readings
            .iter()
            .filter(|r| r.temperature.is_fever())
            .count();
        if fevers > usize::from(self.fever) {
            return Err(OpInvalid::FeverUndercounted);
        }
        Ok(())
    }
}
