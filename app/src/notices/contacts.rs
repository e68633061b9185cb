//! The public page's emergency contacts, edited by logistics or the office (offline too):
//! each with its hours and a weekly duty rota. What a contact may hold and who edits it is
//! `guardpost_domain::notices::contacts`'.

use guardpost_domain::changes::Payload;
use guardpost_domain::notices::contacts::{
    self, ContactId, ContactInput, ContactKind, ContactProblem, ContactView, Day, EmergencyContact,
    new_contact_id,
};
use guardpost_domain::notices::workflow::AsNoticeEvent;
use guardpost_domain::sync::Stream;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync, with_replica};
use crate::widgets::{Conflict, FieldProblem, Mark, Outcome, SyncMark, labelled, record_outcome};

const KINDS: [ContactKind; 4] = [
    ContactKind::School,
    ContactKind::Clinic,
    ContactKind::Police,
    ContactKind::GovernmentDuty,
];

fn kind_label(i18n: I18nContext<Locale>, k: ContactKind) -> &'static str {
    match k {
        ContactKind::School => t_string!(i18n, notices.k_school),
        ContactKind::Clinic => t_string!(i18n, notices.k_clinic),
        ContactKind::Police => t_string!(i18n, notices.k_police),
        ContactKind::GovernmentDuty => t_string!(i18n, notices.k_duty),
    }
}

fn day_label(i18n: I18nContext<Locale>, d: Day) -> &'static str {
    match d {
        Day::Mon => t_string!(i18n, notices.mon),
        Day::Tue => t_string!(i18n, notices.tue),
        Day::Wed => t_string!(i18n, notices.wed),
        Day::Thu => t_string!(i18n, notices.thu),
        Day::Fri => t_string!(i18n, notices.fri),
        Day::Sat => t_string!(i18n, notices.sat),
        Day::Sun => t_string!(i18n, notices.sun),
    }
}

fn problem_label(i18n: I18nContext<Locale>, p: ContactProblem) -> String {
    match p {
        ContactProblem::Kind => t_string!(i18n, notices.p_contact_kind).to_owned(),
        ContactProblem::Name => t_string!(i18n, notices.p_contact_name).to_owned(),
        ContactProblem::Phone => t_string!(i18n, notices.p_contact_phone).to_owned(),
        ContactProblem::Hours => t_string!(i18n, notices.p_contact_hours).to_owned(),
        ContactProblem::Duty(day) => labelled(
            i18n,
            day_label(i18n, day),
            t_string!(i18n, notices.p_contact_duty),
        ),
    }
}

/// The contacts as the school's devices hold them, each with the edits it would lose.
fn current() -> Vec<ContactView> {
    with_replica(|r| {
        contacts::views(
            r.changes_by()
                .into_iter()
                .filter_map(|(hlc, by, p)| p.contact().map(|c| (hlc, by, c))),
        )
    })
    .unwrap_or_default()
}

#[component]
pub fn Contacts() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let list = move || {
        view.revision.track();
        current()
    };
    let may_edit = move || {
        view.session
            .get()
            .is_some_and(|s| contacts::may_edit(s.role))
    };
    // The contact being edited: its id, its form, and the version it edits (none when new).
    let editing = RwSignal::new(None::<(ContactId, ContactInput, Option<ContactView>)>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let save = move |contact: EmergencyContact| {
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(view, Stream::Notices, Payload::Contact(contact)).await,
            );
            if outcome.0 {
                editing.set(None);
            }
            set_message.set(Some(outcome));
        });
    };
    let add = move |_| {
        let taken = list();
        let id = new_contact_id(
            |id| taken.iter().any(|v| &v.contact.id == id),
            school_now_ms(),
        );
        set_message.set(None);
        editing.set(Some((id, ContactInput::default(), None)));
    };
    let today = move || {
        crate::school::use_school()
            .get_untracked()
            .map(|s| s.timezone)
            .unwrap_or_default()
            .date_at_ms(school_now_ms())
    };
    view! {
        <section class="contacts-editor" aria-labelledby="contacts-h">
            <h2 id="contacts-h">{t!(i18n, notices.contacts)}</h2>
            <p class="muted-text">{t!(i18n, notices.contacts_hint)}</p>
            <Outcome message/>
            {move || match editing.get() {
                Some((id, start, over)) => {
                    let over = StoredValue::new(over);
                    let save = move |contact: EmergencyContact| save(over.with_value(|over| match over {
                        Some(view) => view.over(contact),
                        None => contact,
                    }));
                    view! { <ContactForm id start save cancel=move || editing.set(None)/> }.into_any()
                }
                None => view! {
                    <ul class="contact-list">
                        {move || {
                            let today = today();
                            let unsynced = with_replica(|r| r.unsynced_marks());
                            let refused = view.refused.get();
                            list().into_iter().map(|v| {
                                let c = v.contact.clone();
                                let refused = refused.iter().any(|r| r.payload.contact().is_some_and(|r| r.id == c.id));
                                let waiting = unsynced.as_ref().is_some_and(|u| u.holds(v.version, &v.by));
                                let mark = Mark::of(waiting, refused);
                                let unseen = v.unseen.iter().map(|u| labelled(i18n, &u.by, format!("{} {}", u.record.name,
                                    u.record.phone))).collect::<Vec<_>>();
                                let duty = c.on_duty(today).map(|d| labelled(i18n, t_string!(i18n, notices.on_duty_today), format!("{}{}", d.who,
                                    d.phone.as_ref().map(|p| format!(" {p}")).unwrap_or_default())));
                                let edit_form = (c.id.clone(), ContactInput::of(&c), Some(v.clone()));
                                let mut removed = c.clone();
                                removed.removed = true;
                                let removed = v.over(removed);
                                view! {
                                    <li class="card" data-testid="contact" data-contact=c.id.to_string()>
                                        <p><strong>{c.name.to_string()}</strong>
                                            <span class="muted-text">{format!(" · {}", kind_label(i18n, c.kind))}</span>
                                            " "<SyncMark mark/></p>
                                        <p><a href=format!("tel:{}", c.phone.dial())>{c.phone.to_string()}</a>
                                            {c.hours.as_ref().map(|h| format!(" · {h}"))}</p>
                                        {duty.map(|d| view! { <p data-testid="on-duty">{d}</p> })}
                                        {(!unseen.is_empty()).then(|| view! {
                                            <Conflict said=t_string!(i18n, notices.contact_unseen) testid="contact-conflict">
                                                <ul>{unseen.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul>
                                            </Conflict>
                                        })}
                                        <Show when=may_edit>
                                            <div class="actions">
                                                <button type="button" on:click={
                                                    let f = edit_form.clone();
                                                    move |_| { set_message.set(None); editing.set(Some(f.clone())); }
                                                }>{t!(i18n, notices.edit)}</button>
                                                <button type="button" on:click={
                                                    let r = removed.clone();
                                                    move |_| save(r.clone())
                                                }>{t!(i18n, notices.contact_remove)}</button>
                                            </div>
                                        </Show>
                                    </li>
                                }
                            }).collect::<Vec<_>>()
                        }}
                    </ul>
                    <Show when=may_edit>
                        <button type="button" data-testid="new-contact" on:click=add>{t!(i18n, notices.contact_new)}</button>
                    </Show>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ContactForm(
    id: ContactId,
    start: ContactInput,
    save: impl Fn(EmergencyContact) + Copy + Send + Sync + 'static,
    cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(start);
    let (problem, set_problem) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.get_untracked().build(id.clone()) {
            Ok(contact) => {
                set_problem.set(None);
                save(contact);
            }
            Err(p) => set_problem.set(Some(problem_label(i18n, p))),
        }
    };
    let text = move |label: &'static str,
                     name: &'static str,
                     get: fn(&ContactInput) -> String,
                     put: fn(&mut ContactInput, String)| {
        view! {
            <label><span>{label}</span>
                <input type="text" name=name prop:value=move || form.with(get)
                    on:input=move |ev| form.update(|f| put(f, event_target_value(&ev)))/></label>
        }
    };
    view! {
        <form class="card form" on:submit=submit data-testid="contact-form">
            <label><span>{t!(i18n, notices.contact_kind)}</span>
                <select name="kind" on:change=move |ev| {
                    let k = event_target_value(&ev).parse::<usize>().ok().and_then(|i| KINDS.get(i).copied());
                    form.update(|f| f.kind = k);
                }>
                    <option value="" selected=form.with_untracked(|f| f.kind.is_none())>"—"</option>
                    {KINDS.into_iter().enumerate().map(|(i, k)| view! {
                        <option value=i.to_string() selected=form.with_untracked(|f| f.kind == Some(k))>{kind_label(i18n, k)}</option>
                    }).collect_view()}
                </select></label>
            {text(t_string!(i18n, notices.contact_name), "contact-name", |f| f.name.clone(), |f, v| f.name = v)}
            {text(t_string!(i18n, notices.contact_phone), "contact-phone", |f| f.phone.clone(), |f, v| f.phone = v)}
            {text(t_string!(i18n, notices.contact_hours), "contact-hours", |f| f.hours.clone(), |f, v| f.hours = v)}
            <fieldset class="rota">
                <legend>{t!(i18n, notices.rota)}</legend>
                <p class="muted-text">{t!(i18n, notices.rota_hint)}</p>
                {Day::ALL.into_iter().enumerate().map(|(i, day)| view! {
                    <div class="rota-day">
                        <label><span>{format!("{} · {}", day_label(i18n, day), t_string!(i18n, notices.duty_who))}</span>
                            <input type="text" name=format!("duty-who-{i}") prop:value=move || form.with(|f| f.rota[i].0.clone())
                                on:input=move |ev| form.update(|f| f.rota[i].0 = event_target_value(&ev))/></label>
                        <label><span>{t!(i18n, notices.duty_phone)}</span>
                            <input type="tel" name=format!("duty-phone-{i}") prop:value=move || form.with(|f| f.rota[i].1.clone())
                                on:input=move |ev| form.update(|f| f.rota[i].1 = event_target_value(&ev))/></label>
                    </div>
                }).collect_view()}
            </fieldset>
            <FieldProblem problem/>
            <div class="actions">
                <button type="submit" class="primary">{t!(i18n, notices.contact_save)}</button>
                <button type="button" on:click=move |_| cancel()>{t!(i18n, notices.cancel)}</button>
            </div>
        </form>
    }
}
