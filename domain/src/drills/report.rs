//! The drill report (plan, timings against targets, ratings, actions) and the term summary
//! (drills done, actions open), as view models for the print page and as CSV.

use chrono::NaiveDate;

use super::plan::{Owner, Scenario};
use super::run::{Action, ActionStatus, Drills, Rating, Run};
use super::term::{Standing, Term};
use crate::school::SchoolTimeZone;

/// One step's line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLine {
    pub number: usize,
    pub zh: String,
    pub en: Option<String>,
    pub owner: Owner,
    pub target_s: u32,
    /// Seconds after the start, if done.
    pub actual_s: Option<u64>,
    /// Done later than its target, or not done at all.
    pub late: bool,
    pub rating: Option<Rating>,
    /// Who noted what, in the order noted.
    pub notes: Vec<(String, String)>,
}

impl StepLine {
    /// The step in the reader's language: English where the plan has it.
    pub fn text(&self, english: bool) -> &str {
        match (&self.en, english) {
            (Some(en), true) => en,
            _ => &self.zh,
        }
    }
}

/// How a report's CSV says its words in the reader's language.
pub struct CsvWords<'a> {
    pub english: bool,
    pub owner: &'a dyn Fn(Owner) -> String,
    pub rating: &'a dyn Fn(Rating) -> String,
    /// Who noted it, and the note, as one text.
    pub note: &'a dyn Fn(&str, &str) -> String,
}

/// A drill's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillReport {
    pub scenario: Scenario,
    pub started: String,
    pub finished: Option<String>,
    pub expected: u16,
    pub accounted: Option<u16>,
    /// Seconds from the start until everyone was accounted for.
    pub accountability_s: Option<u64>,
    pub steps: Vec<StepLine>,
    pub on_time: usize,
    pub strengths: Vec<String>,
    pub actions: Vec<Action>,
    /// Earlier actions this drill re-tested, and whether they held.
    pub retested: Vec<(Action, bool)>,
}

impl DrillReport {
    pub fn of(run: &Run, drills: &Drills, tz: SchoolTimeZone) -> Self {
        let steps: Vec<StepLine> = run
            .plan
            .steps
            .iter()
            .zip(&run.steps)
            .enumerate()
            .map(|(i, (plan, done))| {
                let actual_s = run.actual_s(i);
                StepLine {
                    number: i + 1,
                    zh: plan.zh.to_string(),
                    en: plan.en.as_ref().map(|e| e.to_string()),
                    owner: plan.owner,
                    target_s: plan.target_s,
                    actual_s,
                    late: actual_s.is_none_or(|a| a > u64::from(plan.target_s)),
                    rating: done.rating,
                    notes: done
                        .notes
                        .iter()
                        .map(|(by, n)| (by.to_string(), n.to_string()))
                        .collect(),
                }
            })
            .collect();
        let action = |id: &super::run::ActionId| drills.actions.iter().find(|a| &a.id == id);
        DrillReport {
            scenario: run.scenario(),
            started: tz.local_minute_at_ms(run.started_ms).unwrap_or_default(),
            finished: run.finished_ms.and_then(|ms| tz.local_minute_at_ms(ms)),
            expected: run.expected,
            accounted: run.accounted(),
            accountability_s: run.accountability_ms().map(|ms| ms / 1000),
            on_time: steps.iter().filter(|s| !s.late).count(),
            steps,
            strengths: run.strengths.iter().map(|s| s.to_string()).collect(),
            actions: run.raised.iter().filter_map(action).cloned().collect(),
            retested: run
                .retested
                .iter()
                .filter_map(|(id, held)| action(id).map(|a| (a.clone(), *held)))
                .collect(),
        }
    }

    /// The report's steps as CSV rows: number, step, owner, target and actual seconds, late
    /// (1 or 0), rating, notes. The header is the caller's, in the reader's language.
    pub fn csv_rows(&self, words: &CsvWords) -> Vec<[String; 8]> {
        self.steps
            .iter()
            .map(|s| {
                [
                    s.number.to_string(),
                    s.text(words.english).to_owned(),
                    (words.owner)(s.owner),
                    s.target_s.to_string(),
                    s.actual_s.map(|a| a.to_string()).unwrap_or_default(),
                    if s.late { "1" } else { "0" }.to_owned(),
                    s.rating.map(words.rating).unwrap_or_default(),
                    s.notes
                        .iter()
                        .map(|(by, n)| (words.note)(by, n))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect()
    }
}

/// Seconds as `m:ss` (targets and actual times of a drill).
pub fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A term's summary: the drills run in it, where each required one stands, and the open
/// corrective actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSummary {
    pub term: Term,
    /// Finished drills of the term: scenario, school date, steps on time of all.
    pub done: Vec<(Scenario, NaiveDate, usize, usize)>,
    pub standing: Vec<(Scenario, Standing)>,
    pub open_actions: Vec<Action>,
    /// Of those, the ones past their due date.
    pub overdue_actions: usize,
}

impl TermSummary {
    pub fn of(book: &super::DrillBook, tz: SchoolTimeZone, today: NaiveDate) -> Self {
        let term = Term::of(today);
        let mut done: Vec<(Scenario, NaiveDate, usize, usize)> = book
            .drills
            .runs
            .iter()
            .filter(|r| r.finished_ms.is_some())
            .map(|r| (r, tz.date_at_ms(r.started_ms)))
            .filter(|(_, d)| term.contains(*d))
            .map(|(r, d)| {
                let report = DrillReport::of(r, &book.drills, tz);
                (r.scenario(), d, report.on_time, report.steps.len())
            })
            .collect();
        crate::order::sort_by_key(&mut done, |(_, d, ..)| *d);
        let open_actions: Vec<Action> = book.drills.open_actions().into_iter().cloned().collect();
        let overdue_actions = open_actions
            .iter()
            .filter(|a| a.due < today && matches!(a.status, ActionStatus::Open))
            .count();
        TermSummary {
            term,
            done,
            standing: book.standing(tz, today),
            open_actions,
            overdue_actions,
        }
    }
}
