//! Notices (通知公告) and the public board built from them.
//!
//! Only an approved, public notice ever reaches the board; the board is the whole of what
//! the public page may show, so student or health data can't leak into it by construction.

pub mod cap;
pub mod contacts;
pub mod event;
pub mod markup;
pub mod publish;
pub mod workflow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::notices::contacts::EmergencyContact;
use crate::notices::event::Category;
use crate::school::{SchoolId, SchoolTimeZone};
use crate::text::{Name, TextError, bounded};

/// Why a notice was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoticeError {
    #[error(transparent)]
    Text(#[from] TextError),
}

/// A notice's title: one line, at most 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NoticeTitle(String);

impl NoticeTitle {
    pub const MAX: usize = 80;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("title", raw, Self::MAX, false).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(NoticeTitle, TextError);

/// A notice's body: plain text with line breaks, at most 4,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NoticeBody(String);

impl NoticeBody {
    pub const MAX: usize = 4_000;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("body", raw, Self::MAX, true).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The body split into paragraphs at blank or single line breaks, for rendering.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.0.lines().map(str::trim).filter(|l| !l.is_empty())
    }
}

crate::text::validated_string!(NoticeBody, TextError);

/// A notice that has been approved and published to the public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedNotice {
    /// Stable id, unique within the school.
    pub id: String,
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub published_at: DateTime<Utc>,
    /// Who approved the release (004 §三: nothing goes out without approval).
    pub approved_by: Name,
    /// The English version, when the notice has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<NoticeTitle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_en: Option<NoticeBody>,
    /// A drill's notice is labelled 演练 / Exercise wherever it appears.
    #[serde(default)]
    pub category: Category,
    #[serde(default)]
    pub pinned: bool,
    /// When each approved amendment was published, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<DateTime<Utc>>,
    /// When it leaves the page for the archive, if it was given an expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Set once it is withdrawn or expired: it is then in the board's archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<Ended>,
}

impl PublishedNotice {
    pub fn is_drill(&self) -> bool {
        self.category == Category::Drill
    }

    pub fn is_withdrawn(&self) -> bool {
        self.ended.is_some_and(|e| e.why == EndReason::Withdrawn)
    }
}

/// When and why a published notice left the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ended {
    pub at: DateTime<Utc>,
    pub why: EndReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Withdrawn,
    Expired,
}

/// The materialized public view of a school: written whenever a notice is published or a
/// contact changes, read by the public page with a single KV read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicBoard {
    pub school: SchoolId,
    pub school_name: Name,
    pub timezone: SchoolTimeZone,
    /// Increases with every rewrite; the public page's ETag is derived from it.
    pub revision: u64,
    pub updated_at: DateTime<Utc>,
    /// Pinned first, then newest first.
    pub notices: Vec<PublishedNotice>,
    pub contacts: Vec<EmergencyContact>,
    /// Notices that were public and have been withdrawn or have expired, most recently
    /// ended first (at most [`PublicBoard::ARCHIVE_MAX`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub archive: Vec<PublishedNotice>,
    /// The next time a notice is due to appear or expire: the scheduled rebuild reads only
    /// this board and rebuilds when it has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_change_at: Option<DateTime<Utc>>,
}

impl PublicBoard {
    /// The front page shows this many notices with the start of their body, the rest by
    /// title: with the longest bodies and titles its HTML stays within 30 KB.
    pub const FRONT_BODIES: usize = 8;
    /// Characters of a body the front page shows before "read the whole notice".
    pub const EXCERPT_CHARS: usize = 240;

    /// How much of the body of the notice at `index` (in the board's order) the front page
    /// shows, in characters: an excerpt for the first few, none for the rest.
    pub fn front_body_chars(index: usize) -> Option<usize> {
        (index < Self::FRONT_BODIES).then_some(Self::EXCERPT_CHARS)
    }

    /// Builds the board with pinned notices first, then newest first, whatever order they came
    /// in.
    pub fn new(
        profile: &crate::school::SchoolProfile,
        revision: u64,
        updated_at: DateTime<Utc>,
        mut notices: Vec<PublishedNotice>,
        contacts: Vec<EmergencyContact>,
    ) -> Self {
        crate::order::sort_by(&mut notices, |a, b| {
            b.pinned
                .cmp(&a.pinned)
                .then_with(|| b.published_at.cmp(&a.published_at))
                .then_with(|| a.id.cmp(&b.id))
        });
        Self {
            school: profile.id.clone(),
            school_name: profile.name.clone(),
            timezone: profile.timezone,
            revision,
            updated_at,
            notices,
            contacts,
            archive: Vec::new(),
            next_change_at: None,
        }
    }

    /// The archive keeps the latest this many, so the one board read stays small all year.
    pub const ARCHIVE_MAX: usize = 100;
    /// The feed carries the latest this many entries.
    pub const FEED_MAX: usize = 50;

    /// A notice by id, current or archived.
    pub fn find(&self, id: &str) -> Option<&PublishedNotice> {
        self.notices
            .iter()
            .chain(&self.archive)
            .find(|n| n.id == id)
    }
}

/// One entry of the public feed: a notice's publication, one of its updates, or its
/// withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry<'a> {
    pub notice: &'a PublishedNotice,
    /// 1 for the publication, then 2, 3… for each update; the withdrawal carries the last.
    pub version: usize,
    pub at: DateTime<Utc>,
    pub withdrawn: bool,
}

impl PublicBoard {
    /// Whether `other` shows the same as this board (its revision and time aside).
    pub fn same_content(&self, other: &PublicBoard) -> bool {
        self.notices == other.notices
            && self.contacts == other.contacts
            && self.archive == other.archive
            && self.next_change_at == other.next_change_at
            && self.school_name == other.school_name
    }

    /// The feed's entries, one per publication, per update and per withdrawal, newest first
    /// (the latest [`PublicBoard::FEED_MAX`]).
    pub fn feed(&self) -> Vec<FeedEntry<'_>> {
        let mut entries: Vec<FeedEntry> = self
            .notices
            .iter()
            .chain(&self.archive)
            .flat_map(|n| {
                let updates = n
                    .updates
                    .iter()
                    .rev()
                    .enumerate()
                    .map(move |(i, at)| FeedEntry {
                        notice: n,
                        version: i + 2,
                        at: *at,
                        withdrawn: false,
                    });
                let withdrawal =
                    n.ended
                        .filter(|e| e.why == EndReason::Withdrawn)
                        .map(|e| FeedEntry {
                            notice: n,
                            version: n.updates.len() + 1,
                            at: e.at,
                            withdrawn: true,
                        });
                std::iter::once(FeedEntry {
                    notice: n,
                    version: 1,
                    at: n.published_at,
                    withdrawn: false,
                })
                .chain(updates)
                .chain(withdrawal)
            })
            .collect();
        crate::order::sort_by(&mut entries, |a, b| {
            b.at.cmp(&a.at)
                .then_with(|| a.notice.id.cmp(&b.notice.id))
                .then_with(|| b.withdrawn.cmp(&a.withdrawn))
        });
        entries.truncate(Self::FEED_MAX);
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_paragraphs_skip_blank_lines() {
        let body = NoticeBody::parse("第一段\n\n  第二段  \r\n第三段").unwrap();
        assert_eq!(
            body.paragraphs().collect::<Vec<_>>(),
            ["第一段", "第二段", "第三段"]
        );
    }

    #[test]
    fn title_limits() {
        assert!(NoticeTitle::parse(&"通".repeat(NoticeTitle::MAX)).is_ok());
        assert!(NoticeTitle::parse(&"通".repeat(NoticeTitle::MAX + 1)).is_err());
        assert!(NoticeTitle::parse("two\nlines").is_err());
    }

    #[test]
    fn the_feed_has_an_entry_per_publication_and_update() {
        let mut board = crate::demo::public_board(crate::demo::seeded_at());
        let first = board.notices[0].published_at;
        board.notices[0].updates = vec![
            first + chrono::Duration::days(2),
            first + chrono::Duration::days(1),
        ];
        let feed = board.feed();
        assert_eq!(feed.len(), 3);
        assert_eq!(
            (feed[0].version, feed[1].version, feed[2].version),
            (3, 2, 1)
        );
        assert!(feed.windows(2).all(|w| w[0].at >= w[1].at));
    }

    #[test]
    fn board_orders_newest_first() {
        let board = crate::demo::public_board(crate::demo::seeded_at());
        let times: Vec<_> = board.notices.iter().map(|n| n.published_at).collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted);
        assert!(!board.notices.is_empty());
    }
}
