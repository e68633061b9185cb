//! What the check-in screens show, decided here so the app only renders it: a class's day
//! as its teacher's card and form see it, the whole school's day as the office and the
//! doctor see it, whether a report came late, and which date a return-to-class certificate
//! may carry.

mod school_day;

pub use school_day::{
    CASES_LISTED, CaseList, ClassWarning, OpenCase, SchoolDayView, StaffReport, TREND_DAYS,
};

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::form::{self, OneTap};
use super::roster::roster;
use super::status;
use super::{Absence, AsCheckin, CheckinSettings, Entry, Record, Session, Student, StudentId};
use crate::school::SchoolTimeZone;
use crate::sync::wire::ClassRef;

/// The report that stands for one of a class's sessions, as its teacher sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLine {
    pub present: u16,
    pub absent: u16,
    pub fever: u16,
    /// When it was written (device clock).
    pub at_ms: u64,
    /// Written after the session's deadline.
    pub late: bool,
    /// Held by the Worker, not only waiting on this device.
    pub synced: bool,
}

/// One class's day as its teacher checks it: the roster, who awaits a return-to-class
/// certificate, each session's standing report, what the one-tap report may do, the earlier
/// session's absences offered again, and the checks already missed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassCheckView {
    pub roster: Vec<Student>,
    pub awaiting: BTreeSet<StudentId>,
    pub reports: BTreeMap<Session, ReportLine>,
    pub one_tap: BTreeMap<Session, OneTap>,
    /// How many students each session counts.
    pub expected: BTreeMap<Session, u16>,
    /// Per session: the absences of the day's latest earlier session.
    pub earlier: BTreeMap<Session, (Session, Vec<Absence>)>,
    /// Sessions past their deadline with no report, with the deadline.
    pub missed: Vec<(Session, u64)>,
}

/// Where and when a class's day is looked at.
#[derive(Debug, Clone, Copy)]
pub struct DayContext<'a> {
    pub settings: &'a CheckinSettings,
    pub tz: SchoolTimeZone,
    pub date: NaiveDate,
    pub now_ms: u64,
}

impl ClassCheckView {
    /// Builds the view from every change the device knows. `entries` lists the ops the
    /// Worker holds first, `held` of them, then those still waiting to sync (as
    /// `Replica::entries` does): a report among the first `held` has synced.
    pub fn build<P: AsCheckin + ?Sized>(
        class: &ClassRef,
        day: DayContext<'_>,
        entries: &[Entry<'_, P>],
        held: usize,
    ) -> Self {
        let DayContext {
            settings,
            tz,
            date,
            now_ms,
        } = day;
        let standing_all = status::standing(entries.iter().copied());
        let cases = status::cases(&standing_all, entries.iter().copied());
        let roster: Vec<Student> = roster(entries.iter().copied())
            .into_iter()
            .filter(|s| s.class == class.id)
            .collect();
        let mut view = Self {
            missed: form::missed(&class.group(), settings, tz, date, now_ms, &standing_all),
            ..Self::default()
        };
        for session in [Session::Morning, Session::Noon, Session::Evening] {
            let standing = standing_all.get(&(class.id.clone(), date, session));
            let present = form::expected(&roster, class.students, session);
            view.expected.insert(session, present);
            view.one_tap
                .insert(session, form::one_tap(standing, present));
            if let Some((earlier, absences)) =
                form::earlier_absences(&standing_all, &class.id, date, session)
            {
                view.earlier.insert(session, (earlier, absences.to_vec()));
            }
            if let Some(s) = standing {
                let synced = entries.iter().take(held).any(|e| {
                    e.hlc.wall == s.at_ms
                        && matches!(e.record(), Some(Record::Check(c)) if c == s.check)
                });
                view.reports.insert(
                    session,
                    ReportLine {
                        present: s.check.present,
                        absent: s.check.absent,
                        fever: s.check.fever,
                        at_ms: s.at_ms,
                        late: is_late(settings, tz, date, session, s.at_ms),
                        synced,
                    },
                );
            }
        }
        view.awaiting = crate::order::set_of(
            cases
                .iter()
                .filter(|c| c.is_open() && c.class == class.id)
                .map(|c| c.student.clone()),
        );
        view.roster = roster;
        view
    }

    /// How many students `session` counts (the head count when nothing is known).
    pub fn expected(&self, session: Session) -> u16 {
        self.expected.get(&session).copied().unwrap_or_default()
    }
}

/// Whether a report of `date`'s `session` written at `at_ms` came after its deadline: the
/// same rule the day's grid counts as late.
pub fn is_late(
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
    date: NaiveDate,
    session: Session,
    at_ms: u64,
) -> bool {
    at_ms > status::deadline_ms(settings, tz, date, session)
}

/// The date a return-to-class certificate carries, as typed (`YYYY-MM-DD`): `None` when it
/// isn't a date, predates the case it closes (it would close nothing) or is after `today`.
pub fn certificate_date(
    typed: &str,
    case_opened: NaiveDate,
    today: NaiveDate,
) -> Option<NaiveDate> {
    crate::dates::parse(typed.trim()).filter(|d| *d >= case_opened && *d <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Payload;
    use crate::checkins::SessionCheck;
    use crate::checkins::roster::StudentNumber;
    use crate::checkins::{AbsenceCause, Symptom, Temperature};
    use crate::school::ClassId;
    use crate::sync::hlc::Hlc;
    use crate::text::Name;

    fn class() -> ClassRef {
        ClassRef {
            id: ClassId::parse("g1c1").unwrap(),
            name: Name::parse("一年级1班").unwrap(),
            students: 30,
            boarding: false,
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn entry(ms: u64, payload: &Payload) -> Entry<'_, Payload> {
        Entry {
            hlc: Hlc {
                wall: ms,
                counter: 0,
            },
            payload,
        }
    }

    fn student(i: usize) -> Payload {
        Payload::Student(Student::new(
            class().id,
            Name::parse(&format!("学生{i}")).unwrap(),
            StudentNumber::parse(&format!("{i:02}")).unwrap(),
            false,
        ))
    }

    fn context(settings: &CheckinSettings, now_ms: u64) -> DayContext<'_> {
        DayContext {
            settings,
            tz: SchoolTimeZone::default(),
            date: day(),
            now_ms,
        }
    }

    fn due(settings: &CheckinSettings, session: Session) -> u64 {
        status::deadline_ms(settings, SchoolTimeZone::default(), day(), session)
    }

    #[test]
    fn a_class_with_no_roster_counts_the_head_count_and_offers_the_one_tap() {
        let settings = CheckinSettings::default();
        let start = due(&settings, Session::Morning) - 3_600_000;
        let view = ClassCheckView::build::<Payload>(&class(), context(&settings, start), &[], 0);
        assert!(view.roster.is_empty() && view.reports.is_empty() && view.missed.is_empty());
        assert_eq!(view.expected(Session::Morning), 30);
        assert_eq!(
            view.one_tap.get(&Session::Morning),
            Some(&OneTap::File { present: 30 })
        );
    }

    #[test]
    fn a_report_names_its_numbers_and_whether_it_was_late_and_synced() {
        let settings = CheckinSettings::default();
        let morning = due(&settings, Session::Morning);
        let noon = due(&settings, Session::Noon);
        let on_time = Payload::SessionCheck(SessionCheck::all_well(
            class().id,
            day(),
            Session::Morning,
            30,
        ));
        let late =
            Payload::SessionCheck(SessionCheck::all_well(class().id, day(), Session::Noon, 29));
        // The morning's is held by the Worker; the noon's, written late, still waits.
        let entries = [
            entry(morning - 60_000, &on_time),
            entry(noon + 60_000, &late),
        ];
        let view = ClassCheckView::build(&class(), context(&settings, noon + 120_000), &entries, 1);
        assert_eq!(
            view.reports.get(&Session::Morning),
            Some(&ReportLine {
                present: 30,
                absent: 0,
                fever: 0,
                at_ms: morning - 60_000,
                late: false,
                synced: true,
            })
        );
        let noon_line = view.reports[&Session::Noon];
        assert!(noon_line.late && !noon_line.synced);
        assert_eq!(noon_line.present, 29);
        assert_eq!(
            view.one_tap.get(&Session::Morning),
            Some(&OneTap::AlreadyFiled)
        );
        assert!(view.missed.is_empty());
    }

    #[test]
    fn the_roster_sets_the_count_and_a_feverish_absence_awaits_clearance() {
        let settings = CheckinSettings::default();
        let morning = due(&settings, Session::Morning);
        let students: Vec<Payload> = (1..=3).map(student).collect();
        let Payload::Student(ill) = &students[1] else {
            unreachable!()
        };
        let mut check = SessionCheck::all_well(class().id, day(), Session::Morning, 2);
        check.absent = 1;
        check.fever = 1;
        check.absences = vec![Absence {
            student: ill.id.clone(),
            cause: AbsenceCause::Illness {
                symptoms: vec![Symptom::Fever],
            },
        }];
        check.readings = vec![super::super::Reading {
            student: ill.id.clone(),
            temperature: Temperature::parse("38.5").unwrap(),
        }];
        let report = Payload::SessionCheck(check);
        let mut entries: Vec<Entry<'_, Payload>> = students.iter().map(|p| entry(1, p)).collect();
        entries.push(entry(morning - 60_000, &report));
        let view = ClassCheckView::build(&class(), context(&settings, morning + 1), &entries, 0);
        assert_eq!(view.roster.len(), 3);
        assert_eq!(view.expected(Session::Noon), 3);
        assert!(view.awaiting.contains(&ill.id));
        assert_eq!(
            view.earlier.get(&Session::Noon).map(|(s, a)| (*s, a.len())),
            Some((Session::Morning, 1))
        );
        assert!(matches!(
            view.one_tap.get(&Session::Morning),
            Some(OneTap::AskFirst { present: 3, .. })
        ));
    }

    #[test]
    fn a_morning_past_its_deadline_without_a_report_is_missed() {
        let settings = CheckinSettings::default();
        let morning = due(&settings, Session::Morning);
        let view =
            ClassCheckView::build::<Payload>(&class(), context(&settings, morning + 1), &[], 0);
        assert_eq!(view.missed, vec![(Session::Morning, morning)]);
    }

    #[test]
    fn late_means_written_after_the_deadline_of_the_reports_own_day() {
        let settings = CheckinSettings::default();
        let tz = SchoolTimeZone::default();
        let morning = due(&settings, Session::Morning);
        assert!(!is_late(&settings, tz, day(), Session::Morning, morning));
        assert!(is_late(&settings, tz, day(), Session::Morning, morning + 1));
    }

    #[test]
    fn a_certificate_is_dated_between_the_case_and_today() {
        let opened = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let today = day();
        assert_eq!(
            certificate_date(" 2026-11-28 ", opened, today),
            NaiveDate::from_ymd_opt(2026, 11, 28)
        );
        assert_eq!(certificate_date("2026-11-27", opened, today), Some(opened));
        assert_eq!(certificate_date("2026-11-30", opened, today), Some(today));
        // Before the case it would close nothing; after today it comes from the future.
        assert_eq!(certificate_date("2026-11-26", opened, today), None);
        assert_eq!(certificate_date("2026-12-01", opened, today), None);
        assert_eq!(certificate_date("2030-01-01", opened, today), None);
        assert_eq!(certificate_date("not a date", opened, today), None);
        assert_eq!(certificate_date("", opened, today), None);
    }
}
