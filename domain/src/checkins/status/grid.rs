//! The day's grid: the report standing for each class's session, which are late, missing
//! or not yet due, and the day's counts.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone};
use serde::Serialize;

use crate::checkins::{AbsenceCause, CheckinSettings};
use crate::checkins::{AsCheckin, Entry, Record, Session, SessionCheck};
use crate::school::{ClassGroup, ClassId, SchoolTimeZone};
use crate::sync::hlc::Hlc;

/// The report that stands for one session of one class on one day: the latest written;
/// earlier ones stay in the ledger as its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing<'a> {
    pub check: &'a SessionCheck,
    /// When it was written (device clock, held within minutes of the server's).
    pub at_ms: u64,
    /// How many reports it supersedes.
    pub corrections: usize,
}

pub(super) type SlotKey = (ClassId, NaiveDate, Session);

/// The standing report of every (class, date, session) with one.
pub fn standing<'a, P: AsCheckin + ?Sized + 'a>(
    entries: impl IntoIterator<Item = Entry<'a, P>>,
) -> BTreeMap<SlotKey, Standing<'a>> {
    let mut latest: BTreeMap<SlotKey, (Hlc, Standing<'a>)> = BTreeMap::new();
    for entry in entries {
        let Some(Record::Check(check)) = entry.record() else {
            continue;
        };
        let key = (check.class.clone(), check.date, check.session);
        let candidate = Standing {
            check,
            at_ms: entry.hlc.wall,
            corrections: 0,
        };
        match latest.get_mut(&key) {
            Some((hlc, held)) => {
                let corrections = held.corrections + 1;
                if entry.hlc > *hlc {
                    *hlc = entry.hlc;
                    *held = candidate;
                }
                held.corrections = corrections;
            }
            None => {
                latest.insert(key, (entry.hlc, candidate));
            }
        }
    }
    crate::order::map_of(latest.into_iter().map(|(k, (_, s))| (k, s)))
}

/// The sessions a class has: evening only for boarding classes.
pub fn sessions(class: &ClassGroup) -> &'static [Session] {
    if class.boarding {
        &[Session::Morning, Session::Noon, Session::Evening]
    } else {
        &[Session::Morning, Session::Noon]
    }
}

/// The session a teacher most likely means now: the first whose deadline hasn't passed
/// (the last one after all have).
pub fn current_session(
    class: &ClassGroup,
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
    now_ms: u64,
) -> Session {
    let date = tz.date_at_ms(now_ms);
    let all = sessions(class);
    all.iter()
        .copied()
        .find(|s| now_ms <= deadline_ms(settings, tz, date, *s))
        .or_else(|| all.last().copied())
        .unwrap_or(Session::Morning)
}

/// When a session's report is due: the school's deadline on that date, in its time zone.
pub fn deadline_ms(
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
    date: NaiveDate,
    session: Session,
) -> u64 {
    let time = match session {
        Session::Morning => settings.morning_due,
        Session::Noon => settings.noon_due,
        Session::Evening => settings.evening_due,
    };
    tz.tz()
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map_or(u64::MAX, |at| {
            u64::try_from(at.timestamp_millis()).unwrap_or(0)
        })
}

/// One cell of the day's grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// Reported; `late` if written after the deadline.
    Reported { late: bool },
    /// No report and the deadline has passed.
    Missing,
    /// No report yet, and not yet due.
    Due,
    /// The class has no such session (no evening check for day pupils).
    None,
}

/// One class's row of the day's grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassDay {
    pub class: ClassGroup,
    pub slots: [Slot; 3],
    pub present: Option<u16>,
    pub absent: u16,
    pub illness: u16,
    pub fever: u16,
}

/// The school's day at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayStatus {
    pub date: Option<NaiveDate>,
    pub classes: Vec<ClassDay>,
    pub fever: u32,
    pub illness: u32,
    pub missing: u32,
    pub late: u32,
}

pub(super) fn illness_count(check: &SessionCheck) -> u16 {
    let n = check
        .absences
        .iter()
        .filter(|a| matches!(a.cause, AbsenceCause::Illness { .. }))
        .count();
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The grid of classes × sessions for `date` as of `now_ms`, with the day's counts (per
/// class, the most any session of the day reported).
pub fn day_status(
    classes: &[ClassGroup],
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
    date: NaiveDate,
    now_ms: u64,
    standing: &BTreeMap<SlotKey, Standing<'_>>,
) -> DayStatus {
    let mut status = DayStatus {
        date: Some(date),
        ..DayStatus::default()
    };
    for class in classes {
        let mut row = ClassDay {
            class: class.clone(),
            slots: [Slot::None; 3],
            present: None,
            absent: 0,
            illness: 0,
            fever: 0,
        };
        for (i, session) in [Session::Morning, Session::Noon, Session::Evening]
            .into_iter()
            .enumerate()
        {
            if !sessions(class).contains(&session) {
                continue;
            }
            let due = deadline_ms(settings, tz, date, session);
            row.slots[i] = match standing.get(&(class.id.clone(), date, session)) {
                Some(report) => {
                    let check = report.check;
                    row.present = Some(check.present);
                    row.absent = row.absent.max(check.absent);
                    row.illness = row.illness.max(illness_count(check));
                    row.fever = row.fever.max(check.fever);
                    Slot::Reported {
                        late: report.at_ms > due,
                    }
                }
                None if now_ms > due => Slot::Missing,
                None => Slot::Due,
            };
        }
        for slot in row.slots {
            match slot {
                Slot::Missing => status.missing += 1,
                Slot::Reported { late: true } => status.late += 1,
                _ => {}
            }
        }
        status.fever += u32::from(row.fever);
        status.illness += u32::from(row.illness);
        status.classes.push(row);
    }
    status
}
