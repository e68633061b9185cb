//! Small pieces shared by pages.

use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::Session;
use guardpost_domain::checkins::Symptom;
use guardpost_domain::checkins::temperature::TemperatureError;
use guardpost_domain::sync::op::OpInvalid;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};

/// The name of a check of the day, in the person's language.
pub fn session_label(i18n: I18nContext<Locale>, session: Session) -> &'static str {
    match session {
        Session::Morning => t_string!(i18n, checkins.morning),
        Session::Noon => t_string!(i18n, checkins.noon),
        Session::Evening => t_string!(i18n, checkins.evening),
    }
}

/// A one-line description of a change, for lists of changes.
pub fn describe(i18n: I18nContext<Locale>, payload: &Payload) -> String {
    match payload {
        Payload::SessionCheck(c) => format!(
            "{} {} {} · {} {} · {} {} · {} {}",
            c.class,
            c.date,
            session_label(i18n, c.session),
            t_string!(i18n, checkins.present),
            c.present,
            t_string!(i18n, checkins.absent),
            c.absent,
            t_string!(i18n, checkins.fever),
            c.fever
        ),
        Payload::StockMovement(m) => format!("{} {:+}", m.item, m.delta),
        Payload::SetField(s) => format!("{} · {}", s.doc, s.field),
        Payload::Student(s) => format!("{} {} · {}", s.number, s.name, s.class),
        Payload::StaffHealth(h) => format!(
            "{} · {}",
            h.date,
            h.temperature.map(|t| format!("{t} °C")).unwrap_or_default()
        ),
        Payload::Certificate(c) => format!("{} · {} · {}", c.student, c.date, c.issuer),
    }
}

/// Why a change is invalid, in the person's language.
pub fn invalid_text(i18n: I18nContext<Locale>, problem: &OpInvalid) -> &'static str {
    match problem {
        OpInvalid::WrongStream { .. }
        | OpInvalid::BadId { .. }
        | OpInvalid::TooManySupersedes { .. } => {
            t_string!(i18n, invalid.malformed)
        }
        OpInvalid::HeadcountTooLarge { .. } => t_string!(i18n, invalid.headcount),
        OpInvalid::FeverOverPresent | OpInvalid::FeverUndercounted => {
            t_string!(i18n, invalid.fever)
        }
        OpInvalid::AbsencesMismatch => t_string!(i18n, invalid.absences),
        OpInvalid::QuantityOutOfRange { .. } => t_string!(i18n, invalid.quantity),
        OpInvalid::ValueTooLarge { .. } | OpInvalid::Text { .. } => t_string!(i18n, invalid.text),
        OpInvalid::Unreadable { .. } => t_string!(i18n, invalid.unreadable),
        OpInvalid::DateOutOfRange { .. } => t_string!(i18n, invalid.date),
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
    use crate::sync::engine::RecordError;
    match result {
        Ok(()) => (true, t_string!(i18n, checkins.saved).to_owned()),
        Err(RecordError::Invalid(problem)) => (
            false,
            format!(
                "{} {}",
                t_string!(i18n, checkins.invalid),
                invalid_text(i18n, &problem)
            ),
        ),
        Err(RecordError::Storage(e)) => (
            false,
            format!("{} {e}", t_string!(i18n, checkins.storage_failed)),
        ),
        Err(RecordError::SignedOut) => (false, t_string!(i18n, checkins.signed_out).to_owned()),
    }
}

/// The changes kept aside when this device was signed out before they synced: listed, and,
/// once someone is signed in again, sent again or let go.
#[leptos::component]
pub fn SetAsideList() -> impl leptos::IntoView {
    use leptos::prelude::*;

    use crate::i18n::{t, use_i18n};
    use crate::sync::engine::{discard_set_aside, resend_set_aside, use_sync};

    let i18n = use_i18n();
    let view = use_sync();
    let (message, set_message) = signal(None::<(bool, String)>);
    let signed_in = move || view.session.get().is_some();
    let resend = move |_| {
        leptos::task::spawn_local(async move {
            let outcome = resend_set_aside(view).await.map(drop);
            set_message.set(Some(record_outcome(i18n, outcome)));
        });
    };
    view! {
        <Show when=move || !view.set_aside.get().is_empty()>
            <div class="card warning" data-testid="set-aside">
                <p>{move || format!("{} {}", t_string!(i18n, sync_page.set_aside), view.set_aside.get().len())}</p>
                <ul>
                    {move || view.set_aside.get().into_iter().map(|(_, draft)| view! { <li>{describe(i18n, &draft.payload)}</li> }).collect_view()}
                </ul>
                <Show when=signed_in fallback=move || view! { <p class="muted-text">{t!(i18n, sync_page.set_aside_sign_in)}</p> }>
                    <div class="actions">
                        <button type="button" class="primary" on:click=resend>{t!(i18n, sync_page.set_aside_resend)}</button>
                        <button type="button" on:click=move |_| discard_set_aside(view)>{t!(i18n, sync_page.set_aside_discard)}</button>
                    </div>
                </Show>
            </div>
        </Show>
        {move || message.get().map(|(ok, text)| view! {
            <p class=if ok { "notice ok" } else { "notice error" } role="status">{text}</p>
        })}
    }
}
