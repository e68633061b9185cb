use super::*;
use crate::notices::{NoticeBody, NoticeTitle};

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn content(title: &str) -> Content {
    Content {
        title_zh: NoticeTitle::parse(title).unwrap(),
        body_zh: NoticeBody::parse("请家长配合做好晨检。").unwrap(),
        title_en: None,
        body_en: None,
        category: Category::Prevention,
        audience: Audience::Public,
        pinned: false,
        publish_at_ms: None,
        expire_at_ms: None,
    }
}

fn edit(title: &str) -> Action {
    Action::Edit {
        content: Box::new(content(title)),
    }
}

fn staff_edit(title: &str) -> Action {
    let mut c = content(title);
    c.audience = Audience::Staff;
    Action::Edit {
        content: Box::new(c),
    }
}

fn ret() -> Action {
    Action::Return {
        comment: Comment::parse("请补充联系电话").unwrap(),
    }
}

/// A notice's events: when (ms), who and what.
type Log<'a> = Vec<(u64, &'a Name, Action)>;

fn fold(events: &[(u64, &Name, Action)]) -> Notice {
    Notice::fold(
        NoticeId::parse("n-1").unwrap(),
        events.iter().map(|(t, by, a)| {
            (
                Hlc {
                    wall: *t,
                    counter: 0,
                },
                *by,
                a,
            )
        }),
    )
}

#[test]
fn drafted_returned_fixed_approved_amended_withdrawn() {
    let (logistics, principal) = (name("陈建国"), name("周校长"));
    let mut log = vec![
        (1, &logistics, edit("冬季传染病预防")),
        (2, &logistics, Action::Submit {}),
        (3, &principal, ret()),
        (4, &logistics, edit("冬季传染病预防提示")),
        (5, &logistics, Action::Submit {}),
        (6, &principal, Action::Approve {}),
    ];
    let n = fold(&log);
    assert_eq!(n.status(10), Status::Published);
    assert_eq!(
        n.live.as_ref().unwrap().content.title_zh.as_str(),
        "冬季传染病预防提示"
    );
    assert!(n.public(10).is_some());
    assert!(n.updates().is_empty());
    // An amendment goes through approval again; the published version stays until then.
    log.push((7, &logistics, edit("冬季传染病预防提示（更新）")));
    log.push((8, &logistics, Action::Submit {}));
    let pending = fold(&log);
    assert_eq!(pending.live.as_ref().unwrap().version, 1);
    assert_eq!(pending.status(10), Status::Published);
    log.push((9, &principal, Action::Approve {}));
    let amended = fold(&log);
    assert_eq!(amended.live.as_ref().unwrap().version, 2);
    assert_eq!(amended.updates(), vec![(2, 9)]);
    log.push((11, &principal, Action::Withdraw {}));
    let gone = fold(&log);
    assert_eq!(gone.status(12), Status::Withdrawn);
    assert!(gone.public(12).is_none());
    // Every transition is kept, with who and when.
    let kinds: Vec<_> = gone
        .steps
        .iter()
        .map(|s| (s.at_ms, s.by.as_str()))
        .collect();
    assert_eq!(kinds.len(), 10);
    assert!(gone.refused.is_empty());
    // Withdrawn is final.
    log.push((13, &logistics, edit("再发一次")));
    assert_eq!(fold(&log).refused[0].why, Refused::Withdrawn);
}

#[test]
fn the_update_history_lists_each_approved_amendment_newest_first() {
    let (logistics, principal) = (name("陈建国"), name("周校长"));
    let mut log = vec![
        (1, &logistics, edit("通知")),
        (2, &logistics, Action::Submit {}),
        (3, &principal, Action::Approve {}),
    ];
    for (k, t) in [(0u64, 10u64), (1, 20), (2, 30)] {
        log.push((
            t,
            &logistics,
            edit(["更新一", "更新二", "更新三"][k as usize]),
        ));
        log.push((t + 1, &logistics, Action::Submit {}));
        // The second amendment is returned, not approved: not an update.
        if k == 1 {
            log.push((t + 2, &principal, ret()));
            log.push((t + 3, &logistics, edit("更新二（改）")));
            log.push((t + 4, &logistics, Action::Submit {}));
        }
        log.push((t + 5, &principal, Action::Approve {}));
    }
    let n = fold(&log);
    assert_eq!(n.updates(), vec![(4, 35), (3, 25), (2, 15)]);
    assert_eq!(
        n.live.as_ref().map(|l| l.content.title_zh.as_str()),
        Some("更新三")
    );
}

#[test]
fn the_author_cannot_approve_and_illegal_steps_are_kept_not_applied() {
    let (a, b) = (name("周校长"), name("王副校长"));
    // An admin who drafted and submitted can't approve it herself.
    let own = fold(&[
        (1, &a, edit("通知")),
        (2, &a, Action::Submit {}),
        (3, &a, Action::Approve {}),
    ]);
    assert_eq!(own.refused[0].why, Refused::OwnSubmission);
    assert!(own.live.is_none());
    // Nor can an approver who edited the submitted version's text.
    let edited = fold(&[
        (1, &a, edit("通知")),
        (2, &b, edit("通知（改）")),
        (3, &a, Action::Submit {}),
        (4, &b, Action::Approve {}),
    ]);
    assert_eq!(edited.refused[0].why, Refused::OwnSubmission);
    // Nor an admin who wrote the first draft that someone else then edited and submitted.
    let c = name("陈建国");
    let first_draft = fold(&[
        (1, &a, edit("通知")),
        (2, &c, edit("通知（改）")),
        (3, &c, Action::Submit {}),
        (4, &a, Action::Approve {}),
    ]);
    assert_eq!(first_draft.refused[0].why, Refused::OwnSubmission);
    assert!(first_draft.live.is_none());
    // The next version's authors start afresh: she may approve an amendment she didn't write.
    let amendment = fold(&[
        (1, &a, edit("通知")),
        (2, &a, Action::Submit {}),
        (3, &b, Action::Approve {}),
        (4, &c, edit("通知（更新）")),
        (5, &c, Action::Submit {}),
        (6, &a, Action::Approve {}),
    ]);
    assert!(amendment.refused.is_empty(), "{:?}", amendment.refused);
    assert_eq!(amendment.live.as_ref().map(|l| l.version), Some(2));
    // Each action where it is not allowed.
    let cases: Vec<(Log, Action, Refused)> = vec![
        (vec![], Action::Submit {}, Refused::NothingToSubmit),
        (vec![], Action::Approve {}, Refused::NotSubmitted),
        (vec![], ret(), Refused::NotSubmitted),
        (vec![], Action::Withdraw {}, Refused::NotPublished),
        (
            vec![(1, &a, edit("x"))],
            Action::Approve {},
            Refused::NotSubmitted,
        ),
        (vec![(1, &a, edit("x"))], ret(), Refused::NotSubmitted),
        (
            vec![(1, &a, edit("x"))],
            Action::Withdraw {},
            Refused::NotPublished,
        ),
        (
            vec![(1, &a, edit("x")), (2, &a, Action::Submit {})],
            Action::Submit {},
            Refused::NothingToSubmit,
        ),
        (
            vec![(1, &a, edit("x")), (2, &a, Action::Submit {})],
            edit("y"),
            Refused::AwaitingReview,
        ),
        (
            vec![
                (1, &a, edit("x")),
                (2, &a, Action::Submit {}),
                (3, &b, ret()),
            ],
            Action::Approve {},
            Refused::NotSubmitted,
        ),
        (
            vec![
                (1, &a, edit("x")),
                (2, &a, Action::Submit {}),
                (3, &b, Action::Approve {}),
            ],
            Action::Submit {},
            Refused::NothingToSubmit,
        ),
        (
            vec![
                (1, &a, edit("x")),
                (2, &a, Action::Submit {}),
                (3, &b, Action::Approve {}),
            ],
            Action::Approve {},
            Refused::NotSubmitted,
        ),
        (
            vec![
                (1, &a, edit("x")),
                (2, &a, Action::Submit {}),
                (3, &b, ret()),
            ],
            ret(),
            Refused::NotSubmitted,
        ),
        // A public notice is amended to staff-only: refused, it stays public.
        (
            vec![
                (1, &a, edit("x")),
                (2, &a, Action::Submit {}),
                (3, &b, Action::Approve {}),
            ],
            staff_edit("y"),
            Refused::StaysPublic,
        ),
    ];
    // After a withdrawal, and after the live version expired, every action is refused.
    let published = |expire_at_ms| {
        let mut c = content("x");
        c.expire_at_ms = expire_at_ms;
        vec![
            (
                1,
                &a,
                Action::Edit {
                    content: Box::new(c),
                },
            ),
            (2, &a, Action::Submit {}),
            (3, &b, Action::Approve {}),
        ]
    };
    let mut withdrawn = published(None);
    withdrawn.push((4, &b, Action::Withdraw {}));
    let mut amended_then_withdrawn = published(None);
    amended_then_withdrawn.push((4, &a, edit("y")));
    amended_then_withdrawn.push((5, &a, Action::Submit {}));
    amended_then_withdrawn.push((6, &b, Action::Withdraw {}));
    let mut cases = cases;
    for action in [
        edit("z"),
        Action::Submit {},
        ret(),
        Action::Approve {},
        Action::Withdraw {},
    ] {
        cases.push((withdrawn.clone(), action.clone(), Refused::Withdrawn));
        cases.push((
            amended_then_withdrawn.clone(),
            action.clone(),
            Refused::Withdrawn,
        ));
        // Expired at 50; the action comes at 100.
        cases.push((published(Some(50)), action, Refused::Expired));
    }
    for (before, action, why) in cases {
        let mut log = before.clone();
        log.push((100, &b, action.clone()));
        let n = fold(&log);
        assert_eq!(n.refused.len(), 1, "{action:?} after {before:?}");
        assert_eq!(n.refused[0].why, why, "{action:?} after {before:?}");
        // Refused changes nothing.
        let without = fold(&before);
        assert_eq!(
            (n.working, n.live, n.steps),
            (without.working, without.live, without.steps)
        );
    }
}

#[test]
fn scheduled_staff_only_and_expired_notices_stay_off_the_public_page() {
    let (a, b) = (name("陈建国"), name("周校长"));
    let at = |c: Content| Action::Edit {
        content: Box::new(c),
    };
    let mut scheduled = content("演练通知");
    scheduled.category = Category::Drill;
    scheduled.publish_at_ms = Some(1_000);
    scheduled.expire_at_ms = Some(2_000);
    let n = fold(&[
        (1, &a, at(scheduled)),
        (2, &a, Action::Submit {}),
        (3, &b, Action::Approve {}),
    ]);
    assert_eq!(n.status(999), Status::Scheduled);
    assert!(n.public(999).is_none());
    assert!(n.public(1_000).is_some());
    assert_eq!(n.status(2_000), Status::Expired);
    assert!(n.public(2_000).is_none());
    let mut staff = content("教职工会议");
    staff.audience = Audience::Staff;
    let n = fold(&[
        (1, &a, at(staff)),
        (2, &a, Action::Submit {}),
        (3, &b, Action::Approve {}),
    ]);
    assert_eq!(n.status(5), Status::Published);
    assert!(n.public(5).is_none());
    // Half an English version, or an expiry before publication, is refused at the door.
    let mut half = content("x");
    half.title_en = Some(NoticeTitle::parse("Notice").unwrap());
    assert!(half.validate().is_err());
    let mut backwards = content("x");
    backwards.publish_at_ms = Some(5);
    backwards.expire_at_ms = Some(5);
    assert!(backwards.validate().is_err());
}

// The properties every fold keeps, over random steps.
mod properties;

#[test]
fn each_person_is_offered_what_they_may_do() {
    use crate::school::Role;
    let (logistics, principal, deputy) = (name("陈建国"), name("周校长"), name("王副校长"));
    let drafted = fold(&[(1, &logistics, edit("通知"))]);
    assert_eq!(
        drafted.offers(&logistics, Role::Logistics, 0),
        vec![Offer::Edit, Offer::Submit]
    );
    assert!(drafted.offers(&logistics, Role::Teacher, 0).is_empty());
    let submitted = fold(&[
        (1, &principal, edit("通知")),
        (2, &principal, Action::Submit {}),
    ]);
    // Her own submission: nothing to review; another admin reviews it.
    assert!(submitted.offers(&principal, Role::Admin, 0).is_empty());
    assert_eq!(
        submitted.offers(&deputy, Role::Admin, 0),
        vec![Offer::Review]
    );
    assert!(submitted.offers(&logistics, Role::Logistics, 0).is_empty());
    let live = fold(&[
        (1, &logistics, edit("通知")),
        (2, &logistics, Action::Submit {}),
        (3, &principal, Action::Approve {}),
    ]);
    assert_eq!(
        live.offers(&principal, Role::Admin, 0),
        vec![Offer::Edit, Offer::Withdraw]
    );
    assert_eq!(
        live.offers(&logistics, Role::Logistics, 0),
        vec![Offer::Edit]
    );
    // Times are typed in the school's zone: 08:00 in Shanghai is midnight UTC.
    let tz = crate::school::SchoolTimeZone::default();
    let ms = tz.ms_of_local("2026-12-01T08:00").unwrap();
    assert_eq!(ms, 1_796_083_200_000);
    assert_eq!(
        tz.local_field_at_ms(ms).as_deref(),
        Some("2026-12-01T08:00")
    );
    assert_eq!(tz.ms_of_local("2026-12-01 08:00"), None);
    let id = new_notice_id(|_| false, 1_795_392_000_000);
    assert!(NoticeId::parse(id.as_str()).is_ok());
}

#[test]
fn a_persons_steps_not_applied_are_told_until_a_later_step_of_hers_takes_effect() {
    let (a, b) = (name("陈建国"), name("周校长"));
    let mut log = vec![
        (1, &a, edit("通知")),
        (2, &a, Action::Submit {}),
        // She taps submit twice: the second has nothing to submit.
        (3, &a, Action::Submit {}),
    ];
    let n = fold(&log);
    let told: Vec<_> = n.not_applied_for(&a).iter().map(|r| r.why).collect();
    assert_eq!(told, [Refused::NothingToSubmit]);
    assert!(n.not_applied_for(&b).is_empty(), "not her step");
    // Returned, she edits again: that step took effect, so the old one is answered.
    log.push((4, &b, ret()));
    log.push((5, &a, edit("通知（改）")));
    assert!(fold(&log).not_applied_for(&a).is_empty());
    // The principal withdraws nothing (not published): hers to be told.
    log.push((6, &b, Action::Withdraw {}));
    let told: Vec<_> = fold(&log)
        .not_applied_for(&b)
        .iter()
        .map(|r| r.why)
        .collect();
    assert_eq!(told, [Refused::NotPublished]);
}
