use chrono::NaiveDate;
use guardpost_domain::sync::op::{Session, SessionCheck};
use guardpost_domain::sync::{ClassId, Payload, Stream};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::href;
use crate::i18n::{t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::engine::{RecordError, now_ms, record, use_sync, with_replica};
use crate::widgets::{invalid_text, session_label};

/// One of today's checks as the teacher sees it: what was reported and whether the server
/// has it yet.
#[derive(Debug, Clone, PartialEq)]
struct TodayCheck {
    class: ClassId,
    session: Session,
    present: u16,
    absent: u16,
    fever: u16,
    synced: bool,
}

/// Today's checks on this device for `date`, newest first: those the server has (from any
/// device that may be seen) and those still waiting in the outbox.
fn today_checks(date: NaiveDate) -> Vec<TodayCheck> {
    with_replica(|r| {
        let confirmed = r.ops.values().filter_map(|op| match &op.payload {
            Payload::SessionCheck(c) if c.date == date => Some((op.hlc, c, true)),
            _ => None,
        });
        let waiting = r
            .outbox
            .get(&Stream::Health)
            .into_iter()
            .flat_map(|o| {
                o.sealed
                    .iter()
                    .flat_map(|(_, d)| d.iter())
                    .chain(o.pending.iter())
            })
            .filter_map(|draft| match &draft.payload {
                Payload::SessionCheck(c) if c.date == date => Some((draft.hlc, c, false)),
                _ => None,
            });
        let mut all: Vec<_> = confirmed.chain(waiting).collect();
        all.sort_by_key(|entry| std::cmp::Reverse(entry.0));
        all.into_iter()
            .map(|(_, c, synced)| TodayCheck {
                class: c.class.clone(),
                session: c.session,
                present: c.present,
                absent: c.absent,
                fever: c.fever,
                synced,
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Check-ins: a class teacher records the morning, noon or evening check of a class.
#[component]
pub fn Checkins() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let school = use_school();
    let today = move || {
        let tz = school.get().map(|s| s.timezone).unwrap_or_default();
        tz.date_at_ms(now_ms())
    };
    let classes = move || view.session.get().map(|s| s.classes).unwrap_or_default();

    let (class, set_class) = signal(String::new());
    let (session, set_session) = signal(Session::Morning);
    let (present, set_present) = signal(String::new());
    let (absent, set_absent) = signal(String::from("0"));
    let (fever, set_fever) = signal(String::from("0"));
    let (message, set_message) = signal(None::<(bool, String)>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = class.get_untracked();
        let class_id = classes()
            .into_iter()
            .find(|c| c.id.as_str() == chosen)
            .or_else(|| classes().into_iter().next())
            .map(|c| c.id);
        let number = |s: String| s.trim().parse::<u16>().ok();
        let (Some(class_id), Some(p), Some(a), Some(f)) = (
            class_id,
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
        let payload = Payload::SessionCheck(SessionCheck {
            class: class_id,
            date: today(),
            session: session.get_untracked(),
            present: p,
            absent: a,
            fever: f,
        });
        leptos::task::spawn_local(async move {
            let outcome = match record(view, Stream::Health, payload).await {
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
                Err(RecordError::SignedOut) => {
                    (false, t_string!(i18n, checkins.signed_out).to_owned())
                }
            };
            set_message.set(Some(outcome));
        });
    };

    let checks = move || {
        view.revision.track();
        today_checks(today())
    };

    view! {
        <section class="area">
            <h1>{t!(i18n, checkins.title)}</h1>
            <Show
                when=move || view.session.get().is_some()
                fallback=move || view! {
                    <p class="empty-state">{t!(i18n, checkins.signed_out)}" "<A href=href::JOIN>{t!(i18n, join.title)}</A></p>
                }
            >
                <Show
                    when=move || !classes().is_empty()
                    fallback=move || view! { <p class="empty-state">{t!(i18n, checkins.no_classes)}</p> }
                >
                    <form class="card form" on:submit=submit>
                        <label>
                            <span>{t!(i18n, checkins.class)}</span>
                            <select name="class" on:change=move |ev| set_class.set(event_target_value(&ev))>
                                {move || classes().into_iter().map(|c| view! {
                                    <option value=c.id.to_string()>{c.name.to_string()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <fieldset class="sessions">
                            <legend>{t!(i18n, checkins.session)}</legend>
                            {[Session::Morning, Session::Noon, Session::Evening].into_iter().map(|s| view! {
                                <label class="choice">
                                    <input type="radio" name="session"
                                        prop:checked=move || session.get() == s
                                        on:change=move |_| set_session.set(s) />
                                    {move || session_label(i18n, s)}
                                </label>
                            }).collect_view()}
                        </fieldset>
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
                        <button type="submit" class="primary">{t!(i18n, checkins.record)}</button>
                        {move || message.get().map(|(ok, text)| view! {
                            <p class=if ok { "notice ok" } else { "notice error" } role="status">{text}</p>
                        })}
                    </form>
                </Show>
                <h2>{t!(i18n, checkins.today)}</h2>
                <ul class="checks" data-testid="today-checks">
                    {move || {
                        let checks = checks();
                        if checks.is_empty() {
                            return view! { <li class="muted-text">{t!(i18n, checkins.none_today)}</li> }.into_any();
                        }
                        checks.into_iter().map(|c| {
                            let names = classes();
                            let class_name = names.iter().find(|n| n.id == c.class)
                                .map_or_else(|| c.class.to_string(), |n| n.name.to_string());
                            view! {
                                <li class="card check">
                                    <strong>{class_name}" · "{session_label(i18n, c.session)}</strong>
                                    <span>{t!(i18n, checkins.present)}" "{c.present}" · "{t!(i18n, checkins.absent)}" "{c.absent}" · "{t!(i18n, checkins.fever)}" "{c.fever}</span>
                                    <span class=if c.synced { "state synced" } else { "state waiting" }>
                                        {if c.synced { t_string!(i18n, checkins.synced) } else { t_string!(i18n, checkins.waiting) }}
                                    </span>
                                </li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
            </Show>
        </section>
    }
}
