//! Plans and term plans written on two devices at once: the version not kept is shown
//! until someone saves over both (see `crate::sync::versions`).

use chrono::NaiveDate;

use super::*;
use crate::changes::Payload;
use crate::sync::Hlc;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn book(changes: &[(Hlc, Name, Payload)]) -> DrillBook {
    DrillBook::of(changes.iter().map(|(h, b, p)| (*h, b, p)))
}

#[test]
fn a_plan_written_alongside_the_kept_one_is_shown_until_saved_over() {
    let at = |wall| Hlc { wall, counter: 0 };
    let name = |n: &str| Name::parse(n).unwrap();
    let (zhou, chen) = (name("周校长"), name("陈建国"));
    let first = templates::template(Scenario::Meals);
    let mut officer = first.clone();
    officer.steps.truncate(2);
    officer.replaces = vec![at(1)];
    let mut principal = first.clone();
    principal.steps.truncate(3);
    principal.replaces = vec![at(1)];
    let mut changes = vec![
        (at(1), zhou.clone(), Payload::DrillPlan(first.clone())),
        (at(9), zhou.clone(), Payload::DrillPlan(principal.clone())),
        (at(5), chen.clone(), Payload::DrillPlan(officer.clone())),
    ];
    let b = book(&changes);
    assert_eq!(b.plan(Scenario::Meals), principal);
    let (replaced, unseen) = b.plan_versions.get(&Scenario::Meals).unwrap();
    assert_eq!(replaced, &vec![at(9), at(5)]);
    assert_eq!(
        unseen,
        &vec![crate::sync::versions::Unseen {
            at: at(5),
            by: chen.clone(),
            record: officer
        }]
    );
    let mut merged = principal;
    merged.replaces = replaced.clone();
    changes.push((at(12), chen, Payload::DrillPlan(merged.clone())));
    let b = book(&changes);
    assert_eq!(b.plan(Scenario::Meals), merged);
    assert!(b.plan_versions[&Scenario::Meals].1.is_empty());
    // Two first edits over the template, each made without the other: the earlier shown.
    let empty = book(&[]);
    let over_template = empty.replaced_by_edit(Scenario::Dismissal);
    assert_eq!(over_template, vec![Hlc::default()]);
    let mut a = templates::template(Scenario::Dismissal);
    a.steps.truncate(1);
    a.replaces = over_template.clone();
    let mut b2 = templates::template(Scenario::Dismissal);
    b2.replaces = over_template;
    let firsts = book(&[
        (at(3), name("陈建国"), Payload::DrillPlan(a)),
        (at(4), name("周校长"), Payload::DrillPlan(b2.clone())),
    ]);
    assert_eq!(firsts.plan(Scenario::Dismissal), b2);
    assert_eq!(firsts.plan_versions[&Scenario::Dismissal].1.len(), 1);
    // More versions than a person could have seen: refused.
    merged.replaces = (0..33).map(at).collect();
    assert!(merged.validate(&crate::sync::Stream::Drills).is_err());
}

#[test]
fn a_term_plan_written_alongside_the_kept_one_is_shown_until_saved_over() {
    let at = |wall| Hlc { wall, counter: 0 };
    let name = |n: &str| Name::parse(n).unwrap();
    let (zhou, chen) = (name("周校长"), name("陈建国"));
    let term = Term::of(date(2026, 11, 1));
    let requiring = |pairs: &[(Scenario, Option<NaiveDate>)], replaces: Vec<Hlc>| TermPlan {
        term,
        required: pairs.iter().copied().collect(),
        replaces,
    };
    // Nothing set yet: the first plans, each made offline without the other.
    let empty = book(&[]);
    let over_nothing = empty.replaced_by_term_edit(term);
    assert_eq!(over_nothing, vec![Hlc::default()]);
    let principal = requiring(&[(Scenario::Meals, None)], over_nothing.clone());
    let officer = requiring(
        &[(Scenario::Dismissal, Some(date(2026, 12, 3)))],
        over_nothing.clone(),
    );
    let mut changes = vec![
        (at(7), chen.clone(), Payload::DrillTerm(officer.clone())),
        (at(4), zhou.clone(), Payload::DrillTerm(principal.clone())),
    ];
    let b = book(&changes);
    assert_eq!(b.terms[&term], officer);
    let (replaced, unseen) = &b.term_versions[&term];
    assert_eq!(replaced, &vec![at(7), at(4)]);
    assert_eq!(unseen.len(), 1);
    assert_eq!(unseen[0].record, principal);
    assert_eq!(unseen[0].by, zhou);
    // Saved over both: shown no more, in any order.
    let merged = requiring(
        &[
            (Scenario::Meals, None),
            (Scenario::Dismissal, Some(date(2026, 12, 3))),
        ],
        b.replaced_by_term_edit(term),
    );
    changes.push((at(9), zhou.clone(), Payload::DrillTerm(merged.clone())));
    changes.reverse();
    let b = book(&changes);
    assert_eq!(b.terms[&term], merged);
    assert!(b.term_versions[&term].1.is_empty());
    // Two plans requiring the same lose nothing: not shown.
    let same = book(&[
        (at(1), zhou, Payload::DrillTerm(principal.clone())),
        (at(2), chen, Payload::DrillTerm(principal.clone())),
    ]);
    assert!(same.term_versions[&term].1.is_empty());
    // More versions than a person could have seen: refused.
    let many = requiring(&[(Scenario::Meals, None)], (0..33).map(at).collect());
    assert!(matches!(
        many.validate(&crate::sync::Stream::Drills),
        Err(crate::refusals::OpInvalid::OutOfRange { .. })
    ));
}
