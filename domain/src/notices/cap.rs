//! A public notice as a CAP 1.2 alert (OASIS Common Alerting Protocol), for the systems that
//! read alerts: status Exercise for a drill's notice, msgType Alert for the publication,
//! Update for an amendment and Cancel for a withdrawal, one `info` block per language. The
//! Worker renders this model as XML; every value here is already what the standard asks for.

use chrono::{DateTime, Utc};

use super::event::Category;
use super::markup;
use super::{PublicBoard, PublishedNotice};
use crate::lang::Lang;
use crate::notices::contacts::ContactKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Actual,
    Exercise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgType {
    Alert,
    Update,
    Cancel,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Actual => "Actual",
            Status::Exercise => "Exercise",
        }
    }
}

impl MsgType {
    pub fn as_str(self) -> &'static str {
        match self {
            MsgType::Alert => "Alert",
            MsgType::Update => "Update",
            MsgType::Cancel => "Cancel",
        }
    }
}

/// How pressing a notice is, in CAP's fixed words, by what it is about: a measure or a guide
/// is for the days ahead; a situation update reports what was observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    pub urgency: &'static str,
    pub severity: &'static str,
    pub certainty: &'static str,
}

impl Weight {
    pub fn of(category: Category) -> Self {
        let (urgency, severity, certainty) = match category {
            Category::Prevention => ("Future", "Minor", "Likely"),
            Category::Situation => ("Expected", "Moderate", "Observed"),
            Category::EmergencyGuide => ("Expected", "Moderate", "Possible"),
            // An exercise: nothing is happening.
            Category::Drill => ("Unknown", "Unknown", "Unknown"),
        };
        Self {
            urgency,
            severity,
            certainty,
        }
    }
}

/// One language's block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub lang: Lang,
    pub category: Category,
    pub weight: Weight,
    pub effective: String,
    pub expires: Option<String>,
    pub sender_name: String,
    pub headline: String,
    /// The body as plain text (the safe format's marks removed).
    pub description: String,
    pub web: String,
    pub contact: Option<String>,
}

/// The alert for one notice at its latest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub identifier: String,
    pub sender: String,
    pub sent: String,
    pub status: Status,
    pub msg_type: MsgType,
    /// Earlier messages about this notice, as CAP's `sender,identifier,sent` triples.
    pub references: Vec<String>,
    pub infos: Vec<Info>,
}

/// CAP's date-time: seconds, and an offset (never `Z`), in the school's zone.
pub fn time(board: &PublicBoard, at: DateTime<Utc>) -> String {
    at.with_timezone(&board.timezone.tz())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The alert for `notice` of `board`, served from `host` (the sender) at `base` (its URL).
pub fn alert(board: &PublicBoard, notice: &PublishedNotice, host: &str, base: &str) -> Alert {
    let identifier = |version: String| format!("{}.{}.{version}", board.school, notice.id);
    // Every message sent about the notice, oldest first: its publication, each update, and
    // its withdrawal.
    let mut sent: Vec<(String, DateTime<Utc>)> = vec![("1".to_owned(), notice.published_at)];
    for (i, at) in notice.updates.iter().rev().enumerate() {
        sent.push(((i + 2).to_string(), *at));
    }
    let msg_type = if notice.is_withdrawn() {
        if let Some(ended) = notice.ended {
            sent.push(("cancel".to_owned(), ended.at));
        }
        MsgType::Cancel
    } else if notice.updates.is_empty() {
        MsgType::Alert
    } else {
        MsgType::Update
    };
    let Some((last, earlier)) = sent.split_last() else {
        unreachable!("the publication is always sent")
    };
    let contact = board
        .contacts
        .iter()
        .find(|c| c.kind == ContactKind::School)
        .map(|c| c.phone.as_str().to_owned());
    let web = format!("{base}/n/{}", notice.id);
    let info = |lang: Lang, title: &str, body: &str| Info {
        lang,
        category: notice.category,
        weight: Weight::of(notice.category),
        effective: time(board, notice.published_at),
        expires: notice.expires_at.map(|at| time(board, at)),
        sender_name: board.school_name.to_string(),
        headline: title.to_owned(),
        description: markup::to_text(&markup::parse(body)),
        web: web.clone(),
        contact: contact.clone(),
    };
    let mut infos = vec![info(
        Lang::ZhCn,
        notice.title.as_str(),
        notice.body.as_str(),
    )];
    if let (Some(title), Some(body)) = (&notice.title_en, &notice.body_en) {
        infos.push(info(Lang::En, title.as_str(), body.as_str()));
    }
    Alert {
        identifier: identifier(last.0.clone()),
        sender: host.to_owned(),
        sent: time(board, last.1),
        status: if notice.is_drill() {
            Status::Exercise
        } else {
            Status::Actual
        },
        msg_type,
        references: earlier
            .iter()
            .map(|(v, at)| format!("{host},{},{}", identifier(v.clone()), time(board, *at)))
            .collect(),
        infos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::{EndReason, Ended, NoticeBody, NoticeTitle};

    fn board_with(notice: PublishedNotice) -> PublicBoard {
        let mut board = crate::demo::public_board(crate::demo::seeded_at());
        board.notices = vec![notice];
        board
    }

    #[test]
    fn publication_update_and_withdrawal_are_alert_update_and_cancel() {
        let mut n = crate::demo::notices().remove(0);
        let board = board_with(n.clone());
        let a = alert(&board, &n, "school.example", "https://school.example");
        assert_eq!((a.status, a.msg_type), (Status::Actual, MsgType::Alert));
        assert!(a.references.is_empty());
        assert_eq!(a.infos.len(), 1, "no English version, one block");
        assert_eq!(a.identifier, format!("demo.{}.1", n.id));
        // Shanghai's offset, seconds, no Z.
        assert!(a.sent.ends_with("+08:00"), "{}", a.sent);
        assert_eq!(a.sent.len(), "2026-09-01T08:00:00+08:00".len());

        let first = n.published_at;
        n.updates = vec![
            first + chrono::Duration::days(2),
            first + chrono::Duration::days(1),
        ];
        n.title_en = Some(NoticeTitle::parse("Letter to parents").unwrap());
        n.body_en = Some(NoticeBody::parse("**Take** temperatures.").unwrap());
        let a = alert(&board, &n, "school.example", "https://school.example");
        assert_eq!(a.msg_type, MsgType::Update);
        assert_eq!(a.identifier, format!("demo.{}.3", n.id));
        assert_eq!(a.references.len(), 2);
        assert!(a.references[0].starts_with(&format!("school.example,demo.{}.1,", n.id)));
        assert_eq!(a.infos[1].lang, Lang::En);
        assert_eq!(a.infos[1].description, "Take temperatures.");

        n.ended = Some(Ended {
            at: first + chrono::Duration::days(3),
            why: EndReason::Withdrawn,
        });
        n.category = Category::Drill;
        let a = alert(&board, &n, "school.example", "https://school.example");
        assert_eq!((a.status, a.msg_type), (Status::Exercise, MsgType::Cancel));
        assert_eq!(a.references.len(), 3);
        assert_eq!(a.identifier, format!("demo.{}.cancel", n.id));
        assert_eq!(a.infos[0].contact.as_deref(), Some("0571-8800 0001"));
    }
}
