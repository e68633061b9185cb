//! The public board from the notices' events: the Worker keeps every notice event it stores
//! under its own key, and rebuilds the board from them whenever one arrives. Only what
//! [`Notice::public`] lets through reaches it: approved, public, past its publication time,
//! not expired or withdrawn; never a draft, a returned version or a staff-only notice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::workflow::{Notice, NoticeEvent, NoticeId};
use super::{PublicBoard, PublishedNotice};
use crate::school::{SchoolId, SchoolProfile};
use crate::sync::{Hlc, OpId};
use crate::text::Name;

/// A notice event as the Worker keeps it for the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeptEvent {
    pub id: OpId,
    pub hlc: Hlc,
    pub by: Name,
    pub event: NoticeEvent,
}

/// Where the Worker keeps the school's notice events, one key each.
pub fn events_prefix(school: &SchoolId) -> String {
    format!("v1/{school}/notices/ev/")
}

/// An event's key: its notice, then its op's identity (unique, so keeping it again after a
/// retried push writes the same key).
pub fn event_key(school: &SchoolId, e: &KeptEvent) -> String {
    format!(
        "{}{}/{}.{:010}.{}",
        events_prefix(school),
        e.event.notice,
        e.id.device,
        e.id.seq.get(),
        e.id.k
    )
}

/// The board at `now_ms` from every kept event (in any order, repeats allowed). Notices
/// that no event names (written into the board by hand, like the demo's) are kept from the
/// previous board; a notice with events is always what its events make it, so a withdrawn
/// or expired one leaves the board.
pub fn board(
    profile: &SchoolProfile,
    previous: Option<&PublicBoard>,
    events: &[KeptEvent],
    now_ms: u64,
) -> PublicBoard {
    let mut unique: BTreeMap<&OpId, &KeptEvent> = BTreeMap::new();
    for e in events {
        unique.insert(&e.id, e);
    }
    let mut by_notice: BTreeMap<&NoticeId, Vec<&KeptEvent>> = BTreeMap::new();
    for e in unique.into_values() {
        by_notice.entry(&e.event.notice).or_default().push(e);
    }
    let mut notices: Vec<PublishedNotice> = previous
        .map(|b| {
            b.notices
                .iter()
                .filter(|n| !by_notice.keys().any(|id| id.as_str() == n.id))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for (id, events) in &by_notice {
        let notice = Notice::fold(
            (*id).clone(),
            events.iter().map(|e| (e.hlc, &e.by, &e.event.step)),
        );
        if let Some(live) = notice.public(now_ms) {
            // Published when first approved (or at its publication time, if later); each
            // later approval is an update.
            let first_approval = notice
                .steps
                .iter()
                .find(|s| matches!(s.action, super::workflow::StepKind::Approved { .. }))
                .map_or(live.approved_at_ms, |s| s.at_ms);
            let shown_from = live
                .content
                .publish_at_ms
                .unwrap_or(first_approval)
                .max(first_approval);
            let at = |ms: u64| {
                chrono::DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(0))
                    .unwrap_or_default()
            };
            notices.push(PublishedNotice {
                id: id.to_string(),
                title: live.content.title_zh.clone(),
                body: live.content.body_zh.clone(),
                title_en: live.content.title_en.clone(),
                body_en: live.content.body_en.clone(),
                drill: live.content.category == super::workflow::Category::Drill,
                pinned: live.content.pinned,
                updates: notice.updates().into_iter().map(|(_, ms)| at(ms)).collect(),
                published_at: chrono::DateTime::from_timestamp_millis(
                    i64::try_from(shown_from).unwrap_or(0),
                )
                .unwrap_or_default(),
                approved_by: live.approved_by.clone(),
            });
        }
    }
    let updated_at = chrono::DateTime::from_timestamp_millis(i64::try_from(now_ms).unwrap_or(0))
        .unwrap_or_default();
    PublicBoard::new(
        profile,
        previous.map_or(1, |b| b.revision + 1),
        updated_at,
        notices,
        previous.map(|b| b.contacts.clone()).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::workflow::{Action, Audience, Category, Comment, Content};
    use crate::notices::{NoticeBody, NoticeTitle};
    use crate::sync::{DeviceId, Seq, Stream};

    fn kept(k: u16, wall: u64, by: &str, notice: &str, step: Action) -> KeptEvent {
        KeptEvent {
            id: OpId {
                device: DeviceId::parse("pc-office01").unwrap(),
                stream: Stream::Notices,
                seq: Seq::FIRST,
                k,
            },
            hlc: Hlc { wall, counter: 0 },
            by: Name::parse(by).unwrap(),
            event: NoticeEvent {
                notice: NoticeId::parse(notice).unwrap(),
                step,
            },
        }
    }

    fn edit(title: &str, audience: Audience) -> Action {
        Action::Edit {
            content: Box::new(Content {
                title_zh: NoticeTitle::parse(title).unwrap(),
                body_zh: NoticeBody::parse("正文 PRIVATE-MARKER-BODY").unwrap(),
                title_en: None,
                body_en: None,
                category: Category::Prevention,
                audience,
                pinned: false,
                publish_at_ms: None,
                expire_at_ms: None,
            }),
        }
    }

    #[test]
    fn only_approved_public_notices_reach_the_board_and_a_withdrawn_one_leaves_it() {
        let profile = crate::demo::school();
        let previous = crate::demo::public_board(crate::demo::seeded_at());
        let mut events = vec![
            // Published.
            kept(0, 1, "陈建国", "n-a", edit("公开通知", Audience::Public)),
            kept(1, 2, "陈建国", "n-a", Action::Submit {}),
            kept(2, 3, "周校长", "n-a", Action::Approve {}),
            // Staff only, approved: never public.
            kept(
                3,
                4,
                "陈建国",
                "n-b",
                edit("STAFF-ONLY-MARKER", Audience::Staff),
            ),
            kept(4, 5, "陈建国", "n-b", Action::Submit {}),
            kept(5, 6, "周校长", "n-b", Action::Approve {}),
            // Returned: never public.
            kept(
                6,
                7,
                "陈建国",
                "n-c",
                edit("RETURNED-MARKER", Audience::Public),
            ),
            kept(7, 8, "陈建国", "n-c", Action::Submit {}),
            kept(
                8,
                9,
                "周校长",
                "n-c",
                Action::Return {
                    comment: Comment::parse("改").unwrap(),
                },
            ),
            // Approved by its own author: refused, never public.
            kept(
                9,
                10,
                "周校长",
                "n-d",
                edit("SELF-APPROVED-MARKER", Audience::Public),
            ),
            kept(10, 11, "周校长", "n-d", Action::Submit {}),
            kept(11, 12, "周校长", "n-d", Action::Approve {}),
        ];
        // Repeats (a retried push) change nothing.
        events.push(events[0].clone());
        let board = board(&profile, Some(&previous), &events, 100);
        let text = serde_json::to_string(&board).unwrap();
        assert!(text.contains("公开通知"));
        for private in [
            "STAFF-ONLY-MARKER",
            "RETURNED-MARKER",
            "SELF-APPROVED-MARKER",
        ] {
            assert!(!text.contains(private), "{private} reached the board");
        }
        // The demo's hand-written notice and the contacts stay.
        assert_eq!(board.notices.len(), 2);
        assert_eq!(board.contacts, previous.contacts);
        assert_eq!(board.revision, previous.revision + 1);
        // A rebuild with nothing new shows the same (the Worker then writes nothing).
        assert!(super::board(&profile, Some(&board), &events, 100).same_content(&board));
        // Withdrawn: gone at the next rebuild.
        events.push(kept(12, 20, "周校长", "n-a", Action::Withdraw {}));
        let after = super::board(&profile, Some(&board), &events, 100);
        assert_eq!(after.notices.len(), 1);
        assert!(!serde_json::to_string(&after).unwrap().contains("公开通知"));
        let key = event_key(&profile.id, &events[0]);
        assert_eq!(key, "v1/demo/notices/ev/n-a/pc-office01.0000000001.0");
    }
}
