//! The school's settings for check-ins, kept in its profile so the school owns them and the
//! check-ins area only reads them.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// The school's check-in rules: when each session's report is due (school time) and when a
/// class is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinSettings {
    #[serde(with = "crate::dates::time")]
    pub morning_due: NaiveTime,
    #[serde(with = "crate::dates::time")]
    pub noon_due: NaiveTime,
    #[serde(with = "crate::dates::time")]
    pub evening_due: NaiveTime,
    /// A class is flagged when its illness absences in a day exceed this percentage.
    pub illness_percent: u8,
    /// …or when this many cases with the same symptom open in it within three days.
    pub cluster_cases: u8,
}

impl Default for CheckinSettings {
    fn default() -> Self {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Self {
            morning_due: at(9, 0),
            noon_due: at(14, 30),
            evening_due: at(20, 30),
            illness_percent: 10,
            cluster_cases: 3,
        }
    }
}
