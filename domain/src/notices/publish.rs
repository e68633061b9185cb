//! The public board from the notices' events: the Worker keeps every notice event it stores
//! under its own key, and rebuilds the board from them whenever one arrives. Only what
//! [`Notice::public`] lets through reaches it: approved, public, past its publication time,
//! not expired or withdrawn; never a draft, a returned version or a staff-only notice.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::contacts::{self, EmergencyContact};
use super::workflow::{Audience, Live, Notice, NoticeEvent, NoticeId, StepKind};
use super::{EndReason, Ended, PublicBoard, PublishedNotice};
use crate::school::{SchoolId, SchoolProfile};
use crate::sync::{Hlc, OpId};
use crate::text::Name;

/// What the Worker keeps for the board: a notice's event, or a contact's write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Kept {
    Notice(NoticeEvent),
    Contact(EmergencyContact),
}

/// A notice event or contact write as the Worker keeps it for the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeptEvent {
    pub id: OpId,
    pub hlc: Hlc,
    pub by: Name,
    pub event: Kept,
}

/// Where the Worker keeps the school's notice events and contact writes, one key each.
pub fn events_prefix(school: &SchoolId) -> String {
    format!("v1/{school}/notices/ev/")
}

/// An event's key: its notice (or `contact.` and the contact), then its op's identity
/// (unique, so keeping it again after a retried push writes the same key).
pub fn event_key(school: &SchoolId, e: &KeptEvent) -> String {
    let subject = match &e.event {
        Kept::Notice(n) => n.notice.to_string(),
        // Ids are a-z, 0-9, '-' and '_': the dot keeps contacts apart from notices.
        Kept::Contact(c) => format!("contact.{}", c.id),
    };
    format!(
        "{}{subject}/{}.{:010}.{}",
        events_prefix(school),
        e.id.device,
        e.id.seq.get(),
        e.id.k
    )
}

fn time(ms: u64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX)).unwrap_or_default()
}

/// The board at `now_ms` from every kept event (in any order, repeats allowed). Notices
/// that no event names (written into the board by hand, like the demo's) are kept from the
/// previous board; a notice with events is always what its events make it, so a withdrawn
/// or expired one moves to the archive. The contacts are the latest write of each, or the
/// previous board's for those never written.
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
    let mut contact_writes = Vec::new();
    for e in unique.into_values() {
        match &e.event {
            Kept::Notice(n) => by_notice.entry(&n.notice).or_default().push(e),
            Kept::Contact(c) => contact_writes.push((e.hlc, &e.by, c)),
        }
    }
    let hand_written = |list: fn(&PublicBoard) -> &Vec<PublishedNotice>| -> Vec<PublishedNotice> {
        previous
            .map(|b| {
                list(b)
                    .iter()
                    .filter(|n| !by_notice.keys().any(|id| id.as_str() == n.id))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut notices = hand_written(|b| &b.notices);
    let mut archive = hand_written(|b| &b.archive);
    let mut next_change: Option<u64> = None;
    for (id, events) in &by_notice {
        let notice = Notice::fold(
            (*id).clone(),
            events.iter().filter_map(|e| match &e.event {
                Kept::Notice(n) => Some((e.hlc, &e.by, &n.step)),
                Kept::Contact(_) => None,
            }),
        );
        let Some(live) = notice.live.as_ref() else {
            continue;
        };
        if live.content.audience != Audience::Public {
            continue;
        }
        let shown_from = shown_from(&notice, live);
        let ended = match (notice.withdrawn.as_ref(), live.content.expire_at_ms) {
            (Some((_, at)), _) => Some((*at, EndReason::Withdrawn)),
            (None, Some(at)) if at <= now_ms => Some((at, EndReason::Expired)),
            _ => None,
        };
        match ended {
            // Withdrawn or expired before it was ever shown: never public, so not archived.
            Some((at, _)) if at <= shown_from => {}
            Some((at, why)) => archive.push(published(
                &notice,
                live,
                shown_from,
                Some(Ended { at: time(at), why }),
            )),
            None if shown_from > now_ms => {
                next_change = Some(next_change.map_or(shown_from, |t| t.min(shown_from)));
            }
            None => {
                if let Some(expiry) = live.content.expire_at_ms {
                    next_change = Some(next_change.map_or(expiry, |t| t.min(expiry)));
                }
                notices.push(published(&notice, live, shown_from, None));
            }
        }
    }
    crate::order::sort_by(&mut archive, |a, b| {
        let end = |n: &PublishedNotice| n.ended.map(|e| e.at);
        end(b).cmp(&end(a)).then_with(|| a.id.cmp(&b.id))
    });
    archive.truncate(PublicBoard::ARCHIVE_MAX);
    // Contacts no write names (written into the board by hand) stay, as notices do.
    let mut contacts: Vec<EmergencyContact> = previous
        .map(|b| {
            b.contacts
                .iter()
                .filter(|c| !contact_writes.iter().any(|(_, _, w)| w.id == c.id))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    contacts.extend(contacts::current(contact_writes));
    crate::order::sort_by(&mut contacts, |a, b| {
        (a.kind, &a.name).cmp(&(b.kind, &b.name))
    });
    let mut board = PublicBoard::new(
        profile,
        previous.map_or(1, |b| b.revision + 1),
        time(now_ms),
        notices,
        contacts,
    );
    board.archive = archive;
    board.next_change_at = next_change.map(time);
    board
}

/// Published when first approved, or at its publication time if that is later.
fn shown_from(notice: &Notice, live: &Live) -> u64 {
    let first_approval = notice
        .steps
        .iter()
        .find(|s| matches!(s.action, StepKind::Approved { .. }))
        .map_or(live.approved_at_ms, |s| s.at_ms);
    live.content
        .publish_at_ms
        .unwrap_or(first_approval)
        .max(first_approval)
}

fn published(
    notice: &Notice,
    live: &Live,
    shown_from: u64,
    ended: Option<Ended>,
) -> PublishedNotice {
    let c = &live.content;
    PublishedNotice {
        id: notice.id.to_string(),
        title: c.title_zh.clone(),
        body: c.body_zh.clone(),
        title_en: c.title_en.clone(),
        body_en: c.body_en.clone(),
        category: c.category,
        pinned: c.pinned,
        // Each later approval is an update.
        updates: notice
            .updates()
            .into_iter()
            .map(|(_, ms)| time(ms))
            .collect(),
        published_at: time(shown_from),
        approved_by: live.approved_by.clone(),
        expires_at: c.expire_at_ms.map(time),
        ended,
    }
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
            event: Kept::Notice(NoticeEvent {
                notice: NoticeId::parse(notice).unwrap(),
                step,
            }),
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
        // Withdrawn: off the page at the next rebuild, into the archive.
        events.push(kept(12, 20, "周校长", "n-a", Action::Withdraw {}));
        let after = super::board(&profile, Some(&board), &events, 100);
        assert_eq!(after.notices.len(), 1);
        assert_eq!(after.archive.len(), 1);
        assert_eq!(after.archive[0].title.as_str(), "公开通知");
        assert!(after.archive[0].is_withdrawn());
        assert_eq!(after.archive[0].ended.unwrap().at.timestamp_millis(), 20);
        // Its withdrawal is an entry of the feed.
        assert!(
            after
                .feed()
                .iter()
                .any(|e| e.withdrawn && e.notice.id == "n-a")
        );
        // A hand-written archive survives rebuilds that don't name it.
        assert_eq!(
            super::board(&profile, Some(&after), &events, 100).archive,
            after.archive
        );
        let key = event_key(&profile.id, &events[0]);
        assert_eq!(key, "v1/demo/notices/ev/n-a/pc-office01.0000000001.0");
    }

    #[test]
    fn a_scheduled_notice_appears_at_its_time_and_expires_into_the_archive() {
        let profile = crate::demo::school();
        let mut content = match edit("定时通知", Audience::Public) {
            Action::Edit { content } => content,
            _ => unreachable!(),
        };
        content.publish_at_ms = Some(50);
        content.expire_at_ms = Some(80);
        let events = vec![
            kept(0, 1, "陈建国", "n-t", Action::Edit { content }),
            kept(1, 2, "陈建国", "n-t", Action::Submit {}),
            kept(2, 10, "周校长", "n-t", Action::Approve {}),
        ];
        let at = |ms: u64| super::board(&profile, None, &events, ms);
        let before = at(20);
        assert!(before.notices.is_empty() && before.archive.is_empty());
        assert_eq!(
            before.next_change_at.map(|t| t.timestamp_millis()),
            Some(50)
        );
        let shown = at(60);
        assert_eq!(shown.notices.len(), 1);
        assert_eq!(shown.notices[0].published_at.timestamp_millis(), 50);
        assert_eq!(shown.next_change_at.map(|t| t.timestamp_millis()), Some(80));
        let gone = at(90);
        assert!(gone.notices.is_empty());
        assert_eq!(
            gone.archive[0].ended.map(|e| e.why),
            Some(EndReason::Expired)
        );
        assert_eq!(gone.next_change_at, None);
        // Withdrawn before its time: never public, so not in the archive either.
        let mut withdrawn = events.clone();
        withdrawn.push(kept(3, 30, "周校长", "n-t", Action::Withdraw {}));
        let b = super::board(&profile, None, &withdrawn, 90);
        assert!(b.notices.is_empty() && b.archive.is_empty() && b.next_change_at.is_none());
    }

    #[test]
    fn contact_writes_replace_the_hand_written_contacts() {
        let profile = crate::demo::school();
        let previous = crate::demo::public_board(crate::demo::seeded_at());
        let mut clinic = previous.contacts[1].clone();
        clinic.phone = crate::notices::contacts::Phone::parse("0571-8800 0999").unwrap();
        let write = KeptEvent {
            event: Kept::Contact(clinic.clone()),
            ..kept(0, 5, "陈建国", "n-x", Action::Submit {})
        };
        assert!(event_key(&profile.id, &write).starts_with("v1/demo/notices/ev/contact.c-clinic/"));
        let json = serde_json::to_string(&write).unwrap();
        assert_eq!(serde_json::from_str::<KeptEvent>(&json).unwrap(), write);
        let b = super::board(&profile, Some(&previous), std::slice::from_ref(&write), 100);
        assert_eq!(b.contacts.len(), previous.contacts.len());
        assert_eq!(b.contacts[1], clinic);
        let mut gone = clinic.clone();
        gone.removed = true;
        let removal = KeptEvent {
            id: OpId {
                k: 9,
                ..write.id.clone()
            },
            hlc: Hlc {
                wall: 6,
                counter: 0,
            },
            event: Kept::Contact(gone),
            ..write.clone()
        };
        let b = super::board(&profile, Some(&previous), &[removal, write], 100);
        assert_eq!(b.contacts.len(), previous.contacts.len() - 1);
        assert!(super::board(&profile, Some(&previous), &[], 100).contacts == previous.contacts);
    }
}
