//! Terms and drill compliance: at least one on-site drill per term (000 6.2). The school sets
//! which scenarios a term requires, each with an optional date; each then reads scheduled,
//! due soon, overdue or done, judged on the school's calendar in its time zone.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::plan::Scenario;
use super::run::Run;
use crate::refusals::OpInvalid;
use crate::school::SchoolTimeZone;
use crate::sync::{Hlc, Stream, versions};

/// Which half of the school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    /// 1 August to 31 January.
    Autumn,
    /// 1 February to 31 July.
    Spring,
}

/// A term: the school year (named by the calendar year it starts in) and its half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Term {
    pub year: i32,
    pub half: Half,
}

impl Term {
    /// The term a school day falls in (the school year starts on 1 August, as the Worker's
    /// date checks hold).
    pub fn of(date: NaiveDate) -> Self {
        match date.month() {
            8..=12 => Term {
                year: date.year(),
                half: Half::Autumn,
            },
            1 => Term {
                year: date.year() - 1,
                half: Half::Autumn,
            },
            _ => Term {
                year: date.year() - 1,
                half: Half::Spring,
            },
        }
    }

    pub fn first_day(self) -> NaiveDate {
        let date = match self.half {
            Half::Autumn => NaiveDate::from_ymd_opt(self.year, 8, 1),
            Half::Spring => NaiveDate::from_ymd_opt(self.year + 1, 2, 1),
        };
        date.unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        let date = match self.half {
            Half::Autumn => NaiveDate::from_ymd_opt(self.year + 1, 1, 31),
            Half::Spring => NaiveDate::from_ymd_opt(self.year + 1, 7, 31),
        };
        date.unwrap_or_default()
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        Term::of(date) == self
    }

    /// "2026–2027 autumn" as keys and CSVs write it: `2026a`, `2026s`.
    pub fn code(self) -> String {
        let half = match self.half {
            Half::Autumn => 'a',
            Half::Spring => 's',
        };
        format!("{}{half}", self.year)
    }
}

/// The drills a term requires, each with the date set for it (if any). A later write for the
/// same term replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermPlan {
    pub term: Term,
    pub required: BTreeMap<Scenario, Option<NaiveDate>>,
    /// The versions this write was made over: the one the form began from, and any other
    /// shown beside it as not kept. See [`crate::sync::versions`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<Hlc>,
}

impl TermPlan {
    /// A date set for a drill falls within its term.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Drills {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        match self
            .required
            .values()
            .flatten()
            .find(|d| !self.term.contains(**d))
        {
            Some(date) => Err(OpInvalid::DateOutOfRange { date: *date }),
            None if self.replaces.len() > versions::MAX_REPLACES as usize => {
                Err(OpInvalid::OutOfRange {
                    what: "replaces".into(),
                    max: versions::MAX_REPLACES,
                })
            }
            None => Ok(()),
        }
    }
}

/// How far ahead a scheduled drill starts to show as due soon.
pub const DUE_SOON_DAYS: i64 = 14;
/// How near the term's end an unscheduled required drill shows as due soon.
pub const UNSCHEDULED_DUE_DAYS: i64 = 30;

/// Where a required drill of a term stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Run (and finished) within the term.
    Done { on: NaiveDate },
    /// Set for a date more than two weeks away, or not yet set and the term's end is far.
    Scheduled { on: Option<NaiveDate> },
    /// Its date, or the term's end, is near.
    DueSoon { by: NaiveDate },
    /// Its date, or the term, has passed without it.
    Overdue { since: NaiveDate },
}

impl Standing {
    pub fn is_overdue(self) -> bool {
        matches!(self, Standing::Overdue { .. })
    }
}

/// Each required scenario of `plan` and where it stands on `today`, from the finished runs.
pub fn compliance(
    plan: &TermPlan,
    runs: &[Run],
    tz: SchoolTimeZone,
    today: NaiveDate,
) -> Vec<(Scenario, Standing)> {
    plan.required
        .iter()
        .map(|(scenario, date)| {
            let done = runs
                .iter()
                .filter(|r| r.scenario() == *scenario && r.finished_ms.is_some())
                .map(|r| tz.date_at_ms(r.started_ms))
                .filter(|d| plan.term.contains(*d))
                .min();
            let standing = match (done, date) {
                (Some(on), _) => Standing::Done { on },
                (None, Some(on)) if *on < today => Standing::Overdue { since: *on },
                (None, Some(on)) if (*on - today).num_days() <= DUE_SOON_DAYS => {
                    Standing::DueSoon { by: *on }
                }
                (None, Some(on)) => Standing::Scheduled { on: Some(*on) },
                (None, None) => {
                    let last = plan.term.last_day();
                    if last < today {
                        Standing::Overdue { since: last }
                    } else if (last - today).num_days() <= UNSCHEDULED_DUE_DAYS {
                        Standing::DueSoon { by: last }
                    } else {
                        Standing::Scheduled { on: None }
                    }
                }
            };
            (*scenario, standing)
        })
        .collect()
}
