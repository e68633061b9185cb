//! What the school's checks add up to: the latest report of each class's session, whether
//! it was late, which are missing, the cases fevers and illness absences open, the trend and
//! the early-warning flags, and the daily report as CSV. Pure functions of the ops held.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, TimeZone};
use serde::Serialize;

use super::{AbsenceCause, CheckinSettings, StudentId, Symptom, Temperature};
use super::{AsCheckin, Entry, Record, Session, SessionCheck};
use crate::school::ClassId;
use crate::school::{ClassGroup, SchoolTimeZone};
use crate::sync::Op;
use crate::sync::hlc::Hlc;
use crate::text::Name;

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

type SlotKey = (ClassId, NaiveDate, Session);

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
    latest.into_iter().map(|(k, (_, s))| (k, s)).collect()
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

fn illness_count(check: &SessionCheck) -> u16 {
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

/// A student's follow-up: opened by an illness absence or a fever, closed by a
/// return-to-class certificate dated on or after the day it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub student: StudentId,
    pub class: ClassId,
    pub opened: NaiveDate,
    pub symptoms: BTreeSet<Symptom>,
    pub highest: Option<Temperature>,
    /// Every fever reading of the case, present or sent home, in order.
    pub readings: Vec<(NaiveDate, Session, Temperature)>,
    /// Certificates recorded for the student, dated before the case's last sign, that closed
    /// nothing: an earlier date never closes a case, so the doctor is shown them to correct.
    pub misdated_certificates: Vec<(NaiveDate, Name)>,
    /// The certificate's date and issuer, once recorded.
    pub closed: Option<(NaiveDate, Name)>,
}

impl Case {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

/// Every case, oldest first, from the standing reports and the certificates held.
pub fn cases<'a, P: AsCheckin + ?Sized + 'a>(
    standing: &BTreeMap<SlotKey, Standing<'a>>,
    entries: impl IntoIterator<Item = Entry<'a, P>>,
) -> Vec<Case> {
    // Per student: the days something was wrong, with what.
    type Signs = (ClassId, BTreeSet<Symptom>, Vec<(Session, Temperature)>);
    let mut events: BTreeMap<StudentId, BTreeMap<NaiveDate, Signs>> = BTreeMap::new();
    for ((class, date, session), report) in standing {
        let mut note =
            |student: &StudentId, symptoms: &[Symptom], temperature: Option<Temperature>| {
                let day = events
                    .entry(student.clone())
                    .or_default()
                    .entry(*date)
                    .or_insert_with(|| (class.clone(), BTreeSet::new(), Vec::new()));
                day.1.extend(symptoms.iter().copied());
                if let Some(temperature) = temperature {
                    day.1.insert(Symptom::Fever);
                    day.2.push((*session, temperature));
                }
            };
        for absence in &report.check.absences {
            if let AbsenceCause::Illness { symptoms } = &absence.cause {
                note(&absence.student, symptoms, None);
            }
        }
        for reading in report
            .check
            .readings
            .iter()
            .filter(|r| r.temperature.is_fever())
        {
            note(&reading.student, &[], Some(reading.temperature));
        }
    }
    let mut certificates: BTreeMap<&StudentId, Vec<(NaiveDate, &Name)>> = BTreeMap::new();
    for entry in entries {
        if let Some(Record::Certificate(cert)) = entry.record() {
            certificates
                .entry(&cert.student)
                .or_default()
                .push((cert.date, &cert.issuer));
        }
    }
    for list in certificates.values_mut() {
        list.sort();
    }
    let mut out = Vec::new();
    for (student, days) in events {
        let certs = certificates.get(&student).cloned().unwrap_or_default();
        // A certificate dated on or after a case's last sign closes it; a sign after that
        // certificate opens a new case.
        let closing = |last: NaiveDate, before: Option<NaiveDate>| {
            certs
                .iter()
                .find(|(d, _)| *d >= last && before.is_none_or(|b| *d < b))
                .map(|(d, issuer)| (*d, (*issuer).clone()))
        };
        let mut open: Option<(Case, NaiveDate)> = None;
        for (date, (class, symptoms, readings)) in days {
            if let Some((mut case, last)) = open.take() {
                match closing(last, Some(date)) {
                    Some(closed) => {
                        case.closed = Some(closed);
                        out.push(case);
                    }
                    None => open = Some((case, last)),
                }
            }
            let (case, last) = open.get_or_insert_with(|| {
                (
                    Case {
                        student: student.clone(),
                        class: class.clone(),
                        opened: date,
                        symptoms: BTreeSet::new(),
                        highest: None,
                        readings: Vec::new(),
                        misdated_certificates: Vec::new(),
                        closed: None,
                    },
                    date,
                )
            });
            case.symptoms.extend(symptoms);
            for (session, temperature) in readings {
                case.highest = case.highest.max(Some(temperature));
                case.readings.push((date, session, temperature));
            }
            *last = date;
        }
        if let Some((mut case, last)) = open {
            case.closed = closing(last, None);
            if case.closed.is_none() {
                let used: Vec<_> = out
                    .iter()
                    .filter(|c| c.student == student)
                    .filter_map(|c| c.closed.as_ref().map(|(d, _)| *d))
                    .collect();
                case.misdated_certificates = certs
                    .iter()
                    .filter(|(d, _)| *d < last && !used.contains(d))
                    .map(|(d, issuer)| (*d, (*issuer).clone()))
                    .collect();
            }
            out.push(case);
        }
    }
    out.sort_by(|a, b| (a.opened, &a.student).cmp(&(b.opened, &b.student)));
    out
}

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

/// Staff's own reports of `date`, the latest per person, people with a fever or symptoms
/// first.
pub fn staff_day<'a, P: AsCheckin + 'a>(
    ops: impl IntoIterator<Item = &'a Op<P>>,
    date: NaiveDate,
) -> Vec<(Name, super::StaffHealth)> {
    let mut latest: BTreeMap<&Name, (Hlc, &super::StaffHealth)> = BTreeMap::new();
    for op in ops {
        if let Some(Record::StaffHealth(report)) = op.payload.checkin()
            && report.date == date
            && latest.get(&op.by).is_none_or(|(hlc, _)| *hlc <= op.hlc)
        {
            latest.insert(&op.by, (op.hlc, report));
        }
    }
    let mut out: Vec<(Name, super::StaffHealth)> = latest
        .into_iter()
        .map(|(name, (_, report))| (name.clone(), report.clone()))
        .collect();
    let unwell = |r: &super::StaffHealth| {
        r.temperature.is_some_and(Temperature::is_fever) || !r.symptoms.is_empty()
    };
    out.sort_by_key(|(name, r)| (!unwell(r), name.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Payload;
    use crate::checkins::{Absence, Reading, ReturnCertificate};
    use crate::lang::Lang;
    use chrono::NaiveTime;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// Unix ms of a Shanghai wall-clock time on 2026-11-`d`.
    fn at(d: u32, h: u32, m: u32) -> u64 {
        let tz = SchoolTimeZone::default();
        deadline_ms(
            &CheckinSettings {
                morning_due: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
                ..CheckinSettings::default()
            },
            tz,
            day(d),
            Session::Morning,
        )
    }

    fn student(s: &str) -> StudentId {
        StudentId::parse(s).unwrap()
    }

    fn check(
        class: &str,
        d: u32,
        session: Session,
        ill: &[(&str, Symptom)],
        fevers: &[(&str, u16)],
    ) -> Payload {
        let mut c = SessionCheck::all_well(ClassId::parse(class).unwrap(), day(d), session, 40);
        c.absences = ill
            .iter()
            .map(|(s, symptom)| Absence {
                student: student(s),
                cause: AbsenceCause::Illness {
                    symptoms: vec![*symptom],
                },
            })
            .collect();
        c.absent = u16::try_from(c.absences.len()).unwrap();
        c.readings = fevers
            .iter()
            .map(|(s, t)| Reading {
                student: student(s),
                temperature: Temperature::from_tenths(*t).unwrap(),
            })
            .collect();
        c.fever = u16::try_from(
            c.readings
                .iter()
                .filter(|r| r.temperature.is_fever())
                .count(),
        )
        .unwrap();
        Payload::SessionCheck(c)
    }

    fn certificate(s: &str, class: &str, d: u32) -> Payload {
        Payload::Certificate(ReturnCertificate {
            student: student(s),
            class: ClassId::parse(class).unwrap(),
            date: day(d),
            issuer: Name::parse("城关镇卫生院").unwrap(),
            note: None,
        })
    }

    fn entries(list: &[(u64, Payload)]) -> Vec<Entry<'_, Payload>> {
        list.iter()
            .map(|(ms, payload)| Entry {
                hlc: Hlc {
                    wall: *ms,
                    counter: 0,
                },
                payload,
            })
            .collect()
    }

    #[test]
    fn the_grid_shows_reported_late_missing_due_and_no_evening_for_day_pupils() {
        let classes = crate::demo::school().classes;
        let settings = CheckinSettings::default();
        let tz = SchoolTimeZone::default();
        let ops = [
            (at(23, 7, 50), check("g1c1", 23, Session::Morning, &[], &[])),
            // 9:20 is after the 9:00 deadline: kept, and marked late.
            (at(23, 9, 20), check("g3c2", 23, Session::Morning, &[], &[])),
        ];
        let standing = standing(entries(&ops));
        let status = day_status(&classes, &settings, tz, day(23), at(23, 10, 0), &standing);
        let slots: Vec<[Slot; 3]> = status.classes.iter().map(|c| c.slots).collect();
        assert_eq!(
            slots[0],
            [Slot::Reported { late: false }, Slot::Due, Slot::None]
        );
        assert_eq!(
            slots[1],
            [Slot::Reported { late: true }, Slot::Due, Slot::None]
        );
        assert_eq!(slots[2], [Slot::Missing, Slot::Due, Slot::None]);
        assert_eq!(
            slots[3],
            [Slot::Missing, Slot::Due, Slot::Due],
            "the boarding class has an evening check"
        );
        assert_eq!((status.late, status.missing), (1, 2));
        // The school day is Shanghai's: 00:30 on the 24th there is still the 23rd in UTC.
        assert_eq!(tz.date_at_ms(at(24, 0, 30)), day(24));
    }

    #[test]
    fn a_correction_supersedes_and_the_history_is_counted() {
        let ops = [
            (
                at(23, 7, 0),
                check(
                    "g1c1",
                    23,
                    Session::Morning,
                    &[("g1c1-1", Symptom::Cough)],
                    &[],
                ),
            ),
            (at(23, 7, 30), check("g1c1", 23, Session::Morning, &[], &[])),
        ];
        let forward = standing(entries(&ops));
        let mut reversed = ops.to_vec();
        reversed.reverse();
        let backward = standing(entries(&reversed));
        let key = (ClassId::parse("g1c1").unwrap(), day(23), Session::Morning);
        assert_eq!(forward[&key].check.absent, 0);
        assert_eq!(forward[&key].corrections, 1);
        assert_eq!(
            forward[&key], backward[&key],
            "arrival order doesn't matter"
        );
    }

    #[test]
    fn cases_open_on_illness_or_fever_and_close_with_a_certificate() {
        let ops = [
            (
                at(20, 7, 0),
                check(
                    "g1c1",
                    20,
                    Session::Morning,
                    &[],
                    &[("g1c1-1", 381), ("g1c1-2", 366)],
                ),
            ),
            (
                at(21, 7, 0),
                check(
                    "g1c1",
                    21,
                    Session::Morning,
                    &[("g1c1-1", Symptom::Cough)],
                    &[],
                ),
            ),
            (at(21, 8, 0), certificate("g1c1-9", "g1c1", 21)),
            (at(22, 15, 0), certificate("g1c1-1", "g1c1", 22)),
            // Ill again after the certificate: a new case.
            (
                at(25, 7, 0),
                check(
                    "g1c1",
                    25,
                    Session::Morning,
                    &[("g1c1-1", Symptom::Diarrhoea)],
                    &[],
                ),
            ),
        ];
        let list = entries(&ops);
        let standing = standing(list.clone());
        let cases = cases(&standing, list);
        assert_eq!(cases.len(), 2, "{cases:?}");
        assert_eq!(cases[0].opened, day(20));
        assert_eq!(cases[0].highest.map(|t| t.tenths()), Some(381));
        assert!(cases[0].symptoms.contains(&Symptom::Cough));
        assert_eq!(cases[0].closed.as_ref().map(|c| c.0), Some(day(22)));
        assert!(cases[1].is_open());
        assert_eq!(cases[1].opened, day(25));
        assert!(
            cases[1].misdated_certificates.is_empty(),
            "the used one is not listed"
        );
    }

    #[test]
    fn a_certificate_dated_before_the_case_never_closes_it_and_is_shown_to_correct() {
        let ops = [
            (
                at(21, 7, 0),
                check(
                    "g1c1",
                    21,
                    Session::Morning,
                    &[("g1c1-1", Symptom::Cough)],
                    &[],
                ),
            ),
            // Typed with the wrong day: before the child fell ill.
            (at(23, 8, 0), certificate("g1c1-1", "g1c1", 20)),
        ];
        let list = entries(&ops);
        let standing = standing(list.clone());
        let cases = cases(&standing, list);
        assert_eq!(cases.len(), 1);
        assert!(cases[0].is_open());
        assert_eq!(
            cases[0]
                .misdated_certificates
                .iter()
                .map(|(d, _)| *d)
                .collect::<Vec<_>>(),
            vec![day(20)]
        );
    }

    #[test]
    fn warnings_flag_illness_share_and_symptom_clusters() {
        let classes = crate::demo::school().classes;
        let settings = CheckinSettings::default();
        let tz = SchoolTimeZone::default();
        let ill: Vec<(String, Symptom)> = (0..5)
            .map(|i| (format!("g1c1-{i}"), Symptom::Cough))
            .collect();
        let ill: Vec<(&str, Symptom)> = ill.iter().map(|(s, y)| (s.as_str(), *y)).collect();
        let ops = [(at(23, 7, 0), check("g1c1", 23, Session::Morning, &ill, &[]))];
        let list = entries(&ops);
        let standing = standing(list.clone());
        let status = day_status(&classes, &settings, tz, day(23), at(23, 10, 0), &standing);
        let cases = cases(&standing, list);
        let flags = warnings(&status, &cases, &settings);
        // 5 of 42 is over 10%; 5 coughs in a day is a cluster.
        assert!(flags.iter().any(|w| matches!(
            w,
            Warning::IllnessShare {
                ill: 5,
                students: 42,
                ..
            }
        )));
        assert!(flags.iter().any(|w| matches!(
            w,
            Warning::Cluster {
                symptom: Symptom::Cough,
                cases: 5,
                ..
            }
        )));
        let trend = trend(&standing, day(23), 14);
        assert_eq!(trend.len(), 14);
        assert_eq!(
            trend[13],
            DayCount {
                date: day(23),
                fever: 0,
                illness: 5
            }
        );
        let csv = super::super::report::daily_csv(
            &status,
            5,
            &super::super::report::tests::labels(Lang::ZhCn),
        );
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("一年级一班,已报,未到时间,,40,5,5,0"), "{csv}");
    }

    #[test]
    fn staff_reports_keep_the_latest_per_person_unwell_first() {
        use crate::checkins::StaffHealth;
        use crate::sync::ids::{DeviceId, OpId, Seq};
        let op = |who: &str, k: u16, tenths: u16, date: u32| Op {
            id: OpId {
                device: DeviceId::parse("device-0001").unwrap(),
                stream: crate::sync::Stream::Health,
                seq: Seq::FIRST,
                k,
            },
            hlc: Hlc {
                wall: u64::from(k),
                counter: 0,
            },
            by: Name::parse(who).unwrap(),
            payload: Payload::StaffHealth(StaffHealth {
                date: day(date),
                temperature: Some(Temperature::from_tenths(tenths).unwrap()),
                symptoms: vec![],
            }),
        };
        let ops = [
            op("李红", 1, 365, 23),
            op("王磊", 2, 366, 23),
            op("王磊", 3, 380, 23),
            op("赵敏", 4, 390, 22),
        ];
        let day23 = staff_day(&ops, day(23));
        assert_eq!(day23.len(), 2);
        assert_eq!(day23[0].0.as_str(), "王磊");
        assert_eq!(day23[0].1.temperature.map(|t| t.tenths()), Some(380));
    }

    #[test]
    fn the_session_offered_follows_the_clock() {
        let classes = crate::demo::school().classes;
        let settings = CheckinSettings::default();
        let tz = SchoolTimeZone::default();
        assert_eq!(
            current_session(&classes[0], &settings, tz, at(23, 7, 0)),
            Session::Morning
        );
        assert_eq!(
            current_session(&classes[0], &settings, tz, at(23, 11, 0)),
            Session::Noon
        );
        assert_eq!(
            current_session(&classes[0], &settings, tz, at(23, 22, 0)),
            Session::Noon
        );
        assert_eq!(
            current_session(&classes[3], &settings, tz, at(23, 19, 0)),
            Session::Evening
        );
    }
}
