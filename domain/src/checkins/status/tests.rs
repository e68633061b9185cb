use super::*;
use chrono::NaiveDate;

use crate::checkins::testing::Payload;
use crate::checkins::{Absence, Reading, ReturnCertificate};
use crate::checkins::{AbsenceCause, CheckinSettings, StudentId, Symptom, Temperature};
use crate::checkins::{Entry, Session, SessionCheck};
use crate::lang::Lang;
use crate::school::{ClassId, SchoolTimeZone};
use crate::sync::Op;
use crate::sync::hlc::Hlc;
use crate::text::Name;
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
    let csv = crate::checkins::report::daily_csv(
        &status,
        5,
        &crate::checkins::report::tests::labels(Lang::ZhCn),
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
    // Whether one's own report of a day is in: by the report's date, not when it was sent.
    let own = ops.iter().map(|op| &op.payload);
    assert!(super::reported_own(own.clone(), day(22)));
    assert!(!super::reported_own(own, day(24)));
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
