use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::status::Case;
use guardpost_domain::checkins::view::certificate_date;
use guardpost_domain::checkins::{Note, ReturnCertificate};
use guardpost_domain::sync::Stream;
use guardpost_domain::text::Name;
use leptos::prelude::*;

use super::school_tz;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync};
use crate::widgets::{Outcome, TextField, record_outcome};

/// Records a return-to-class certificate for a case. The form is built when the doctor
/// first opens it: a school with hundreds of open cases would otherwise build hundreds of
/// forms each time the day's view redraws. Once built it stays, keeping what was typed.
#[component]
pub(super) fn CertificateForm(
    case: Case,
    name: String,
    #[prop(into)] on_closed: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (opened, set_opened) = signal(false);
    view! {
        <details class="certificate">
            <summary on:click=move |_| set_opened.set(true)>{t!(i18n, today.certificate)}</summary>
            {move || opened.get().then(|| view! { <CertificateFields case=case.clone() name=name.clone() on_closed/> })}
        </details>
    }
}

#[component]
fn CertificateFields(
    case: Case,
    name: String,
    #[prop(into)] on_closed: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let (issuer, set_issuer) = signal(String::new());
    let (note, set_note) = signal(String::new());
    let (date, set_date) = signal(tz.date_at_ms(school_now_ms()).to_string());
    let (message, set_message) = signal(None::<(bool, String)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(issuer) = Name::parse(&issuer.get_untracked()) else {
            set_message.set(Some((
                false,
                t_string!(i18n, today.issuer_needed).to_owned(),
            )));
            return;
        };
        let note = Note::parse(&note.get_untracked()).ok();
        let today = tz.date_at_ms(school_now_ms());
        let Some(issued) = certificate_date(&date.get_untracked(), case.opened, today) else {
            set_message.set(Some((false, t_string!(i18n, today.date_needed).to_owned())));
            return;
        };
        let cert = ReturnCertificate {
            student: case.student.clone(),
            class: case.class.clone(),
            date: issued,
            issuer,
            note,
        };
        let student = name.clone();
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(view, Stream::Health, Payload::Certificate(cert)).await,
            );
            if outcome.0 {
                on_closed.run(format!("{} {student}", t_string!(i18n, today.case_closed)));
            }
            set_message.set(Some(outcome));
        });
    };
    view! {
        <form class="form" on:submit=submit>
            <TextField label=move || t_string!(i18n, today.issued_on) kind="date" name="issued-on" value=date set=set_date/>
            <TextField label=move || t_string!(i18n, today.issuer) kind="text" name="issuer" value=issuer set=set_issuer/>
            <TextField label=move || t_string!(i18n, today.note) kind="text" name="note" value=note set=set_note/>
            <button type="submit" class="primary">{t!(i18n, today.record_certificate)}</button>
            <Outcome message/>
        </form>
    }
}
