//! The detailed check of a class's session: who is absent and why, temperatures, or the
//! numbers alone while a class has no roster; the one-tap report with its confirmation.

use std::collections::BTreeMap;

use guardpost_domain::checkins::form::{self, OneTap};
use guardpost_domain::checkins::status;
use guardpost_domain::checkins::{Session, SessionCheck};
use guardpost_domain::checkins::{StudentId, Temperature};
use leptos::prelude::*;
use leptos_router::components::A;

use super::marks::{CauseKind, Mark, MarkEdit, absence_chips};
use super::reported::ReportedLine;
use super::today_list::TodayList;
use super::{checkin_settings, class_view, save_check, school_tz, time_of};
use crate::app::href;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{school_now_ms, use_sync};
use crate::widgets::{Outcome, labelled, listed, session_label, temperature_error};

#[component]
pub(super) fn CheckForm() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let classes = move || view.session.get().map(|s| s.classes).unwrap_or_default();
    let first = classes().into_iter().next();
    let (class_id, set_class_id) = signal(first.as_ref().map(|c| c.id.clone()));
    // The session may change under the open form (an admin gave her another class): a
    // class she no longer has gives way to her first.
    let class = move || {
        let chosen = class_id.get();
        let all = classes();
        all.iter()
            .find(|c| Some(&c.id) == chosen.as_ref())
            .or(all.first())
            .cloned()
    };
    let initial_session = first
        .as_ref()
        .map(|c| status::current_session(&c.group(), &settings, tz, school_now_ms()))
        .unwrap_or(Session::Morning);
    let (session, set_session) = signal(initial_session);
    let data = move || {
        view.revision.track();
        class()
            .map(|c| class_view(&c, tz.date_at_ms(school_now_ms()), &settings, tz))
            .unwrap_or_default()
    };
    let marks = RwSignal::new(BTreeMap::<StudentId, Mark>::new());
    let (present, set_present) = signal(String::new());
    let (absent, set_absent) = signal(String::from("0"));
    let (fever, set_fever) = signal(String::from("0"));
    let (message, set_message) = signal(None::<(bool, String)>);
    // The one-tap report asked to replace a detailed one: waiting for the teacher's answer.
    let (asking, set_asking) = signal(false);

    let send = move |check: SessionCheck| {
        set_asking.set(false);
        leptos::task::spawn_local(async move {
            let outcome = save_check(view, i18n, check).await;
            if outcome.0 {
                marks.set(BTreeMap::new());
            }
            set_message.set(Some(outcome));
        });
    };
    let all_well = move || {
        let Some(class) = class() else { return };
        let date = tz.date_at_ms(school_now_ms());
        let n = data().expected(session.get_untracked());
        send(SessionCheck::all_well(
            class.id,
            date,
            session.get_untracked(),
            n,
        ));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(class) = class() else { return };
        let data = data();
        let session = session.get_untracked();
        let date = tz.date_at_ms(school_now_ms());
        let mut check = SessionCheck::all_well(class.id.clone(), date, session, 0);
        if data.roster.is_empty() {
            // No roster: the numbers alone, as on the paper form.
            let number = |s: String| s.trim().parse::<u16>().ok();
            let (Some(p), Some(a), Some(f)) = (
                number(present.get_untracked()),
                number(absent.get_untracked()),
                number(fever.get_untracked()),
            ) else {
                set_message.set(Some((
                    false,
                    t_string!(i18n, checkins.numbers_needed).to_owned(),
                )));
                return;
            };
            check.present = p;
            check.absent = a;
            check.fever = f;
        } else {
            let marks: BTreeMap<StudentId, form::Mark> = guardpost_domain::order::map_of(
                marks
                    .get_untracked()
                    .iter()
                    .map(|(id, mark)| (id.clone(), mark.to_domain())),
            );
            match form::check_from_marks(&class.id, date, session, &data.roster, &marks) {
                Ok(built) => check = built,
                Err(e) => {
                    set_message.set(Some((
                        false,
                        format!("{}: {}", e.student, temperature_error(i18n, &e.problem)),
                    )));
                    return;
                }
            }
        }
        send(check);
    };

    let mark = move |id: &StudentId| marks.with(|m| m.get(id).cloned().unwrap_or_default());
    let update = Callback::new(move |(id, f): (StudentId, MarkEdit)| {
        marks.update(|m| f(m.entry(id).or_default()));
    });
    let update = move |id: StudentId, f: MarkEdit| update.run((id, f));

    view! {
        <Show when=move || { classes().len() > 1 }>
            <div class="segments" role="group" aria-label=move || t_string!(i18n, checkins.class)>
                {move || classes().into_iter().map(|c| {
                    let id = c.id.clone();
                    let chosen = id.clone();
                    view! {
                        <button type="button" class="segment" aria-pressed=move || class().is_some_and(|c| c.id == chosen).to_string()
                            on:click=move |_| { set_class_id.set(Some(id.clone())); marks.set(BTreeMap::new()); }>
                            {c.name.to_string()}
                        </button>
                    }
                }).collect_view()}
            </div>
        </Show>
        <div class="segments" role="group" aria-label=move || t_string!(i18n, checkins.session)>
            {move || class().map(|c| status::sessions(&c.group()).iter().copied().map(|s| view! {
                <button type="button" class="segment" aria-pressed=move || (session.get() == s).to_string()
                    on:click=move |_| set_session.set(s)>
                    {session_label(i18n, s)}
                </button>
            }).collect_view())}
        </div>
        {move || {
            let data = data();
            let s = session.get();
            let reported = data.reports.get(&s).copied();
            let tap = data.one_tap.get(&s).copied()
                .map(|tap| marks.with(|m| tap.beside(m.values().map(Mark::to_domain))));
            let label = move |present: u16| format!("{} ({} {present})", t_string!(i18n, checkins.all_well), t_string!(i18n, checkins.present));
            view! {
                {reported.map(|report| view! { <ReportedLine report hint=true/> })}
                {match tap {
                    Some(OneTap::File { present }) => view! {
                        <button type="button" class="primary big" data-testid="all-well" on:click=move |_| all_well()>
                            {label(present)}
                        </button>
                    }.into_any(),
                    // A detailed report stands: the one-tap report only replaces it when the
                    // teacher says so, having read what it would replace.
                    Some(OneTap::AskFirst { present, replaces }) => view! {
                        <Show
                            when=move || asking.get()
                            fallback=move || view! {
                                <button type="button" class="big" data-testid="all-well" on:click=move |_| set_asking.set(true)>
                                    {label(present)}
                                </button>
                            }
                        >
                            <div class="card warning" role="alertdialog" data-testid="replace-confirm">
                                <p>{format!("{} {} ({} {} · {} {} · {} {}) {} {}",
                                    t_string!(i18n, checkins.replace_before), time_of(replaces.at_ms),
                                    t_string!(i18n, checkins.present), replaces.present,
                                    t_string!(i18n, checkins.absent), replaces.absent,
                                    t_string!(i18n, checkins.fever), replaces.fever,
                                    t_string!(i18n, checkins.replace_with), label(present))}</p>
                                <div class="actions">
                                    <button type="button" class="primary" on:click=move |_| all_well()>{t!(i18n, checkins.replace_yes)}</button>
                                    <button type="button" on:click=move |_| set_asking.set(false)>{t!(i18n, checkins.replace_no)}</button>
                                </div>
                            </div>
                        </Show>
                    }.into_any(),
                    Some(OneTap::UseTheForm { entered }) => view! {
                        <p class="notice" data-testid="use-the-form">
                            {format!("{} {entered}", t_string!(i18n, checkins.entered_below))}
                        </p>
                    }.into_any(),
                    Some(OneTap::AlreadyFiled) | None => ().into_any(),
                }}
                {data.earlier.get(&s).cloned().filter(|_| reported.is_none()).map(|(earlier, absences)| {
                    let names: Vec<String> = absences.iter().map(|a| {
                        data.roster.iter().find(|st| st.id == a.student).map_or_else(|| a.student.to_string(), |st| st.name.to_string())
                    }).collect();
                    let carry = absences.clone();
                    view! {
                        <div class="card" data-testid="earlier-absences">
                            <p>{labelled(i18n, format!("{} {} {}", session_label(i18n, earlier), t_string!(i18n, checkins.earlier_absent), absences.len()), listed(i18n, &names))}</p>
                            <button type="button" on:click=move |_| {
                                let carry = carry.clone();
                                marks.update(|m| for a in &carry {
                                    m.entry(a.student.clone()).or_insert_with(|| Mark::of(&a.cause));
                                });
                            }>{t!(i18n, checkins.earlier_confirm)}</button>
                        </div>
                    }
                })}
            }
        }}
        <form class="card form" on:submit=submit>
            <h2>{t!(i18n, checkins.details)}</h2>
            {move || {
                let data = data();
                if data.roster.is_empty() {
                    view! {
                        <p class="muted-text">{t!(i18n, checkins.no_roster)}" "<A href=href::ROSTER>{t!(i18n, roster.title)}</A></p>
                        <div class="numbers">
                            <label><span>{t!(i18n, checkins.present)}</span>
                                <input type="number" inputmode="numeric" min="0" name="present" prop:value=present
                                    on:input=move |ev| set_present.set(event_target_value(&ev)) /></label>
                            <label><span>{t!(i18n, checkins.absent)}</span>
                                <input type="number" inputmode="numeric" min="0" name="absent" prop:value=absent
                                    on:input=move |ev| set_absent.set(event_target_value(&ev)) /></label>
                            <label><span>{t!(i18n, checkins.fever)}</span>
                                <input type="number" inputmode="numeric" min="0" name="fever" prop:value=fever
                                    on:input=move |ev| set_fever.set(event_target_value(&ev)) /></label>
                        </div>
                    }.into_any()
                } else {
                    let awaiting = data.awaiting.clone();
                    view! {
                        <ul class="students">
                            {data.roster.into_iter().map(|student| {
                                let id = student.id.clone();
                                let waits = awaiting.contains(&id);
                                let (id_a, id_c, id_t, id_m) = (id.clone(), id.clone(), id.clone(), id.clone());
                                let current = move || mark(&id_m);
                                let fever_now = {
                                    let current = current.clone();
                                    move || Temperature::parse(&current().temperature).is_ok_and(|t| t.is_fever())
                                };
                                view! {
                                    <li class="student" data-student=student.name.to_string()>
                                        <div class="student-line">
                                            <span class="student-name">{student.name.to_string()}<small>{format!(" {}", student.number)}</small></span>
                                            {waits.then(|| view! { <span class="tag danger">{t!(i18n, checkins.awaiting)}</span> })}
                                            <Show when=fever_now.clone()><span class="tag danger">{t!(i18n, checkins.fever_flag)}</span></Show>
                                            <input class="temp" type="text" inputmode="decimal" placeholder="℃"
                                                aria-label=format!("{} {}", t_string!(i18n, checkins.temperature), student.name)
                                                prop:value={ let current = current.clone(); move || current().temperature }
                                                on:input=move |ev| { let v = event_target_value(&ev); update(id_t.clone(), Box::new(move |m| m.temperature = v)); }/>
                                            <button type="button" class="toggle" aria-pressed={ let current = current.clone(); move || current().absent.is_some().to_string() }
                                                on:click=move |_| update(id_a.clone(), Box::new(|m| m.absent = if m.absent.is_some() { None } else { Some(CauseKind::Illness) }))>
                                                {t!(i18n, checkins.absent)}
                                            </button>
                                        </div>
                                        {let current = current.clone(); move || {
                                            let mark = current();
                                            mark.absent.map(|kind| absence_chips(i18n, id_c.clone(), kind, mark.symptoms.clone(), update))
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <button type="submit" class="primary">{t!(i18n, checkins.record)}</button>
            <Outcome message/>
        </form>
        <TodayList/>
    }
}
