//! Properties of the fold over random steps by random people: the rules hold after every
//! step, and arrival order never matters.

use proptest::prelude::*;

use super::*;

/// Any step, including staff-only edits and edits that expire early (at 60 ms).
fn any_step() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0..2u8, any::<bool>(), any::<bool>()).prop_map(|(i, staff, expires)| {
            let mut c = content(["一", "二"][i as usize]);
            if staff {
                c.audience = Audience::Staff;
            }
            if expires {
                c.expire_at_ms = Some(60);
            }
            Action::Edit {
                content: Box::new(c),
            }
        }),
        Just(Action::Submit {}),
        Just(ret()),
        Just(Action::Approve {}),
        Just(Action::Withdraw {}),
    ]
}

proptest! {
    /// Whatever the steps and whoever takes them, after each one: an approval comes from
    /// no one who edited or submitted that version; nothing is applied after a withdrawal or
    /// after the live version expired; a public live version never turns staff-only; and a
    /// refused step changes nothing.
    #[test]
    fn the_rules_hold_after_every_step(
        steps in prop::collection::vec((0..3usize, any_step()), 1..16),
    ) {
        let people = [name("陈建国"), name("周校长"), name("王副校长")];
        let log: Vec<(u64, &Name, Action)> = steps
            .iter()
            .enumerate()
            .map(|(i, (who, a))| (i as u64 * 10 + 1, &people[*who], a.clone()))
            .collect();
        for k in 0..log.len() {
            let before = fold(&log[..k]);
            let after = fold(&log[..=k]);
            let (at, who, action) = &log[k];
            if after.refused.len() > before.refused.len() {
                prop_assert_eq!(
                    (&after.working, &after.live, &after.steps, &after.withdrawn),
                    (&before.working, &before.live, &before.steps, &before.withdrawn)
                );
                continue;
            }
            prop_assert!(before.withdrawn.is_none());
            let expired = before
                .live
                .as_ref()
                .and_then(|l| l.content.expire_at_ms)
                .is_some_and(|t| t <= *at);
            prop_assert!(!expired);
            if let Action::Approve {} = action {
                // Who wrote and submitted this version, read from the kept steps.
                let since = before
                    .steps
                    .iter()
                    .rposition(|s| matches!(s.action, StepKind::Approved { .. }))
                    .map_or(0, |i| i + 1);
                let round = &before.steps[since..];
                let mut wrote = round.iter().filter(|s| s.action == StepKind::Edited);
                let submitter = round.iter().rev().find(|s| s.action == StepKind::Submitted);
                prop_assert!(wrote.all(|s| &s.by != *who), "approved by an author");
                prop_assert!(submitter.is_some_and(|s| &s.by != *who), "approved by its submitter");
            }
            let was_public = before.live.as_ref().is_some_and(|l| l.content.audience == Audience::Public);
            let now_public = after.live.as_ref().is_some_and(|l| l.content.audience == Audience::Public);
            prop_assert!(!was_public || now_public, "a public notice went staff-only");
        }
    }
}

proptest! {
    /// Devices receive a notice's events in any order; all fold them to the same notice.
    #[test]
    fn any_arrival_order_folds_to_the_same_notice(
        (log, shuffled) in prop::collection::vec((0..3usize, any_step()), 0..14).prop_flat_map(|events| {
            let stamped: Vec<(u64, usize, Action)> = events.into_iter().enumerate().map(|(i, (who, a))| (i as u64 + 1, who, a)).collect();
            (Just(stamped.clone()), Just(stamped).prop_shuffle())
        }),
    ) {
        let people = [name("陈建国"), name("周校长"), name("刘芳")];
        let as_events = |l: &[(u64, usize, Action)]| l.iter().map(|(t, who, a)| (*t, &people[*who], a.clone())).collect::<Vec<_>>();
        let (a, b) = (fold(&as_events(&log)), fold(&as_events(&shuffled)));
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.steps.len() + a.refused.len(), log.len());
    }
}
