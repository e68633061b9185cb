//! The drills' words: scenarios, owners, ratings, standings, refusals and accountability.

use guardpost_domain::drills::report::clock;
use guardpost_domain::drills::run::Refused;
use guardpost_domain::drills::{Owner, Rating, Standing};
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};
use crate::widgets::labelled;

type I18n = I18nContext<Locale>;

// A scenario's name is shared: the list of changes names a plan's scenario too.
pub use crate::widgets::{scenario_name as scenario, scenario_name_in as scenario_in};

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

/// How long accounting for everyone took and how many are accounted for (`m:ss · n/N`), or
/// that not everyone is yet (`… · n/N`).
pub fn accountability(
    i18n: I18n,
    seconds: Option<u64>,
    accounted: Option<u16>,
    expected: u16,
) -> String {
    let counted = format!("{}/{expected}", accounted.unwrap_or(0));
    match seconds {
        Some(s) => format!("{} · {counted}", clock(s)),
        None => format!("{} · {counted}", t_string!(i18n, drills.not_accounted)),
    }
}

/// [`accountability`] as a sentence: the time labelled once everyone is accounted for.
pub fn accountability_sentence(
    i18n: I18n,
    seconds: Option<u64>,
    accounted: Option<u16>,
    expected: u16,
) -> String {
    let text = accountability(i18n, seconds, accounted, expected);
    match seconds {
        Some(_) => labelled(i18n, t_string!(i18n, drills.accountability), text),
        None => text,
    }
}
