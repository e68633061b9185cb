//! A drill's plan per scenario: ordered steps, the role that owns each, and a target time
//! from the start. Templates for the scenarios in the seeds ship with the app
//! (`templates.rs`); a school edits its own copy (a later write of a scenario's plan replaces
//! it).

use serde::{Deserialize, Serialize};

use crate::refusals::OpInvalid;
use crate::sync::{Hlc, Stream, versions};
use crate::text::{TextError, bounded};

/// What a drill rehearses (003 篇一 §6: confirmed, suspected and close-contact cases, and the
/// day's flow: entry, meals, dismissal; the isolation room's transfer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// A pupil or visitor with fever found at the gate.
    SuspectedAtGate,
    /// A confirmed case in a class.
    ConfirmedInClass,
    /// A close contact of a case identified among pupils or staff.
    CloseContact,
    /// Entry screening at the start of the day.
    EntryScreening,
    /// Meals in the canteen.
    Meals,
    /// Dismissal at the end of the day.
    Dismissal,
    /// Transfer of a pupil to the isolation room (留观室) and on to the clinic.
    IsolationTransfer,
}

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::SuspectedAtGate,
        Scenario::ConfirmedInClass,
        Scenario::CloseContact,
        Scenario::EntryScreening,
        Scenario::Meals,
        Scenario::Dismissal,
        Scenario::IsolationTransfer,
    ];
}

/// Who carries a step out. Gate staff and class teachers are named by their post: in a drill
/// a step belongs to whoever holds the post that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// The prevention leading group / principal (领导小组).
    Leader,
    /// The school doctor (校医).
    Doctor,
    /// Logistics (后勤保障组).
    Logistics,
    /// The class teacher (班主任).
    ClassTeacher,
    /// Gate duty (门卫 / 值班人员).
    Gate,
}

/// What a step says to do, one line of at most 120 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StepText(String);

impl StepText {
    pub const MAX: usize = 120;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("step", raw, Self::MAX, false).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(StepText, TextError);

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    pub zh: StepText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<StepText>,
    pub owner: Owner,
    /// Target: done this many seconds after the drill starts.
    pub target_s: u32,
}

/// A scenario's plan as the school holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub scenario: Scenario,
    /// In order; step numbers (from 1) are their places here.
    pub steps: Vec<PlanStep>,
    /// The versions this write was made over: the one the form began from, and any other
    /// shown beside it as not kept. See [`crate::sync::versions`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<Hlc>,
}

impl Plan {
    pub const MAX_STEPS: usize = 40;
    /// Targets are within half a day of the start.
    pub const MAX_TARGET_S: u32 = 12 * 3600;

    /// A plan has 1 to 40 steps whose targets never go back in time.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Drills {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        if self.steps.is_empty() || self.steps.len() > Self::MAX_STEPS {
            return Err(OpInvalid::OutOfRange {
                what: "steps".into(),
                max: Self::MAX_STEPS as u32,
            });
        }
        if self.steps.iter().any(|s| s.target_s > Self::MAX_TARGET_S) {
            return Err(OpInvalid::OutOfRange {
                what: "target_s".into(),
                max: Self::MAX_TARGET_S,
            });
        }
        if self.steps.windows(2).any(|w| w[1].target_s < w[0].target_s) {
            return Err(OpInvalid::Text {
                problem: "each step's target comes no earlier than the step before".into(),
            });
        }
        if self.replaces.len() > versions::MAX_REPLACES as usize {
            return Err(OpInvalid::OutOfRange {
                what: "replaces".into(),
                max: versions::MAX_REPLACES,
            });
        }
        Ok(())
    }
}
