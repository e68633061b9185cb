use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::status::Case;
use guardpost_domain::checkins::view::certificate_date;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use guardpost_domain::checkins::{Note, ReturnCertificate, StudentId};
use guardpost_domain::sync::Stream;
use guardpost_domain::text::{Name, optional};
use leptos::prelude::*;

use super::school_tz;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync};
use crate::widgets::{Outcome, TextField, record_outcome};

/// What the doctor has typed into each case's certificate form, and which forms are open.
/// The day's view keeps it, outside what it redraws: a sync bringing another class's check
/// redraws the cases, and must not close the form she is filling in or lose what she typed.
#[derive(Clone, Copy)]
pub(super) struct Drafts(StoredValue<BTreeMap<(StudentId, NaiveDate), Draft>>);

#[derive(Clone, Default)]
struct Draft {
    open: bool,
    issuer: String,
    note: String,
    date: Option<String>,
}

impl Drafts {
    pub(super) fn new() -> Self {
        Self(StoredValue::new(BTreeMap::new()))
    }

    fn of(self, case: &Case) -> Draft {
        self.0
            .with_value(|drafts| drafts.get(&key(case)).cloned())
            .unwrap_or_default()
    }

    fn edit(self, case: &Case, f: impl FnOnce(&mut Draft)) {
        self.0
            .update_value(|drafts| f(drafts.entry(key(case)).or_default()));
    }

    fn forget(self, case: &Case) {
        self.0.update_value(|drafts| {
            drafts.remove(&key(case));
        });
    }
}

fn key(case: &Case) -> (StudentId, NaiveDate) {
    (case.student.clone(), case.opened)
}

/// Records a return-to-class certificate for a case. The form is built when the doctor
/// first opens it: a school with hundreds of open cases would otherwise build hundreds of
/// forms each time the day's view redraws.
#[component]
pub(super) fn CertificateForm(
    case: Case,
    name: String,
    drafts: Drafts,
    #[prop(into)] on_closed: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let was_open = drafts.of(&case).open;
    let (opened, set_opened) = signal(was_open);
    let toggled = {
        let case = case.clone();
        move |ev: leptos::ev::Event| {
            let open = event_target::<web_sys::Element>(&ev).has_attribute("open");
            drafts.edit(&case, |d| d.open = open);
            if open {
                set_opened.set(true);
            }
        }
    };
    view! {
        <details class="certificate" open=was_open on:toggle=toggled>
            <summary>{t!(i18n, today.certificate)}</summary>
            {move || opened.get().then(|| view! { <CertificateFields case=case.clone() name=name.clone() drafts on_closed/> })}
        </details>
    }
}

#[component]
fn CertificateFields(
    case: Case,
    name: String,
    drafts: Drafts,
    #[prop(into)] on_closed: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let draft = drafts.of(&case);
    let (issuer, set_issuer) = signal(draft.issuer);
    let (note, set_note) = signal(draft.note);
    let (date, set_date) = signal(
        draft
            .date
            .unwrap_or_else(|| tz.date_at_ms(school_now_ms()).to_string()),
    );
    {
        let case = case.clone();
        Effect::new(move |_| {
            let (issuer, note, date) = (issuer.get(), note.get(), date.get());
            drafts.edit(&case, |d| {
                d.issuer = issuer;
                d.note = note;
                d.date = Some(date);
            });
        });
    }
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
        let Ok(note) = optional(&note.get_untracked(), Note::parse) else {
            set_message.set(Some((false, t_string!(i18n, today.p_note).to_owned())));
            return;
        };
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
        let closing = case.clone();
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(view, Stream::Health, Payload::Certificate(cert)).await,
            );
            if outcome.0 {
                drafts.forget(&closing);
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
