//! What every area shows alike: names of sessions, symptoms and changes in the person's
//! language, why a change was refused, how a recorded change went, and the components that
//! show those.

// Only the class build still has areas it leaves to the office.
#[cfg(not(feature = "office"))]
mod area;
mod conflict;
mod dom;
mod file;
mod next_task;
mod notice;
mod set_aside;
// A signature is asked for wherever stock leaves the store: the store's forms and a drill's.
#[cfg(feature = "office")]
mod signature;
#[cfg(feature = "office")]
mod stock_form;
mod sync_mark;
mod words;

#[cfg(not(feature = "office"))]
pub use area::EmptyArea;
pub use conflict::Conflict;
pub use dom::element;
pub use file::{PrintButton, download};
pub use next_task::{NextTask, after_queued, next_task};
pub use notice::{FieldProblem, Outcome, TextField};
pub use set_aside::SetAsideList;
#[cfg(feature = "office")]
pub use signature::{SignaturePad, SignatureView, encode};
#[cfg(feature = "office")]
pub use stock_form::{form_problem, signature_problem};
pub use sync_mark::{Mark, SyncMark};
pub use words::{aside, labelled, listed};

use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::Session;
use guardpost_domain::checkins::Symptom;
use guardpost_domain::checkins::temperature::TemperatureError;
use guardpost_domain::refusals::Problem;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string, td_string};

/// The name of a check of the day, in the person's language.
pub fn session_label(i18n: I18nContext<Locale>, session: Session) -> &'static str {
    session_label_in(i18n.get_locale(), session)
}

/// A check's numbers as every screen shows them: "实到 30 · 缺勤 1 · 发热 0".
pub fn counts_in(locale: Locale, present: u16, absent: u16, fever: u16) -> String {
    format!(
        "{} {present} · {} {absent} · {} {fever}",
        td_string!(locale, checkins.present),
        td_string!(locale, checkins.absent),
        td_string!(locale, checkins.fever),
    )
}

/// [`session_label`] in a given language, for what is drawn without the i18n context.
pub fn session_label_in(locale: Locale, session: Session) -> &'static str {
    match session {
        Session::Morning => td_string!(locale, checkins.morning),
        Session::Noon => td_string!(locale, checkins.noon),
        Session::Evening => td_string!(locale, checkins.evening),
    }
}

/// A one-line description of a change, for lists of changes.
pub fn describe(i18n: I18nContext<Locale>, payload: &Payload) -> String {
    match payload {
        Payload::SessionCheck(c) => format!(
            "{} {} {} · {}",
            c.class,
            c.date,
            session_label(i18n, c.session),
            counts_in(i18n.get_locale(), c.present, c.absent, c.fever)
        ),
        Payload::StockMovement(m) => format!(
            "{} · {} {}{} · {}",
            m.lot.item,
            t_string!(i18n, supplies.lot),
            m.lot.lot,
            m.lot
                .expires
                .map(|d| format!(" · {} {d}", t_string!(i18n, supplies.expires)))
                .unwrap_or_default(),
            m.quantity
        ),
        Payload::SupplyItem(item) => format!("{} · {}", item.name, item.id),
        Payload::Contact(c) => format!("{} · {}", c.name, c.phone),
        Payload::RefillRequest(r) => format!(
            "{} · {}",
            r.class,
            listed(
                i18n,
                &r.items
                    .iter()
                    .map(|l| format!("{} × {}", l.item, l.quantity))
                    .collect::<Vec<_>>()
            )
        ),
        Payload::Notice(event) => {
            use guardpost_domain::notices::workflow::Action;
            let step = match &event.step {
                Action::Edit { content } => content.title_zh.to_string(),
                Action::Submit {} => t_string!(i18n, notices.step_submit).to_owned(),
                Action::Return { .. } => t_string!(i18n, notices.step_return).to_owned(),
                Action::Approve {} => t_string!(i18n, notices.step_approve).to_owned(),
                Action::Withdraw {} => t_string!(i18n, notices.step_withdraw).to_owned(),
            };
            format!("{} · {step}", event.notice)
        }
        Payload::RefillAnswer(a) => format!(
            "{} · {}",
            a.class,
            match a.outcome {
                guardpost_domain::supplies::refill::RefillOutcome::Issued => {
                    t_string!(i18n, supplies.refill_issued)
                }
                guardpost_domain::supplies::refill::RefillOutcome::Declined => {
                    t_string!(i18n, supplies.refill_declined)
                }
            }
        ),
        Payload::SetField(s) => format!("{} · {}", s.doc, s.field),
        Payload::Student(s) => format!("{} {} · {}", s.number, s.name, s.class),
        Payload::StaffHealth(h) => format!(
            "{} · {}",
            h.date,
            h.temperature.map(|t| format!("{t} °C")).unwrap_or_default()
        ),
        Payload::Certificate(c) => format!("{} · {} · {}", c.student, c.date, c.issuer),
        #[cfg(feature = "office")]
        Payload::DrillPlan(p) => format!("{} · {}", scenario_name(i18n, p.scenario), p.steps.len()),
        // The drill changes, where the domain carries them (the office's build).
        #[allow(unreachable_patterns)]
        other => other.drill_summary().unwrap_or_default(),
    }
}

/// What is wrong with a change, in the person's language.
pub fn problem_text(i18n: I18nContext<Locale>, problem: Problem) -> &'static str {
    problem_text_in(i18n.get_locale(), problem)
}

/// [`problem_text`] in a given language.
pub fn problem_text_in(locale: Locale, problem: Problem) -> &'static str {
    match problem {
        Problem::Malformed => td_string!(locale, invalid.malformed),
        Problem::Headcount => td_string!(locale, invalid.headcount),
        Problem::Fever => td_string!(locale, invalid.fever),
        Problem::Absences => td_string!(locale, invalid.absences),
        Problem::Quantity => td_string!(locale, invalid.quantity),
        Problem::Text => td_string!(locale, invalid.text),
        Problem::Unreadable => td_string!(locale, invalid.unreadable),
        Problem::Date => td_string!(locale, invalid.date),
        Problem::Expired => td_string!(locale, invalid.expired),
    }
}

/// A symptom's name in the person's language.
pub fn symptom_label(i18n: I18nContext<Locale>, symptom: Symptom) -> &'static str {
    match symptom {
        Symptom::Fever => t_string!(i18n, symptoms.fever),
        Symptom::Cough => t_string!(i18n, symptoms.cough),
        Symptom::Fatigue => t_string!(i18n, symptoms.fatigue),
        Symptom::Diarrhoea => t_string!(i18n, symptoms.diarrhoea),
        Symptom::LossOfSmellTaste => t_string!(i18n, symptoms.loss_of_smell_taste),
        Symptom::Other => t_string!(i18n, symptoms.other),
    }
}

/// Why a temperature was refused, in the person's language.
pub fn temperature_error(i18n: I18nContext<Locale>, e: &TemperatureError) -> &'static str {
    match e {
        TemperatureError::NotANumber => t_string!(i18n, checkins.temp_not_number),
        TemperatureError::OutOfRange => t_string!(i18n, checkins.temp_out_of_range),
    }
}

/// How a recorded change went, in the person's language: (saved, what to show).
pub fn record_outcome(
    i18n: I18nContext<Locale>,
    result: Result<(), crate::sync::engine::RecordError>,
) -> (bool, String) {
    record_outcome_in(i18n.get_locale(), result)
}

/// [`record_outcome`] in a given language.
pub fn record_outcome_in(
    locale: Locale,
    result: Result<(), crate::sync::engine::RecordError>,
) -> (bool, String) {
    use crate::sync::engine::RecordError;
    match result {
        Ok(()) => (true, td_string!(locale, checkins.saved).to_owned()),
        Err(RecordError::Invalid(problem)) => (
            false,
            format!(
                "{} {}",
                td_string!(locale, checkins.invalid),
                problem_text_in(locale, problem.problem())
            ),
        ),
        Err(RecordError::Storage(e)) => (
            false,
            format!("{} {e}", td_string!(locale, checkins.storage_failed)),
        ),
        Err(RecordError::SignedOut) => (false, td_string!(locale, checkins.signed_out).to_owned()),
    }
}

/// A drill scenario's name, in the person's language.
#[cfg(feature = "office")]
pub fn scenario_name(
    i18n: I18nContext<Locale>,
    s: guardpost_domain::drills::Scenario,
) -> &'static str {
    scenario_name_in(i18n.get_locale(), s)
}

/// A drill scenario's name in one language, whatever the screen's (a notice has both).
#[cfg(feature = "office")]
pub fn scenario_name_in(locale: Locale, s: guardpost_domain::drills::Scenario) -> &'static str {
    use crate::i18n::td_string;
    use guardpost_domain::drills::Scenario;
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
