//! The trend of fevers and illness absences over days, and the early-warning flags.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::checkins::{CheckinSettings, Symptom};
use crate::school::ClassId;

use super::cases::Case;
use super::grid::{DayStatus, SlotKey, Standing, illness_count};
/// One day of the trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    pub date: NaiveDate,
    pub fever: u32,
    pub illness: u32,
}

/// Fevers and illness absences per day for the `days` days up to `end` (per class, the most
/// any session of the day reported).
pub fn trend(
    standing: &BTreeMap<SlotKey, Standing<'_>>,
    end: NaiveDate,
    days: u32,
) -> Vec<DayCount> {
    let start = end - Duration::days(i64::from(days.saturating_sub(1)));
    let mut per_class: BTreeMap<(NaiveDate, &ClassId), (u16, u16)> = BTreeMap::new();
    for ((_, date, _), report) in standing {
        if *date < start || *date > end {
            continue;
        }
        let cell = per_class.entry((*date, &report.check.class)).or_default();
        cell.0 = cell.0.max(report.check.fever);
        cell.1 = cell.1.max(illness_count(report.check));
    }
    start
        .iter_days()
        .take(usize::try_from(days).unwrap_or(0))
        .map(|date| {
            let (fever, illness) = per_class
                .iter()
                .filter(|((d, _), _)| *d == date)
                .fold((0, 0), |(f, i), (_, (cf, ci))| {
                    (f + u32::from(*cf), i + u32::from(*ci))
                });
            DayCount {
                date,
                fever,
                illness,
            }
        })
        .collect()
}

/// Why a class is flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// More illness absences today than the school's threshold allows.
    IllnessShare {
        class: ClassId,
        ill: u16,
        students: u16,
    },
    /// Several cases with the same symptom opened in the class within three days.
    Cluster {
        class: ClassId,
        symptom: Symptom,
        cases: usize,
    },
}

impl Warning {
    /// The class the flag is about.
    pub fn class(&self) -> &ClassId {
        match self {
            Warning::IllnessShare { class, .. } | Warning::Cluster { class, .. } => class,
        }
    }
}

/// The early-warning flags for `date`.
pub fn warnings(day: &DayStatus, cases: &[Case], settings: &CheckinSettings) -> Vec<Warning> {
    let mut out = Vec::new();
    let Some(date) = day.date else { return out };
    for row in &day.classes {
        let students = row.class.students.max(1);
        if u32::from(row.illness) * 100 > u32::from(settings.illness_percent) * u32::from(students)
        {
            out.push(Warning::IllnessShare {
                class: row.class.id.clone(),
                ill: row.illness,
                students: row.class.students,
            });
        }
        let recent: Vec<&Case> = cases
            .iter()
            .filter(|c| {
                c.class == row.class.id && c.opened <= date && c.opened + Duration::days(2) >= date
            })
            .collect();
        for symptom in Symptom::ALL {
            let n = recent
                .iter()
                .filter(|c| c.symptoms.contains(&symptom))
                .count();
            if n >= usize::from(settings.cluster_cases.max(2)) {
                out.push(Warning::Cluster {
                    class: row.class.id.clone(),
                    symptom,
                    cases: n,
                });
            }
        }
    }
    out
}
