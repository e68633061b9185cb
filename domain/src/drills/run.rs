//! A drill as it is run and reviewed: each tap, note, head count and review entry is one op,
//! and a run is folded from its events in clock order on every device, so two phones running
//! parts of one drill merge (a step done on either is done at its first tap). Corrective
//! actions raised in a review live on past their drill: done with evidence, then verified
//! at the next drill of the same scenario, whose review asks whether each was re-tested. An
//! event that is not allowed where it lands is kept, not applied, for whoever made it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

pub use super::event::{
    ActionId, DrillAction, DrillEvent, Need, Note, Rating, RunId, new_action_id, new_run_id,
};
use super::plan::{Plan, Scenario};
use crate::sync::Hlc;
use crate::text::Name;

/// Why an event was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Before the drill's start (or of a drill never started).
    NotStarted,
    /// Started twice.
    AlreadyStarted,
    /// A tap after the drill finished.
    Finished,
    /// Reviewing (rating, strengths, actions) waits for the drill to finish.
    NotFinished,
    /// No such step in the plan.
    NoSuchStep,
    /// No such corrective action, or one raised twice.
    NoSuchAction,
    /// Re-tested in a drill of another scenario, or not after the one that raised it.
    WrongDrill,
    /// A verified action is closed.
    Closed,
}

/// An event not applied, for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedEvent {
    pub run: RunId,
    pub at_ms: u64,
    pub by: Name,
    pub why: Refused,
}

/// One step as run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepRun {
    /// When it was first tapped done, and by whom.
    pub done: Option<(u64, Name)>,
    pub notes: Vec<(Name, Note)>,
    pub rating: Option<Rating>,
}

/// A drill as its events make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub id: RunId,
    pub plan: Plan,
    pub expected: u16,
    pub started_ms: u64,
    pub started_by: Name,
    pub steps: Vec<StepRun>,
    /// Head counts in time order, each with who counted. Each counter counts their own part
    /// of the school (an assembly point, a floor), so the school's count is the sum of each
    /// counter's latest.
    pub headcounts: Vec<(u64, Name, u16)>,
    pub finished_ms: Option<u64>,
    pub strengths: Vec<Note>,
    /// Corrective actions raised in this drill's review (their state is in [`Drills`]).
    pub raised: Vec<ActionId>,
    /// Earlier actions this drill's review re-tested, and whether they held.
    pub retested: Vec<(ActionId, bool)>,
}

impl Run {
    pub fn scenario(&self) -> Scenario {
        self.plan.scenario
    }

    /// When everyone expected was accounted for, as milliseconds after the start: the first
    /// count at which the counters' latest counts added up to the expected number.
    pub fn accountability_ms(&self) -> Option<u64> {
        let mut latest = Vec::new();
        self.headcounts.iter().find_map(|(at, by, n)| {
            count(&mut latest, by, *n);
            (total(&latest) >= u32::from(self.expected)).then(|| at.saturating_sub(self.started_ms))
        })
    }

    /// How many are accounted for: each counter's latest count, added up.
    pub fn accounted(&self) -> Option<u16> {
        (!self.headcounts.is_empty())
            .then(|| u16::try_from(total(&self.counters())).unwrap_or(u16::MAX))
    }

    /// Each counter's latest count, in the order they first counted.
    pub fn counters(&self) -> Vec<(&Name, u16)> {
        let mut latest = Vec::new();
        for (_, by, n) in &self.headcounts {
            count(&mut latest, by, *n);
        }
        latest
    }

    /// A step's actual time after the start, in seconds.
    pub fn actual_s(&self, index: usize) -> Option<u64> {
        self.steps
            .get(index)?
            .done
            .as_ref()
            .map(|(at, _)| at.saturating_sub(self.started_ms) / 1000)
    }
}

/// A counter's new count replaces her earlier one.
fn count<'a>(latest: &mut Vec<(&'a Name, u16)>, by: &'a Name, n: u16) {
    match latest.iter_mut().find(|(who, _)| *who == by) {
        Some(entry) => entry.1 = n,
        None => latest.push((by, n)),
    }
}

fn total(latest: &[(&Name, u16)]) -> u32 {
    latest.iter().map(|(_, n)| u32::from(*n)).sum()
}

/// Where a corrective action stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionStatus {
    Open,
    Done {
        evidence: Note,
        by: Name,
        at_ms: u64,
    },
    /// Re-tested at a later drill of the scenario and it held.
    Verified {
        evidence: Note,
        in_run: RunId,
        at_ms: u64,
    },
}

/// A corrective action: what to improve, who owns it, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: ActionId,
    pub raised_in: RunId,
    pub scenario: Scenario,
    pub text: Note,
    pub owner: Name,
    pub due: NaiveDate,
    pub needs: Option<Need>,
    pub status: ActionStatus,
}

impl Action {
    pub fn is_closed(&self) -> bool {
        matches!(self.status, ActionStatus::Verified { .. })
    }
}

/// Every run and corrective action of the school, folded from its drill events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Drills {
    /// Newest start first.
    pub runs: Vec<Run>,
    pub actions: Vec<Action>,
    pub refused: Vec<RefusedEvent>,
}

impl Drills {
    /// Folds every drill event, in any arrival order: applied by clock, then author.
    pub fn fold<'a>(events: impl IntoIterator<Item = (Hlc, &'a Name, &'a DrillEvent)>) -> Self {
        let mut events: Vec<(Hlc, &Name, &DrillEvent)> = events.into_iter().collect();
        crate::order::sort_by(&mut events, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut runs: BTreeMap<RunId, Run> = BTreeMap::new();
        let mut actions: BTreeMap<ActionId, Action> = BTreeMap::new();
        let mut refused = Vec::new();
        for (hlc, by, event) in events {
            if let Err(why) = apply(&mut runs, &mut actions, hlc.wall, by, event) {
                refused.push(RefusedEvent {
                    run: event.run.clone(),
                    at_ms: hlc.wall,
                    by: by.clone(),
                    why,
                });
            }
        }
        let mut runs: Vec<Run> = runs.into_values().collect();
        crate::order::sort_by(&mut runs, |a, b| {
            b.started_ms.cmp(&a.started_ms).then(a.id.cmp(&b.id))
        });
        let mut actions: Vec<Action> = actions.into_values().collect();
        crate::order::sort_by(&mut actions, |a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
        Drills {
            runs,
            actions,
            refused,
        }
    }

    pub fn run(&self, id: &RunId) -> Option<&Run> {
        self.runs.iter().find(|r| &r.id == id)
    }

    /// The actions a drill of `scenario` starting now should re-test: raised in earlier
    /// drills of the scenario and not yet verified.
    pub fn to_retest(&self, scenario: Scenario) -> Vec<&Action> {
        self.actions
            .iter()
            .filter(|a| a.scenario == scenario && !a.is_closed())
            .collect()
    }

    /// The equipment open corrective actions need, for the store's order list: each with
    /// the action's text. An action reported done no longer asks for it.
    pub fn equipment_needs(&self) -> Vec<(&Need, &Note)> {
        self.actions
            .iter()
            .filter(|a| a.status == ActionStatus::Open)
            .filter_map(|a| a.needs.as_ref().map(|n| (n, &a.text)))
            .collect()
    }

    /// What `run`'s review asks about: each action of its scenario raised in an earlier
    /// drill and not verified by another drill, with the answer already given (held or not),
    /// if any.
    pub fn retest_asks(&self, run: &Run) -> Vec<(&Action, Option<bool>)> {
        self.actions
            .iter()
            .filter(|a| {
                let verified_elsewhere = matches!(
                    &a.status,
                    ActionStatus::Verified { in_run, .. } if in_run != &run.id
                );
                !verified_elsewhere
                    && a.scenario == run.scenario()
                    && self
                        .run(&a.raised_in)
                        .is_some_and(|earlier| earlier.started_ms < run.started_ms)
            })
            .map(|a| {
                let answered = run
                    .retested
                    .iter()
                    .find(|(id, _)| id == &a.id)
                    .map(|(_, held)| *held);
                (a, answered)
            })
            .collect()
    }

    /// Actions not yet verified, the overdue first (by due date).
    pub fn open_actions(&self) -> Vec<&Action> {
        self.actions.iter().filter(|a| !a.is_closed()).collect()
    }
}

fn apply(
    runs: &mut BTreeMap<RunId, Run>,
    actions: &mut BTreeMap<ActionId, Action>,
    at_ms: u64,
    by: &Name,
    event: &DrillEvent,
) -> Result<(), Refused> {
    if let DrillAction::Start { plan, expected } = &event.act {
        if runs.contains_key(&event.run) {
            return Err(Refused::AlreadyStarted);
        }
        runs.insert(
            event.run.clone(),
            Run {
                id: event.run.clone(),
                plan: (**plan).clone(),
                expected: *expected,
                started_ms: at_ms,
                started_by: by.clone(),
                steps: vec![StepRun::default(); plan.steps.len()],
                headcounts: Vec::new(),
                finished_ms: None,
                strengths: Vec::new(),
                raised: Vec::new(),
                retested: Vec::new(),
            },
        );
        return Ok(());
    }
    let run = runs.get_mut(&event.run).ok_or(Refused::NotStarted)?;
    let finished = run.finished_ms.is_some();
    let step_of = |run: &mut Run, step: u8| -> Result<usize, Refused> {
        let i = usize::from(step)
            .checked_sub(1)
            .ok_or(Refused::NoSuchStep)?;
        if i < run.steps.len() {
            Ok(i)
        } else {
            Err(Refused::NoSuchStep)
        }
    };
    match &event.act {
        DrillAction::Start { .. } => unreachable!("handled above"),
        DrillAction::Step { step } => {
            if finished {
                return Err(Refused::Finished);
            }
            let i = step_of(run, *step)?;
            // Both phones may tap it: the first tap is when it was done.
            if run.steps[i].done.is_none() {
                run.steps[i].done = Some((at_ms, by.clone()));
            }
        }
        DrillAction::Note { step, note } => {
            let i = step_of(run, *step)?;
            run.steps[i].notes.push((by.clone(), note.clone()));
        }
        DrillAction::Headcount { accounted } => {
            if finished {
                return Err(Refused::Finished);
            }
            run.headcounts.push((at_ms, by.clone(), *accounted));
        }
        DrillAction::Finish {} => {
            if finished {
                return Err(Refused::Finished);
            }
            run.finished_ms = Some(at_ms);
        }
        DrillAction::Rate { step, rating } => {
            if !finished {
                return Err(Refused::NotFinished);
            }
            let i = step_of(run, *step)?;
            run.steps[i].rating = Some(*rating);
        }
        DrillAction::Strength { text } => {
            if !finished {
                return Err(Refused::NotFinished);
            }
            run.strengths.push(text.clone());
        }
        DrillAction::Improve {
            action,
            text,
            owner,
            due,
            needs,
        } => {
            if !finished {
                return Err(Refused::NotFinished);
            }
            if actions.contains_key(action) {
                return Err(Refused::NoSuchAction);
            }
            run.raised.push(action.clone());
            actions.insert(
                action.clone(),
                Action {
                    id: action.clone(),
                    raised_in: run.id.clone(),
                    scenario: run.scenario(),
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                    needs: needs.clone(),
                    status: ActionStatus::Open,
                },
            );
        }
        DrillAction::Done { action, evidence } => {
            let a = actions.get_mut(action).ok_or(Refused::NoSuchAction)?;
            if a.is_closed() {
                return Err(Refused::Closed);
            }
            // Reported done again: the newer evidence replaces the older.
            a.status = ActionStatus::Done {
                evidence: evidence.clone(),
                by: by.clone(),
                at_ms,
            };
        }
        DrillAction::Retest { action, held } => {
            let scenario = run.scenario();
            let started = run.started_ms;
            let run_id = run.id.clone();
            let a = actions.get_mut(action).ok_or(Refused::NoSuchAction)?;
            let raised_at = runs_started(runs, &a.raised_in);
            if a.scenario != scenario || raised_at.is_none_or(|t| t >= started) {
                return Err(Refused::WrongDrill);
            }
            match (&a.status, held) {
                (ActionStatus::Verified { .. }, _) => return Err(Refused::Closed),
                (ActionStatus::Done { evidence, .. }, true) => {
                    a.status = ActionStatus::Verified {
                        evidence: evidence.clone(),
                        in_run: run_id.clone(),
                        at_ms,
                    };
                }
                // Not done yet, or it did not hold: it stays open for the next drill.
                (_, _) => {
                    if let ActionStatus::Done { .. } = a.status {
                        a.status = ActionStatus::Open;
                    }
                }
            }
            if let Some(run) = runs.get_mut(&run_id) {
                run.retested.push((action.clone(), *held));
            }
        }
    }
    Ok(())
}

fn runs_started(runs: &BTreeMap<RunId, Run>, id: &RunId) -> Option<u64> {
    runs.get(id).map(|r| r.started_ms)
}

#[cfg(test)]
mod tests;
