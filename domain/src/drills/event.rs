//! What a drill's events say as they travel: the run's and actions' ids, notes, ratings, the
//! equipment an action needs, and the event (one op) that carries a tap or a review entry.
//! How the events combine is `run`'s.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::plan::Plan;
use crate::refusals::OpInvalid;
use crate::supplies::ItemId;
use crate::sync::Stream;
use crate::sync::op::short_id;
use crate::text::{Name, TextError, bounded};

/// A run's id (`d-mf3k2a`), chosen when it starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RunId(String);

impl RunId {
    pub fn parse(raw: &str) -> Result<Self, OpInvalid> {
        short_id("drill", raw).map(|()| Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(RunId, OpInvalid);

/// A corrective action's id (`a-mf3k2a`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ActionId(String);

impl ActionId {
    pub fn parse(raw: &str) -> Result<Self, OpInvalid> {
        short_id("action", raw).map(|()| Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(ActionId, OpInvalid);

/// A note, a strength, an area to improve or evidence: at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Note(String);

impl Note {
    pub const MAX: usize = 500;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("note", raw, Self::MAX, true).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(Note, TextError);

/// How a step or capability was performed, in the words exercise programmes use (HSEEP's
/// P / S / M / U).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Performed,
    SomeChallenges,
    MajorChallenges,
    Unable,
}

impl Rating {
    pub const ALL: [Rating; 4] = [
        Rating::Performed,
        Rating::SomeChallenges,
        Rating::MajorChallenges,
        Rating::Unable,
    ];
}

/// One event of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DrillAction {
    /// Starts the drill with the plan as it stands (later edits of the plan don't change a
    /// run) and the number of people to account for.
    Start {
        plan: Box<Plan>,
        expected: u16,
    },
    /// Step `step` (from 1) is done, at the op's time.
    Step {
        step: u8,
    },
    Note {
        step: u8,
        note: Note,
    },
    /// How many are accounted for, at the op's time.
    Headcount {
        accounted: u16,
    },
    Finish {},
    Rate {
        step: u8,
        rating: Rating,
    },
    Strength {
        text: Note,
    },
    /// An area to improve, with its corrective action (and the equipment it needs, which
    /// goes on the store's order list while the action is open).
    Improve {
        action: ActionId,
        text: Note,
        owner: Name,
        #[serde(with = "crate::dates::iso")]
        due: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        needs: Option<Need>,
    },
    /// The action's owner reports it done.
    Done {
        action: ActionId,
        evidence: Note,
    },
    /// This drill's review: was the earlier action re-tested, and did it hold?
    Retest {
        action: ActionId,
        held: bool,
    },
}

impl DrillAction {
    /// Taps on a running drill, which any participant's phone may send.
    pub fn is_tap(&self) -> bool {
        matches!(
            self,
            DrillAction::Step { .. } | DrillAction::Note { .. } | DrillAction::Headcount { .. }
        )
    }
}

/// Equipment a corrective action needs: an item of the store's catalog and how many units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    pub item: ItemId,
    pub quantity: u32,
}

impl Need {
    pub const MAX: u32 = 100_000;
}

/// A drill event, as an op's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillEvent {
    pub run: RunId,
    pub act: DrillAction,
}

impl DrillEvent {
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Drills {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        match &self.act {
            DrillAction::Start { plan, .. } => plan.validate(stream),
            DrillAction::Improve {
                needs: Some(need), ..
            } if need.quantity == 0 || need.quantity > Need::MAX => Err(OpInvalid::OutOfRange {
                what: "needs.quantity".into(),
                max: Need::MAX,
            }),
            _ => Ok(()),
        }
    }
}

/// How far ahead a corrective action may be due: within a year, by the next drills of its
/// scenario.
pub const MAX_DUE_DAYS: u64 = 366;

/// Whether a corrective action raised on `today` (the school's day) may be due on `due`:
/// not before the day it is raised, and within [`MAX_DUE_DAYS`].
pub fn due_in_range(due: NaiveDate, today: NaiveDate) -> bool {
    due >= today
        && today
            .checked_add_days(chrono::Days::new(MAX_DUE_DAYS))
            .is_some_and(|last| due <= last)
}

impl DrillEvent {
    /// A corrective action's due date, judged on the day the op was written in the school's
    /// zone (so a retried segment gets the same verdict).
    pub fn validate_date(
        &self,
        tz: crate::school::SchoolTimeZone,
        written_ms: u64,
    ) -> Result<(), OpInvalid> {
        match &self.act {
            DrillAction::Improve { due, .. } if !due_in_range(*due, tz.date_at_ms(written_ms)) => {
                Err(OpInvalid::DateOutOfRange { date: *due })
            }
            _ => Ok(()),
        }
    }
}

/// A fresh run id unlike any in `taken`.
pub fn new_run_id(taken: impl Fn(&RunId) -> bool, now_ms: u64) -> RunId {
    RunId(crate::text::fresh_id(
        "d",
        |id| taken(&RunId(id.to_owned())),
        now_ms,
    ))
}

/// A fresh action id unlike any in `taken`.
pub fn new_action_id(taken: impl Fn(&ActionId) -> bool, now_ms: u64) -> ActionId {
    ActionId(crate::text::fresh_id(
        "a",
        |id| taken(&ActionId(id.to_owned())),
        now_ms,
    ))
}
