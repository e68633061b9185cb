//! A notice's approval: draft → submitted → approved (published) or returned with a comment;
//! a published notice is amended through approval again, or withdrawn; it expires at its
//! time. Each notice is a log of events (one op each) folded in clock order, so devices that
//! edited offline agree on the outcome; an event that is not allowed where it lands is kept,
//! not applied, and shown to whoever made it. The approver is an admin (the Worker's write
//! rule) and never the person who submitted the version nor anyone who wrote it (this fold,
//! on every device and in the Worker's public snapshot). Withdrawn and expired are final.

pub use super::event::{Action, Audience, Category, Comment, Content, NoticeEvent, NoticeId};
use crate::sync::Hlc;
use crate::text::Name;

/// Where the working version stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Draft,
    Submitted {
        by: Name,
        at_ms: u64,
    },
    Returned {
        by: Name,
        at_ms: u64,
        comment: Comment,
    },
}

/// The version being written or reviewed: a new notice, or an amendment of the live one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Working {
    pub content: Content,
    /// Who last edited it.
    pub author: Name,
    /// Everyone who edited this version, in the order they first did: none of them may
    /// approve it.
    pub authors: Vec<Name>,
    pub stage: Stage,
}

impl Working {
    /// Whether `who` submitted or wrote any of this version.
    pub fn wrote_or_submitted(&self, who: &Name) -> bool {
        self.authors.contains(who)
            || matches!(&self.stage, Stage::Submitted { by, .. } if by == who)
    }
}

/// The approved version the public (or staff) sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub content: Content,
    pub approved_by: Name,
    pub approved_at_ms: u64,
    /// 1 for the first publication, then one more per approved amendment.
    pub version: u32,
}

/// What happened, kept with who and when: the notice's audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at_ms: u64,
    pub by: Name,
    pub action: StepKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    Edited,
    Submitted,
    Returned(Comment),
    Approved { version: u32 },
    Withdrawn,
}

/// Why an event was not applied where it landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Nothing to submit: no working version, or it is already submitted.
    NothingToSubmit,
    /// Only a submitted version is approved or returned.
    NotSubmitted,
    /// The person who submitted a version, or wrote any of it, may not approve it.
    OwnSubmission,
    /// A submitted version waits for review; it is edited after it is returned.
    AwaitingReview,
    /// Only a published notice is withdrawn.
    NotPublished,
    /// A withdrawn notice is final; write a new one.
    Withdrawn,
    /// An expired notice is final; write a new one.
    Expired,
    /// A public notice stays public: withdraw it and write a staff notice instead.
    StaysPublic,
}

/// An event not applied, for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedEvent {
    pub at_ms: u64,
    pub by: Name,
    pub why: Refused,
}

/// A notice as its events make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: NoticeId,
    pub working: Option<Working>,
    pub live: Option<Live>,
    pub withdrawn: Option<(Name, u64)>,
    /// Every applied step, oldest first.
    pub steps: Vec<Step>,
    pub refused: Vec<RefusedEvent>,
}

/// Where a notice stands at a moment, as lists and badges show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    /// Approved, shown from its publication time.
    Scheduled,
    Published,
    Expired,
    Withdrawn,
}

impl Notice {
    /// Folds a notice's events, in any arrival order: they are applied by clock, then author.
    pub fn fold<'a>(
        id: NoticeId,
        events: impl IntoIterator<Item = (Hlc, &'a Name, &'a Action)>,
    ) -> Self {
        let mut events: Vec<(Hlc, &Name, &Action)> = events.into_iter().collect();
        crate::order::sort_by(&mut events, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut notice = Notice {
            id,
            working: None,
            live: None,
            withdrawn: None,
            steps: Vec::new(),
            refused: Vec::new(),
        };
        for (hlc, by, action) in events {
            if let Err(why) = notice.apply(hlc.wall, by, action) {
                notice.refused.push(RefusedEvent {
                    at_ms: hlc.wall,
                    by: by.clone(),
                    why,
                });
            }
        }
        notice
    }

    fn apply(&mut self, at_ms: u64, by: &Name, action: &Action) -> Result<(), Refused> {
        if self.withdrawn.is_some() {
            return Err(Refused::Withdrawn);
        }
        if self.expired_at(at_ms) {
            return Err(Refused::Expired);
        }
        let live_content = self.live.as_ref().map(|l| &l.content);
        let step = match action {
            Action::Edit { content } => {
                if matches!(
                    self.working,
                    Some(Working {
                        stage: Stage::Submitted { .. },
                        ..
                    })
                ) {
                    return Err(Refused::AwaitingReview);
                }
                // Taking a public notice off the public page is a withdrawal, which the
                // page, the feed and alerts say; an amendment never does it quietly.
                if live_content.is_some_and(|c| c.audience == Audience::Public)
                    && content.audience != Audience::Public
                {
                    return Err(Refused::StaysPublic);
                }
                let mut authors = self.working.take().map(|w| w.authors).unwrap_or_default();
                if !authors.contains(by) {
                    authors.push(by.clone());
                }
                self.working = Some(Working {
                    content: (**content).clone(),
                    author: by.clone(),
                    authors,
                    stage: Stage::Draft,
                });
                StepKind::Edited
            }
            Action::Submit {} => match &mut self.working {
                Some(w) if !matches!(w.stage, Stage::Submitted { .. }) => {
                    w.stage = Stage::Submitted {
                        by: by.clone(),
                        at_ms,
                    };
                    StepKind::Submitted
                }
                _ => return Err(Refused::NothingToSubmit),
            },
            Action::Return { comment } => match &mut self.working {
                Some(w) if matches!(w.stage, Stage::Submitted { .. }) => {
                    w.stage = Stage::Returned {
                        by: by.clone(),
                        at_ms,
                        comment: comment.clone(),
                    };
                    StepKind::Returned(comment.clone())
                }
                _ => return Err(Refused::NotSubmitted),
            },
            Action::Approve {} => {
                let Some(w) = &self.working else {
                    return Err(Refused::NotSubmitted);
                };
                if !matches!(w.stage, Stage::Submitted { .. }) {
                    return Err(Refused::NotSubmitted);
                }
                if w.wrote_or_submitted(by) {
                    return Err(Refused::OwnSubmission);
                }
                let version = self.live.as_ref().map_or(1, |l| l.version + 1);
                self.live = Some(Live {
                    content: w.content.clone(),
                    approved_by: by.clone(),
                    approved_at_ms: at_ms,
                    version,
                });
                self.working = None;
                StepKind::Approved { version }
            }
            Action::Withdraw {} => {
                if self.live.is_none() {
                    return Err(Refused::NotPublished);
                }
                self.withdrawn = Some((by.clone(), at_ms));
                StepKind::Withdrawn
            }
        };
        self.steps.push(Step {
            at_ms,
            by: by.clone(),
            action: step,
        });
        Ok(())
    }

    /// Whether the live version's expiry has come by `at_ms`: from then on it is final.
    fn expired_at(&self, at_ms: u64) -> bool {
        self.live
            .as_ref()
            .and_then(|l| l.content.expire_at_ms)
            .is_some_and(|t| t <= at_ms)
    }

    /// Where the notice stands at `now_ms` (the live version's, if any; else the working
    /// version's).
    pub fn status(&self, now_ms: u64) -> Status {
        if self.withdrawn.is_some() {
            return Status::Withdrawn;
        }
        if self.expired_at(now_ms) {
            return Status::Expired;
        }
        if let Some(live) = &self.live {
            let c = &live.content;
            if c.publish_at_ms.is_some_and(|t| t > now_ms) {
                return Status::Scheduled;
            }
            return Status::Published;
        }
        match self.working.as_ref().map(|w| &w.stage) {
            Some(Stage::Submitted { .. }) => Status::Submitted,
            Some(Stage::Returned { .. }) => Status::Returned,
            _ => Status::Draft,
        }
    }

    /// The live version, if the public may see it at `now_ms`: public, approved, past its
    /// publication time, not expired or withdrawn. Nothing else ever reaches the public page.
    pub fn public(&self, now_ms: u64) -> Option<&Live> {
        let live = self.live.as_ref()?;
        (self.status(now_ms) == Status::Published && live.content.audience == Audience::Public)
            .then_some(live)
    }

    /// The public update history: when each version after the first was approved, newest
    /// first.
    pub fn updates(&self) -> Vec<(u32, u64)> {
        let mut out: Vec<(u32, u64)> = self
            .steps
            .iter()
            .filter_map(|s| match s.action {
                StepKind::Approved { version } if version > 1 => Some((version, s.at_ms)),
                _ => None,
            })
            .collect();
        out.reverse();
        out
    }
}

/// What a person may do with a notice now, as its screen offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Write the working version (a draft, a returned one, or an amendment).
    Edit,
    Submit,
    /// Approve or return the submitted version.
    Review,
    Withdraw,
}

impl Notice {
    /// What `me`, of `role`, may do with this notice: drafting is the office's, the doctor's
    /// and logistics'; reviewing and withdrawing an admin's, never on a version she wrote or
    /// submitted.
    pub fn offers(&self, me: &Name, role: crate::school::Role, now_ms: u64) -> Vec<Offer> {
        use crate::school::Role;
        if self.withdrawn.is_some() || !may_draft(role) {
            return Vec::new();
        }
        // An expired notice is final.
        if self.expired_at(now_ms) {
            return Vec::new();
        }
        let mut offers = Vec::new();
        let stage = self.working.as_ref().map(|w| &w.stage);
        if !matches!(stage, Some(Stage::Submitted { .. })) {
            offers.push(Offer::Edit);
        }
        if matches!(stage, Some(Stage::Draft | Stage::Returned { .. })) {
            offers.push(Offer::Submit);
        }
        if let Some(w) = &self.working
            && matches!(w.stage, Stage::Submitted { .. })
            && role == Role::Admin
            && !w.wrote_or_submitted(me)
        {
            offers.push(Offer::Review);
        }
        if self.live.is_some() && role == Role::Admin {
            offers.push(Offer::Withdraw);
        }
        offers
    }

    /// The version a screen shows first: the one being worked on, else the live one.
    pub fn current(&self) -> Option<&Content> {
        self.working
            .as_ref()
            .map(|w| &w.content)
            .or(self.live.as_ref().map(|l| &l.content))
    }

    /// `me`'s steps that were not applied since her last step that was: what to tell her.
    /// A later step of hers that took effect answers the earlier ones (she saw and acted).
    pub fn not_applied_for(&self, me: &Name) -> Vec<&RefusedEvent> {
        let last_applied = self
            .steps
            .iter()
            .filter(|s| &s.by == me)
            .map(|s| s.at_ms)
            .max();
        self.refused
            .iter()
            .filter(|r| &r.by == me && last_applied.is_none_or(|t| r.at_ms > t))
            .collect()
    }

    /// When anything last happened to it.
    pub fn last_at_ms(&self) -> u64 {
        self.steps.last().map_or(0, |s| s.at_ms)
    }
}

/// Who drafts notices: the office, the doctor and logistics (a class teacher passes on
/// what is published).
pub fn may_draft(role: crate::school::Role) -> bool {
    use crate::school::Role;
    matches!(role, Role::Admin | Role::Health | Role::Logistics)
}

/// Which changes are notice events: the school's one change type says so for its kinds.
pub trait AsNoticeEvent {
    fn notice_event(&self) -> Option<&NoticeEvent>;
    /// An emergency contact's write (they travel in the notices stream).
    fn contact(&self) -> Option<&super::contacts::EmergencyContact>;
}

/// Every notice from the changes held, most recently active first.
pub fn notices<'a, P: AsNoticeEvent + 'a>(
    changes: impl IntoIterator<Item = (Hlc, &'a Name, &'a P)>,
) -> Vec<Notice> {
    let mut by_id: std::collections::BTreeMap<&NoticeId, Vec<(Hlc, &Name, &Action)>> =
        std::collections::BTreeMap::new();
    for (hlc, by, payload) in changes {
        if let Some(event) = payload.notice_event() {
            by_id
                .entry(&event.notice)
                .or_default()
                .push((hlc, by, &event.step));
        }
    }
    let mut all: Vec<Notice> = by_id
        .into_iter()
        .map(|(id, events)| Notice::fold(id.clone(), events))
        .collect();
    crate::order::sort_by_key(&mut all, |n| std::cmp::Reverse(n.last_at_ms()));
    all
}

/// A fresh id for a new notice, unlike any in `taken`.
pub fn new_notice_id(taken: impl Fn(&NoticeId) -> bool, now_ms: u64) -> NoticeId {
    NoticeId(crate::text::fresh_id(
        "n",
        |id| taken(&NoticeId(id.to_owned())),
        now_ms,
    ))
}

#[cfg(test)]
mod tests;
