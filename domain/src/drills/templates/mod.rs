//! The drill plan templates shipped with the app, one per scenario (000 6.1; 001 §二; 002 篇5
//! (三)4, (四)4, (五)2; 003 篇一 §4, §6, §9, §11–§16, §19 and 篇二, 篇三; 004 §二, §三).

mod cases;
mod day;

use super::plan::{Owner, Plan, PlanStep, Scenario, StepText};
use cases::{close_contact, confirmed_in_class, isolation_transfer, suspected_at_gate};
use day::{dismissal, entry_screening, meals};

/// The template a school starts from for `scenario`.
pub fn template(scenario: Scenario) -> Plan {
    let steps = match scenario {
        Scenario::SuspectedAtGate => suspected_at_gate(),
        Scenario::ConfirmedInClass => confirmed_in_class(),
        Scenario::CloseContact => close_contact(),
        Scenario::EntryScreening => entry_screening(),
        Scenario::Meals => meals(),
        Scenario::Dismissal => dismissal(),
        Scenario::IsolationTransfer => isolation_transfer(),
    };
    Plan {
        scenario,
        steps,
        replaces: Vec::new(),
    }
}

// The templates are constants checked by the test below, so a step too long to parse is a
// failing test rather than a panic on someone's phone.
fn step(zh: &str, en: &str, owner: Owner, target_s: u32) -> PlanStep {
    PlanStep {
        zh: StepText::parse(zh).unwrap_or_else(|e| unreachable!("{zh:?}: {e}")),
        en: Some(StepText::parse(en).unwrap_or_else(|e| unreachable!("{en:?}: {e}"))),
        owner,
        target_s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn every_scenario_has_a_valid_template() {
        for s in Scenario::ALL {
            let plan = template(s);
            assert_eq!(plan.scenario, s);
            assert_eq!(plan.validate(&crate::sync::Stream::Drills), Ok(()));
            assert!(plan.steps.iter().all(|st| st.en.is_some()));
        }
    }
}
