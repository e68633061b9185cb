use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::changes::Payload;
use crate::sync::Hlc;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ms(y: i32, m: u32, d: u32, h: u32, min: u32) -> u64 {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .timestamp_millis() as u64
}

fn finished_run(id: &str, scenario: Scenario, at_ms: u64) -> Vec<(Hlc, Name, Payload)> {
    let by = Name::parse("陈建国").unwrap();
    let run = RunId::parse(id).unwrap();
    vec![
        (
            Hlc {
                wall: at_ms,
                counter: 0,
            },
            by.clone(),
            Payload::Drill(DrillEvent {
                run: run.clone(),
                act: DrillAction::Start {
                    plan: Box::new(templates::template(scenario)),
                    expected: 10,
                },
            }),
        ),
        (
            Hlc {
                wall: at_ms + 600_000,
                counter: 0,
            },
            by,
            Payload::Drill(DrillEvent {
                run,
                act: DrillAction::Finish {},
            }),
        ),
    ]
}

fn book(changes: &[(Hlc, Name, Payload)]) -> DrillBook {
    DrillBook::of(changes.iter().map(|(h, b, p)| (*h, b, p)))
}

#[test]
fn terms_split_the_school_year_on_1_february_and_1_august() {
    assert_eq!(
        Term::of(date(2026, 8, 1)),
        Term {
            year: 2026,
            half: Half::Autumn
        }
    );
    assert_eq!(Term::of(date(2027, 1, 31)), Term::of(date(2026, 9, 1)));
    assert_eq!(
        Term::of(date(2027, 2, 1)),
        Term {
            year: 2026,
            half: Half::Spring
        }
    );
    assert_eq!(Term::of(date(2027, 7, 31)).half, Half::Spring);
    assert_eq!(Term::of(date(2026, 7, 31)).year, 2025);
    let autumn = Term::of(date(2026, 11, 30));
    assert_eq!(
        (autumn.first_day(), autumn.last_day()),
        (date(2026, 8, 1), date(2027, 1, 31))
    );
    assert_eq!(autumn.code(), "2026a");
}

#[test]
fn a_drill_counts_for_the_term_of_its_school_day_in_the_school_zone() {
    let tz = crate::school::SchoolTimeZone::default();
    let autumn = Term::of(date(2026, 11, 30));
    let spring = Term::of(date(2027, 3, 1));
    let required = |term| TermPlan {
        term,
        required: [(Scenario::Meals, None)].into_iter().collect(),
        replaces: Vec::new(),
    };
    // 31 January 23:30 in Shanghai is 15:30 UTC: the autumn term's last day.
    let late_january = finished_run("d-1", Scenario::Meals, ms(2027, 1, 31, 15, 30));
    let b = book(&late_january);
    let autumn_standing = compliance(&required(autumn), &b.drills.runs, tz, date(2027, 2, 2));
    assert_eq!(
        autumn_standing,
        [(
            Scenario::Meals,
            Standing::Done {
                on: date(2027, 1, 31)
            }
        )]
    );
    // 1 February 00:30 in Shanghai is still 31 January in UTC: spring's.
    let early_february = finished_run("d-2", Scenario::Meals, ms(2027, 1, 31, 16, 30));
    let b = book(&early_february);
    assert_eq!(
        compliance(&required(spring), &b.drills.runs, tz, date(2027, 2, 2)),
        [(
            Scenario::Meals,
            Standing::Done {
                on: date(2027, 2, 1)
            }
        )]
    );
    assert!(matches!(
        compliance(&required(autumn), &b.drills.runs, tz, date(2027, 2, 2))[0].1,
        Standing::Overdue { since } if since == date(2027, 1, 31)
    ));
}

#[test]
fn the_same_instant_counts_for_the_term_of_each_schools_own_day() {
    let shanghai = crate::school::SchoolTimeZone::default();
    let urumqi = crate::school::SchoolTimeZone::parse("Asia/Urumqi").unwrap();
    let spring = Term::of(date(2026, 3, 1));
    let autumn = Term::of(date(2026, 9, 1));
    let required = |term| TermPlan {
        term,
        required: [(Scenario::Meals, None)].into_iter().collect(),
        replaces: Vec::new(),
    };
    // 31 July 17:30 UTC: 1 August 01:30 in Shanghai (autumn's first day), but 31 July
    // 23:30 in Urumqi (spring's last).
    let at = ms(2026, 7, 31, 17, 30);
    let b = book(&finished_run("d-1", Scenario::Meals, at));
    let done = |on| [(Scenario::Meals, Standing::Done { on })];
    let an_hour_later = at + 3_600_000;
    assert_eq!(shanghai.date_at_ms(an_hour_later), date(2026, 8, 1));
    assert_eq!(urumqi.date_at_ms(an_hour_later), date(2026, 8, 1));
    assert_eq!(
        compliance(
            &required(autumn),
            &b.drills.runs,
            shanghai,
            date(2026, 8, 1)
        ),
        done(date(2026, 8, 1))
    );
    assert_eq!(
        compliance(&required(spring), &b.drills.runs, urumqi, date(2026, 8, 1)),
        done(date(2026, 7, 31))
    );
    assert!(!matches!(
        compliance(&required(autumn), &b.drills.runs, urumqi, date(2026, 8, 1))[0].1,
        Standing::Done { .. }
    ));
    assert!(!matches!(
        compliance(
            &required(spring),
            &b.drills.runs,
            shanghai,
            date(2026, 8, 1)
        )[0]
        .1,
        Standing::Done { .. }
    ));
}

#[test]
fn scheduled_due_soon_and_overdue_by_the_date_set() {
    let tz = crate::school::SchoolTimeZone::default();
    let term = Term::of(date(2026, 11, 1));
    let plan = TermPlan {
        term,
        required: [
            (Scenario::SuspectedAtGate, Some(date(2026, 11, 20))),
            (Scenario::Meals, Some(date(2026, 12, 10))),
            (Scenario::Dismissal, Some(date(2027, 1, 10))),
            (Scenario::CloseContact, None),
        ]
        .into_iter()
        .collect(),
        replaces: Vec::new(),
    };
    let today = date(2026, 11, 30);
    let st: BTreeMap<Scenario, Standing> = compliance(&plan, &[], tz, today).into_iter().collect();
    assert_eq!(
        st[&Scenario::SuspectedAtGate],
        Standing::Overdue {
            since: date(2026, 11, 20)
        }
    );
    assert_eq!(
        st[&Scenario::Meals],
        Standing::DueSoon {
            by: date(2026, 12, 10)
        }
    );
    assert_eq!(
        st[&Scenario::Dismissal],
        Standing::Scheduled {
            on: Some(date(2027, 1, 10))
        }
    );
    assert_eq!(
        st[&Scenario::CloseContact],
        Standing::Scheduled { on: None }
    );
    // Unscheduled and the term ends within 30 days: due soon.
    let st = compliance(&plan, &[], tz, date(2027, 1, 5));
    assert!(st.contains(&(
        Scenario::CloseContact,
        Standing::DueSoon {
            by: date(2027, 1, 31)
        }
    )));
    // A date outside its term is refused.
    let mut bad = plan.clone();
    bad.required.insert(Scenario::Meals, Some(date(2027, 3, 1)));
    assert!(bad.validate(&crate::sync::Stream::Drills).is_err());
    assert!(plan.validate(&crate::sync::Stream::Drills).is_ok());
    assert!(plan.validate(&crate::sync::Stream::Supplies).is_err());
}

#[test]
fn the_latest_plan_and_term_win_and_the_template_fills_in() {
    let by = Name::parse("陈建国").unwrap();
    let mut own = templates::template(Scenario::Meals);
    own.steps.truncate(2);
    let term = TermPlan {
        term: Term::of(date(2026, 11, 1)),
        required: [(Scenario::Meals, Some(date(2026, 11, 20)))]
            .into_iter()
            .collect(),
        replaces: Vec::new(),
    };
    let changes = vec![
        (
            Hlc {
                wall: 2,
                counter: 0,
            },
            by.clone(),
            Payload::DrillPlan(own.clone()),
        ),
        (
            Hlc {
                wall: 1,
                counter: 0,
            },
            by.clone(),
            Payload::DrillPlan(templates::template(Scenario::Meals)),
        ),
        (
            Hlc {
                wall: 3,
                counter: 0,
            },
            by.clone(),
            Payload::DrillTerm(term),
        ),
    ];
    let b = book(&changes);
    assert_eq!(b.plan(Scenario::Meals), own);
    assert_eq!(
        b.plan(Scenario::Dismissal),
        templates::template(Scenario::Dismissal)
    );
    let tz = crate::school::SchoolTimeZone::default();
    assert_eq!(
        b.overdue(tz, date(2026, 11, 30)),
        [(Scenario::Meals, date(2026, 11, 20))]
    );
    // Overdue stops once a drill of it is done in the term.
    let mut done = changes.clone();
    done.extend(finished_run("d-9", Scenario::Meals, ms(2026, 11, 29, 2, 0)));
    assert!(book(&done).overdue(tz, date(2026, 11, 30)).is_empty());
}

#[test]
fn the_report_sets_timings_against_targets() {
    let tz = crate::school::SchoolTimeZone::default();
    let at = ms(2026, 11, 30, 2, 0);
    let mut changes = finished_run("d-1", Scenario::SuspectedAtGate, at);
    let by = Name::parse("陈建国").unwrap();
    let first_target = u64::from(templates::template(Scenario::SuspectedAtGate).steps[0].target_s);
    changes.push((
        Hlc {
            wall: at + first_target * 1000,
            counter: 1,
        },
        by,
        Payload::Drill(DrillEvent {
            run: RunId::parse("d-1").unwrap(),
            act: DrillAction::Step { step: 1 },
        }),
    ));
    let b = book(&changes);
    let r = report::DrillReport::of(&b.drills.runs[0], &b.drills, tz);
    assert_eq!(r.started, "2026-11-30 10:00");
    assert_eq!(r.steps[0].actual_s, Some(first_target));
    assert!(!r.steps[0].late);
    assert!(r.steps[1..].iter().all(|s| s.late && s.actual_s.is_none()));
    assert_eq!(r.on_time, 1);
    assert_eq!(report::clock(605), "10:05");
    let owner = |o: Owner| format!("{o:?}");
    let rating = |r: Rating| format!("{r:?}");
    let note = |by: &str, n: &str| format!("{by}: {n}");
    let words = |english| report::CsvWords {
        english,
        owner: &owner,
        rating: &rating,
        note: &note,
    };
    let rows = r.csv_rows(&words(false));
    assert_eq!(rows.len(), r.steps.len());
    assert_eq!(rows[0][1], r.steps[0].zh);
    assert_eq!(rows[0][2], format!("{:?}", r.steps[0].owner));
    assert_eq!(rows[0][4], first_target.to_string());
    assert_eq!((rows[0][5].as_str(), rows[1][5].as_str()), ("0", "1"));
    // English where the plan has it.
    let english = r.csv_rows(&words(true));
    assert_eq!(
        Some(english[0][1].as_str()),
        r.steps[0].en.as_deref().or(Some(r.steps[0].zh.as_str()))
    );
    let summary = report::TermSummary::of(&b, tz, date(2026, 11, 30));
    assert_eq!(summary.done.len(), 1);
}

#[test]
fn a_corrective_action_is_due_from_its_day_to_a_year_later() {
    let tz = crate::school::SchoolTimeZone::default();
    // 30 November 23:30 in Shanghai.
    let written = ms(2026, 11, 30, 15, 30);
    let improve = |due| DrillEvent {
        run: RunId::parse("d-1").unwrap(),
        act: DrillAction::Improve {
            action: ActionId::parse("a-1").unwrap(),
            text: Note::parse("补充体温计").unwrap(),
            owner: Name::parse("陈建国").unwrap(),
            due,
            needs: None,
        },
    };
    for (due, ok) in [
        (date(2026, 11, 29), false),
        (date(2026, 11, 30), true),
        (date(2027, 12, 1), true),
        (date(2027, 12, 2), false),
        (date(2030, 1, 1), false),
    ] {
        let verdict = Payload::Drill(improve(due)).validate_date(tz, written);
        assert_eq!(verdict.is_ok(), ok, "{due}: {verdict:?}");
        assert_eq!(event::due_in_range(due, date(2026, 11, 30)), ok, "{due}");
    }
}
