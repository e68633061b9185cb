//! The drills' words: scenarios, owners, ratings, standings and refusals.

use guardpost_domain::drills::run::Refused;
use guardpost_domain::drills::{Owner, Rating, Scenario, Standing};
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};

type I18n = I18nContext<Locale>;

pub fn scenario(i18n: I18n, s: Scenario) -> &'static str {
    match s {
        Scenario::SuspectedAtGate => t_string!(i18n, drills.sc_suspected_at_gate),
        Scenario::ConfirmedInClass => t_string!(i18n, drills.sc_confirmed_in_class),
        Scenario::CloseContact => t_string!(i18n, drills.sc_close_contact),
        Scenario::EntryScreening => t_string!(i18n, drills.sc_entry_screening),
        Scenario::Meals => t_string!(i18n, drills.sc_meals),
        Scenario::Dismissal => t_string!(i18n, drills.sc_dismissal),
        Scenario::IsolationTransfer => t_string!(i18n, drills.sc_isolation_transfer),
    }
}

/// A scenario's name in one language, whatever the screen's (a notice has both).
pub fn scenario_in(locale: Locale, s: Scenario) -> &'static str {
    use crate::i18n::td_string;
    match s {
        Scenario::SuspectedAtGate => td_string!(locale, drills.sc_suspected_at_gate),
        Scenario::ConfirmedInClass => td_string!(locale, drills.sc_confirmed_in_class),
        Scenario::CloseContact => td_string!(locale, drills.sc_close_contact),
        Scenario::EntryScreening => td_string!(locale, drills.sc_entry_screening),
        Scenario::Meals => td_string!(locale, drills.sc_meals),
        Scenario::Dismissal => td_string!(locale, drills.sc_dismissal),
        Scenario::IsolationTransfer => td_string!(locale, drills.sc_isolation_transfer),
    }
}

pub fn owner(i18n: I18n, o: Owner) -> &'static str {
    match o {
        Owner::Leader => t_string!(i18n, drills.o_leader),
        Owner::Doctor => t_string!(i18n, drills.o_doctor),
        Owner::Logistics => t_string!(i18n, drills.o_logistics),
        Owner::ClassTeacher => t_string!(i18n, drills.o_class_teacher),
        Owner::Gate => t_string!(i18n, drills.o_gate),
    }
}

pub const OWNERS: [Owner; 5] = [
    Owner::Leader,
    Owner::Doctor,
    Owner::Logistics,
    Owner::ClassTeacher,
    Owner::Gate,
];

pub fn rating(i18n: I18n, r: Rating) -> &'static str {
    match r {
        Rating::Performed => t_string!(i18n, drills.r_performed),
        Rating::SomeChallenges => t_string!(i18n, drills.r_some),
        Rating::MajorChallenges => t_string!(i18n, drills.r_major),
        Rating::Unable => t_string!(i18n, drills.r_unable),
    }
}

/// A standing's badge text and class.
pub fn standing(i18n: I18n, s: Standing) -> (String, &'static str) {
    match s {
        Standing::Done { on } => (format!("{} {on}", t_string!(i18n, drills.st_done)), "ok"),
        Standing::Scheduled { on: Some(on) } => {
            (format!("{} {on}", t_string!(i18n, drills.st_scheduled)), "")
        }
        Standing::Scheduled { on: None } => (t_string!(i18n, drills.st_unscheduled).to_owned(), ""),
        Standing::DueSoon { by } => (
            format!("{} {by}", t_string!(i18n, drills.st_due_soon)),
            "warn",
        ),
        Standing::Overdue { since } => (
            format!("{} {since}", t_string!(i18n, drills.st_overdue)),
            "error",
        ),
    }
}

pub fn refused(i18n: I18n, r: Refused) -> &'static str {
    match r {
        Refused::NotStarted => t_string!(i18n, drills.refused_not_started),
        Refused::AlreadyStarted => t_string!(i18n, drills.refused_already_started),
        Refused::Finished => t_string!(i18n, drills.refused_finished),
        Refused::NotFinished => t_string!(i18n, drills.refused_not_finished),
        Refused::NoSuchStep => t_string!(i18n, drills.refused_no_such_step),
        Refused::NoSuchAction => t_string!(i18n, drills.refused_no_such_action),
        Refused::WrongDrill => t_string!(i18n, drills.refused_wrong_drill),
        Refused::Closed => t_string!(i18n, drills.refused_closed),
    }
}
