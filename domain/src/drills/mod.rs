//! Drills (应急演练): plans per scenario, the term's required drills and their compliance, run
//! mode with step timing, the review with its corrective actions, and the reports. At least
//! one drill per term, and each must leave the school better prepared (000 ch.6).

pub mod event;
pub mod plan;
pub mod report;
pub mod run;
pub mod templates;
pub mod term;

use std::collections::BTreeMap;

use chrono::NaiveDate;

pub use plan::{Owner, Plan, PlanStep, Scenario, StepText};
pub use run::{
    Action, ActionId, ActionStatus, DrillAction, DrillEvent, Drills, Need, Note, Rating, Run, RunId,
};
pub use term::{Half, Standing, Term, TermPlan, compliance};

use crate::school::{Role, SchoolTimeZone};
use crate::sync::{Hlc, versions};
use crate::text::Name;

/// A drills change, as the school's one change type carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrillChange<'a> {
    Plan(&'a Plan),
    Term(&'a TermPlan),
    Event(&'a DrillEvent),
}

/// Which changes are the drills': the school's one change type says so for its kinds.
pub trait AsDrill {
    fn drill(&self) -> Option<DrillChange<'_>>;
}

/// Everything about the school's drills, from the changes held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrillBook {
    /// The school's own plans (a scenario without one uses its template).
    pub plans: BTreeMap<Scenario, Plan>,
    /// Per scenario: what a new write of its plan replaces (the kept version and the plans
    /// shown as not kept), and those plans, newest first.
    pub plan_versions: BTreeMap<Scenario, (Vec<Hlc>, Vec<versions::Unseen<Plan>>)>,
    pub terms: BTreeMap<Term, TermPlan>,
    /// Per term: what a new write of its plan replaces, and the term plans written alongside
    /// the kept one that require otherwise, newest first.
    pub term_versions: BTreeMap<Term, (Vec<Hlc>, Vec<versions::Unseen<TermPlan>>)>,
    pub drills: Drills,
}

impl DrillBook {
    /// Folds the changes: a later plan for a scenario, or a later term plan, replaces the
    /// earlier (by clock, then author, on every device alike); a plan or a term plan written
    /// alongside the kept one is kept aside to be shown.
    pub fn of<'a, P: AsDrill + 'a>(
        changes: impl IntoIterator<Item = (Hlc, &'a Name, &'a P)>,
    ) -> Self {
        let mut plans: Vec<(Hlc, &Name, &Plan)> = Vec::new();
        let mut terms: Vec<(Hlc, &Name, &TermPlan)> = Vec::new();
        let mut events = Vec::new();
        for (hlc, by, change) in changes {
            match change.drill() {
                Some(DrillChange::Plan(p)) => plans.push((hlc, by, p)),
                Some(DrillChange::Term(t)) => terms.push((hlc, by, t)),
                Some(DrillChange::Event(e)) => events.push((hlc, by, e)),
                _ => {}
            }
        }
        let plans = versions::of_records(plans, |p| p.scenario, |p: &Plan| &p.replaces);
        let terms = versions::of_records(terms, |t| t.term, |t: &TermPlan| &t.replaces);
        DrillBook {
            plan_versions: plans
                .iter()
                .map(|(s, v)| {
                    (
                        *s,
                        (v.replaced(), v.unseen.iter().map(|u| u.owned()).collect()),
                    )
                })
                .collect(),
            plans: plans
                .into_iter()
                .map(|(s, v)| (s, v.current.record.clone()))
                .collect(),
            term_versions: terms
                .iter()
                .map(|(t, v)| {
                    // One that requires the same drills on the same dates loses nothing.
                    let differing = v
                        .unseen
                        .iter()
                        .filter(|u| u.record.required != v.current.record.required)
                        .map(|u| u.owned())
                        .collect();
                    (*t, (v.replaced(), differing))
                })
                .collect(),
            terms: terms
                .into_iter()
                .map(|(t, v)| (t, v.current.record.clone()))
                .collect(),
            drills: Drills::fold(events),
        }
    }

    /// What an edit of `scenario`'s plan replaces: the kept version and the plans shown as
    /// not kept; for the template, which no write holds, the version at clock zero, so that
    /// two first edits made alongside each other show as such.
    pub fn replaced_by_edit(&self, scenario: Scenario) -> Vec<Hlc> {
        self.plan_versions
            .get(&scenario)
            .map(|(replaced, _)| replaced.clone())
            .unwrap_or_else(|| vec![Hlc::default()])
    }

    /// What an edit of `term`'s plan replaces: the kept version and the term plans shown as
    /// not kept; for a term with no plan yet, the version at clock zero, so that two first
    /// plans made alongside each other show as such.
    pub fn replaced_by_term_edit(&self, term: Term) -> Vec<Hlc> {
        self.term_versions
            .get(&term)
            .map(|(replaced, _)| replaced.clone())
            .unwrap_or_else(|| vec![Hlc::default()])
    }

    /// The plan a drill of `scenario` runs: the school's, else the template.
    pub fn plan(&self, scenario: Scenario) -> Plan {
        self.plans
            .get(&scenario)
            .cloned()
            .unwrap_or_else(|| templates::template(scenario))
    }

    /// The term's required drills and where each stands on `today` (none if the term has no
    /// plan yet).
    pub fn standing(&self, tz: SchoolTimeZone, today: NaiveDate) -> Vec<(Scenario, Standing)> {
        self.terms
            .get(&Term::of(today))
            .map(|plan| compliance(plan, &self.drills.runs, tz, today))
            .unwrap_or_default()
    }

    /// What the start screen of an admin or logistics raises: this term's overdue drills.
    pub fn overdue(&self, tz: SchoolTimeZone, today: NaiveDate) -> Vec<(Scenario, NaiveDate)> {
        self.standing(tz, today)
            .into_iter()
            .filter_map(|(s, st)| match st {
                Standing::Overdue { since } => Some((s, since)),
                _ => None,
            })
            .collect()
    }
}

/// Who plans drills, sets the term's and reviews them: logistics and the office.
pub fn may_manage(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Logistics)
}

/// Who may tap steps, add notes and count heads on a running drill: also the doctor, whose
/// phone runs her part.
pub fn may_tap(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Logistics | Role::Health)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod versions_tests;
