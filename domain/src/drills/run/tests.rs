use proptest::prelude::*;

use super::*;
use crate::drills::templates::template;

fn name(n: &str) -> Name {
    Name::parse(n).unwrap()
}

fn ev(run: &str, act: DrillAction) -> DrillEvent {
    DrillEvent {
        run: RunId::parse(run).unwrap(),
        act,
    }
}

fn start(run: &str, scenario: Scenario) -> DrillEvent {
    ev(
        run,
        DrillAction::Start {
            plan: Box::new(template(scenario)),
            expected: 40,
        },
    )
}

fn note(t: &str) -> Note {
    Note::parse(t).unwrap()
}

fn fold(events: &[(u64, &str, DrillEvent)]) -> Drills {
    let names: Vec<Name> = events.iter().map(|(_, by, _)| name(by)).collect();
    Drills::fold(events.iter().zip(&names).map(|((at, _, e), by)| {
        (
            Hlc {
                wall: *at,
                counter: 0,
            },
            by,
            e,
        )
    }))
}

#[test]
fn two_phones_merge_the_first_tap_is_when_a_step_was_done() {
    let events = vec![
        (1_000, "陈建国", start("d-1", Scenario::SuspectedAtGate)),
        (61_000, "陈建国", ev("d-1", DrillAction::Step { step: 1 })),
        // The doctor's phone taps step 2, and step 1 again later: the first tap stands.
        (121_000, "刘芳", ev("d-1", DrillAction::Step { step: 2 })),
        (130_000, "刘芳", ev("d-1", DrillAction::Step { step: 1 })),
        (
            131_000,
            "刘芳",
            ev(
                "d-1",
                DrillAction::Note {
                    step: 2,
                    note: note("体温计电池没电"),
                },
            ),
        ),
        (
            150_000,
            "陈建国",
            ev("d-1", DrillAction::Headcount { accounted: 38 }),
        ),
        (
            181_000,
            "陈建国",
            ev("d-1", DrillAction::Headcount { accounted: 40 }),
        ),
        (200_000, "陈建国", ev("d-1", DrillAction::Finish {})),
    ];
    let d = fold(&events);
    let run = &d.runs[0];
    assert_eq!(run.actual_s(0), Some(60));
    assert_eq!(run.steps[0].done.as_ref().unwrap().1.as_str(), "陈建国");
    assert_eq!(run.actual_s(1), Some(120));
    assert_eq!(run.steps[1].notes.len(), 1);
    assert_eq!(run.accountability_ms(), Some(180_000));
    assert_eq!(run.accounted(), Some(40));
    assert!(d.refused.is_empty(), "{:?}", d.refused);
}

#[test]
fn every_illegal_event_is_kept_not_applied() {
    let events = vec![
        // Before any start.
        (1, "陈建国", ev("d-1", DrillAction::Step { step: 1 })),
        (2, "陈建国", start("d-1", Scenario::Meals)),
        (3, "刘芳", start("d-1", Scenario::Meals)),
        (4, "陈建国", ev("d-1", DrillAction::Step { step: 0 })),
        (5, "陈建国", ev("d-1", DrillAction::Step { step: 99 })),
        // Review before the end.
        (
            6,
            "周校长",
            ev(
                "d-1",
                DrillAction::Rate {
                    step: 1,
                    rating: Rating::Performed,
                },
            ),
        ),
        (
            7,
            "周校长",
            ev("d-1", DrillAction::Strength { text: note("好") }),
        ),
        (8, "陈建国", ev("d-1", DrillAction::Finish {})),
        // Taps after the end.
        (9, "陈建国", ev("d-1", DrillAction::Step { step: 1 })),
        (
            10,
            "陈建国",
            ev("d-1", DrillAction::Headcount { accounted: 3 }),
        ),
        (11, "陈建国", ev("d-1", DrillAction::Finish {})),
        // Done and re-tested of an action that doesn't exist.
        (
            12,
            "陈建国",
            ev(
                "d-1",
                DrillAction::Done {
                    action: ActionId::parse("a-x").unwrap(),
                    evidence: note("已买"),
                },
            ),
        ),
    ];
    let d = fold(&events);
    let why: Vec<Refused> = d.refused.iter().map(|r| r.why).collect();
    assert_eq!(
        why,
        [
            Refused::NotStarted,
            Refused::AlreadyStarted,
            Refused::NoSuchStep,
            Refused::NoSuchStep,
            Refused::NotFinished,
            Refused::NotFinished,
            Refused::Finished,
            Refused::Finished,
            Refused::Finished,
            Refused::NoSuchAction,
        ]
    );
    assert!(d.runs[0].steps.iter().all(|s| s.done.is_none()));
    assert_eq!(d.runs[0].started_by.as_str(), "陈建国");
}

#[test]
fn an_action_is_done_then_verified_at_the_next_drill_of_its_scenario() {
    let a = ActionId::parse("a-1").unwrap();
    let improve = ev(
        "d-1",
        DrillAction::Improve {
            action: a.clone(),
            text: note("留观室缺备用体温计"),
            owner: name("陈建国"),
            due: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
            needs: Some(Need {
                item: crate::supplies::ItemId::parse("thermometer").unwrap(),
                quantity: 2,
            }),
        },
    );
    let retest = |run: &str, held| {
        ev(
            run,
            DrillAction::Retest {
                action: a.clone(),
                held,
            },
        )
    };
    let mut events = vec![
        (1, "陈建国", start("d-1", Scenario::IsolationTransfer)),
        (2, "陈建国", ev("d-1", DrillAction::Finish {})),
        (3, "周校长", improve.clone()),
        (4, "周校长", improve),
        // Re-tested in the same drill, or in another scenario's: refused.
        (5, "周校长", retest("d-1", true)),
        (6, "陈建国", start("d-2", Scenario::Meals)),
        (7, "周校长", retest("d-2", true)),
    ];
    let d = fold(&events);
    assert_eq!(
        d.refused.iter().map(|r| r.why).collect::<Vec<_>>(),
        [
            Refused::NoSuchAction,
            Refused::WrongDrill,
            Refused::WrongDrill
        ]
    );
    assert_eq!(d.to_retest(Scenario::IsolationTransfer).len(), 1);
    assert!(d.to_retest(Scenario::Meals).is_empty());
    // Open, its equipment is on the order list.
    assert_eq!(d.equipment_needs().len(), 1);

    // Re-tested while still open: it stays open.
    events.push((8, "陈建国", start("d-3", Scenario::IsolationTransfer)));
    events.push((9, "周校长", retest("d-3", true)));
    let d = fold(&events);
    assert_eq!(d.actions[0].status, ActionStatus::Open);
    assert_eq!(
        d.run(&RunId::parse("d-3").unwrap()).unwrap().retested.len(),
        1
    );

    // Done with evidence, then re-tested and held at the next drill: verified, closed.
    events.push((
        10,
        "陈建国",
        ev(
            "d-3",
            DrillAction::Done {
                action: a.clone(),
                evidence: note("已购置2支备用体温计"),
            },
        ),
    ));
    events.push((11, "陈建国", start("d-4", Scenario::IsolationTransfer)));
    events.push((12, "周校长", retest("d-4", true)));
    events.push((13, "周校长", retest("d-4", true)));
    let d = fold(&events);
    assert!(d.equipment_needs().is_empty(), "done: no longer ordered");
    // The fourth drill's review asks about it, answered; the first drill's asks nothing.
    let fourth = d.run(&RunId::parse("d-4").unwrap()).unwrap();
    let asks = d.retest_asks(fourth);
    assert_eq!(asks.len(), 1);
    assert_eq!(asks[0].1, Some(true));
    assert!(
        d.retest_asks(d.run(&RunId::parse("d-1").unwrap()).unwrap())
            .is_empty()
    );
    assert!(matches!(
        &d.actions[0].status,
        ActionStatus::Verified { in_run, .. } if in_run.as_str() == "d-4"
    ));
    assert!(d.to_retest(Scenario::IsolationTransfer).is_empty());
    assert!(d.open_actions().is_empty());
    assert_eq!(d.refused.last().map(|r| r.why), Some(Refused::Closed));

    // A fifth drill of the scenario no longer asks about the action the fourth verified.
    events.push((14, "陈建国", start("d-5", Scenario::IsolationTransfer)));
    let d = fold(&events);
    let fifth = d.run(&RunId::parse("d-5").unwrap()).unwrap();
    assert!(d.retest_asks(fifth).is_empty());
    let fourth = d.run(&RunId::parse("d-4").unwrap()).unwrap();
    assert_eq!(
        d.retest_asks(fourth).len(),
        1,
        "its own drill still shows it"
    );
}

#[test]
fn head_counts_of_two_counters_add_up_each_counters_latest_standing() {
    let count = |n| ev("d-1", DrillAction::Headcount { accounted: n });
    let events = vec![
        (1_000, "陈建国", start("d-1", Scenario::Dismissal)),
        // The east gate's counter, then the west gate's: 40 expected in all.
        (61_000, "陈建国", count(15)),
        (91_000, "刘芳", count(18)),
        // The east gate recounts: its latest replaces its earlier count.
        (121_000, "陈建国", count(21)),
        (151_000, "陈建国", count(22)),
        (181_000, "刘芳", count(19)),
    ];
    let d = fold(&events);
    let run = &d.runs[0];
    assert_eq!(run.accounted(), Some(41));
    assert_eq!(
        run.counters()
            .iter()
            .map(|(by, n)| (by.as_str(), *n))
            .collect::<Vec<_>>(),
        [("陈建国", 22), ("刘芳", 19)]
    );
    // 21 + 18 = 39 at 121 s; 22 + 18 = 40 at 151 s.
    assert_eq!(run.accountability_ms(), Some(150_000));
    let none = fold(&events[..1]);
    assert_eq!(none.runs[0].accounted(), None);
    assert_eq!(none.runs[0].accountability_ms(), None);
}

#[test]
fn a_rating_is_kept_after_the_end_and_a_later_one_replaces_it() {
    let rate = |step, rating| ev("d-1", DrillAction::Rate { step, rating });
    let events = vec![
        (1, "陈建国", start("d-1", Scenario::Meals)),
        (2, "陈建国", ev("d-1", DrillAction::Finish {})),
        (3, "周校长", rate(1, Rating::SomeChallenges)),
        (4, "周校长", rate(2, Rating::Unable)),
        (5, "周校长", rate(1, Rating::Performed)),
        (6, "周校长", rate(99, Rating::Performed)),
    ];
    let d = fold(&events);
    let run = &d.runs[0];
    assert_eq!(run.steps[0].rating, Some(Rating::Performed));
    assert_eq!(run.steps[1].rating, Some(Rating::Unable));
    assert!(run.steps[2..].iter().all(|s| s.rating.is_none()));
    assert_eq!(
        d.refused.iter().map(|r| r.why).collect::<Vec<_>>(),
        [Refused::NoSuchStep]
    );
}

#[test]
fn a_retest_that_did_not_hold_reopens_a_done_action() {
    let a = ActionId::parse("a-1").unwrap();
    let events = vec![
        (1, "陈建国", start("d-1", Scenario::Dismissal)),
        (2, "陈建国", ev("d-1", DrillAction::Finish {})),
        (
            3,
            "周校长",
            ev(
                "d-1",
                DrillAction::Improve {
                    action: a.clone(),
                    text: note("放学分流不清"),
                    owner: name("陈建国"),
                    due: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                    needs: None,
                },
            ),
        ),
        (
            4,
            "陈建国",
            ev(
                "d-1",
                DrillAction::Done {
                    action: a.clone(),
                    evidence: note("画了分流线"),
                },
            ),
        ),
        (5, "陈建国", start("d-2", Scenario::Dismissal)),
        (
            6,
            "周校长",
            ev(
                "d-2",
                DrillAction::Retest {
                    action: a,
                    held: false,
                },
            ),
        ),
    ];
    let d = fold(&events);
    assert_eq!(d.actions[0].status, ActionStatus::Open);
}

proptest! {
    /// Whatever order the taps of two phones arrive in, every device folds the same drill.
    #[test]
    fn any_arrival_order_folds_the_same(order in Just((0..9usize).collect::<Vec<_>>()).prop_shuffle()) {
        let events = vec![
            (1_000, "陈建国", start("d-1", Scenario::EntryScreening)),
            (2_000, "陈建国", ev("d-1", DrillAction::Step { step: 1 })),
            (2_000, "刘芳", ev("d-1", DrillAction::Step { step: 1 })),
            (3_000, "刘芳", ev("d-1", DrillAction::Step { step: 2 })),
            (3_500, "刘芳", ev("d-1", DrillAction::Note { step: 2, note: note("队伍拥挤") })),
            (4_000, "陈建国", ev("d-1", DrillAction::Headcount { accounted: 40 })),
            (5_000, "陈建国", ev("d-1", DrillAction::Finish {})),
            (6_000, "刘芳", ev("d-1", DrillAction::Step { step: 3 })),
            (7_000, "周校长", ev("d-1", DrillAction::Rate { step: 1, rating: Rating::SomeChallenges })),
        ];
        let reference = fold(&events);
        let shuffled: Vec<_> = order.iter().map(|&i| events[i].clone()).collect();
        prop_assert_eq!(fold(&shuffled), reference);
    }
}
