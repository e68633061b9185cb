//! What a notice says and the steps of its life as they travel: its id, its versions'
//! content (Chinese and optional English, category, audience, times), a reviewer's comment,
//! and the event (one op) that carries a step. How the steps combine is `workflow`'s.

use serde::{Deserialize, Serialize};

use super::{NoticeBody, NoticeTitle};
use crate::refusals::OpInvalid;
use crate::sync::Stream;
use crate::sync::op::short_id;
use crate::text::{TextError, bounded};

/// A notice's id (`n-2026-11-30-1`): short and key-safe, chosen when it is first drafted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NoticeId(pub(super) String);

impl NoticeId {
    pub fn parse(raw: &str) -> Result<Self, OpInvalid> {
        short_id("notice", raw).map(|()| Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(NoticeId, OpInvalid);

/// What a notice is about. A drill notice is labelled 演练 / Exercise wherever it appears.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    #[default]
    Prevention,
    Situation,
    EmergencyGuide,
    Drill,
}

/// Who may read it: parents and the public, or staff only (never on the public page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Public,
    Staff,
}

/// A version of a notice: Chinese, and optionally English, edited side by side and approved
/// as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    pub title_zh: NoticeTitle,
    pub body_zh: NoticeBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<NoticeTitle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_en: Option<NoticeBody>,
    pub category: Category,
    pub audience: Audience,
    #[serde(default)]
    pub pinned: bool,
    /// Unix ms: shown from then (approval before it schedules the notice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_at_ms: Option<u64>,
    /// Unix ms: moved to the archive then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_at_ms: Option<u64>,
}

impl Content {
    /// English is all or nothing: a title without a body (or the reverse) would show half a
    /// notice to English readers. An expiry comes after the publication time.
    pub fn validate(&self) -> Result<(), OpInvalid> {
        if self.title_en.is_some() != self.body_en.is_some() {
            return Err(OpInvalid::Text {
                problem: "an English title needs an English body, and the reverse".into(),
            });
        }
        if let (Some(from), Some(to)) = (self.publish_at_ms, self.expire_at_ms)
            && to <= from
        {
            return Err(OpInvalid::OutOfRange {
                what: "expire_at".into(),
                max: 0,
            });
        }
        Ok(())
    }
}

/// A reviewer's comment on a returned version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Comment(String);

impl Comment {
    pub const MAX: usize = 500;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("comment", raw, Self::MAX, true).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(Comment, TextError);

/// One step of a notice's life.
///
/// Read through [`ActionFields`], the same JSON as one struct: serde's derive for an
/// internally tagged enum buffers the value and builds a reader per variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "ActionFields")]
pub enum Action {
    /// Writes the working version (a new draft, a returned one fixed, or an amendment of the
    /// published notice).
    Edit {
        content: Box<Content>,
    },
    Submit {},
    /// Sends the submitted version back to its author with what to change.
    Return {
        comment: Comment,
    },
    /// Publishes the submitted version (at its publication time).
    Approve {},
    /// Takes the published notice off the public page, into the archive.
    Withdraw {},
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFields {
    kind: ActionKind,
    content: Option<Box<Content>>,
    comment: Option<Comment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ActionKind {
    Edit,
    Submit,
    Return,
    Approve,
    Withdraw,
}

impl TryFrom<ActionFields> for Action {
    type Error = &'static str;

    fn try_from(f: ActionFields) -> Result<Self, Self::Error> {
        Ok(match (f.kind, f.content, f.comment) {
            (ActionKind::Edit, Some(content), None) => Self::Edit { content },
            (ActionKind::Return, None, Some(comment)) => Self::Return { comment },
            (ActionKind::Submit, None, None) => Self::Submit {},
            (ActionKind::Approve, None, None) => Self::Approve {},
            (ActionKind::Withdraw, None, None) => Self::Withdraw {},
            (ActionKind::Edit, None, _) => return Err("missing field `content`"),
            (ActionKind::Return, _, None) => return Err("missing field `comment`"),
            (_, Some(_), _) => return Err("unknown field `content`: only an edit has content"),
            (_, _, Some(_)) => return Err("unknown field `comment`: only a return has a comment"),
        })
    }
}

impl Action {
    /// Approving, returning and withdrawing are the approver's (an admin's).
    pub fn is_review(&self) -> bool {
        matches!(
            self,
            Action::Return { .. } | Action::Approve {} | Action::Withdraw {}
        )
    }
}

/// A notice event, as an op's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeEvent {
    pub notice: NoticeId,
    pub step: Action,
}

impl NoticeEvent {
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Notices {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        match &self.step {
            Action::Edit { content } => content.validate(),
            _ => Ok(()),
        }
    }
}
