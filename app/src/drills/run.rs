//! Run mode: start a drill from its plan, tap each step done (planned against actual time),
//! notes, head counts until everyone is accounted for, the supplies it used; once finished,
//! its review (`review.rs`) and report (`report.rs`). Works offline: every tap is an op.

use guardpost_domain::changes::Payload;
use guardpost_domain::drills::report::clock;
use guardpost_domain::drills::run::new_run_id;
use guardpost_domain::drills::{
    ActionStatus, DrillAction, DrillBook, DrillEvent, Note, RunId, Scenario, may_manage, may_tap,
};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::labels;
use super::page::today;
use super::report::Report;
use super::review::Review;
use super::supplies::DrillSupplies;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync, with_replica};
use crate::widgets::{FieldProblem, Outcome, SyncMark, labelled, listed, record_outcome};

/// Records one drill event and says how it went.
pub fn send_event(run: RunId, act: DrillAction, set_message: WriteSignal<Option<(bool, String)>>) {
    let i18n = use_i18n();
    let view = use_sync();
    leptos::task::spawn_local(async move {
        let result = record(
            view,
            Stream::Drills,
            Payload::Drill(DrillEvent { run, act }),
        )
        .await;
        // A tap that went in needs no message: the screen shows it.
        if result.is_err() {
            set_message.set(Some(record_outcome(i18n, result)));
        }
    });
}

/// The drills run, newest first, and the form that starts one.
#[component]
pub fn RunsPanel(book: Memo<DrillBook>, open: RwSignal<Option<RunId>>) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (tz, _) = today();
    let scenario = RwSignal::new(Scenario::SuspectedAtGate);
    let (expected, set_expected) = signal(String::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let manages = move || view.session.get().is_some_and(|s| may_manage(s.role));
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(expected) = expected.get_untracked().trim().parse::<u16>() else {
            set_problem.set(Some(t_string!(i18n, drills.p_headcount).to_owned()));
            return;
        };
        set_problem.set(None);
        let (plan, id) = book.with_untracked(|b| {
            let id = new_run_id(|id| b.drills.run(id).is_some(), school_now_ms());
            (b.plan(scenario.get_untracked()), id)
        });
        let run = id.clone();
        leptos::task::spawn_local(async move {
            let act = DrillAction::Start {
                plan: Box::new(plan),
                expected,
            };
            let result = record(
                view,
                Stream::Drills,
                Payload::Drill(DrillEvent { run, act }),
            )
            .await;
            if result.is_ok() {
                open.set(Some(id));
            } else {
                set_message.set(Some(record_outcome(i18n, result)));
            }
        });
    };
    let retest = move || {
        book.with(|b| {
            b.drills
                .to_retest(scenario.get())
                .into_iter()
                .map(|a| format!("{} · {} · {}", a.text, a.owner, a.due))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=manages>
            <form class="card form" on:submit=start data-testid="start-drill">
                <label><span>{t!(i18n, drills.scenario)}</span>
                    <select name="scenario" on:change=move |ev| {
                        if let Some(s) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| Scenario::ALL.get(i).copied()) { scenario.set(s); }
                    }>
                        {Scenario::ALL.into_iter().enumerate().map(|(i, s)| view! {
                            <option value=i.to_string() selected=scenario.get_untracked() == s>{labels::scenario(i18n, s)}</option>
                        }).collect_view()}
                    </select></label>
                <label><span>{t!(i18n, drills.expected)}</span>
                    <input type="number" inputmode="numeric" min="0" name="expected" prop:value=expected
                        on:input=move |ev| set_expected.set(event_target_value(&ev))/></label>
                {move || {
                    let open_actions = retest();
                    (!open_actions.is_empty()).then(|| view! {
                        <div class="notice" data-testid="to-retest">
                            <p>{t!(i18n, drills.to_retest)}</p>
                            <ul>{open_actions.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                        </div>
                    })
                }}
                <FieldProblem problem/>
                <button type="submit" class="primary">{t!(i18n, drills.start)}</button>
            </form>
        </Show>
        <Outcome message/>
        {move || {
            let runs = book.with(|b| b.drills.runs.clone());
            // An ack changes no record, so the book stays equal: the marks follow the revision.
            view.revision.track();
            let marks = with_replica(|r| r.row_marks(|p| match p {
                Payload::Drill(e) => Some(e.run.clone()),
                _ => None,
            })).unwrap_or_default();
            if runs.is_empty() {
                return view! { <p class="empty-state">{t!(i18n, drills.no_runs)}</p> }.into_any();
            }
            view! {
                <ul class="card-list">
                    {runs.into_iter().map(|r| {
                        let id = r.id.clone();
                        let mark = marks.get(&r.id).copied();
                        let state = if r.finished_ms.is_some() { t_string!(i18n, drills.finished) } else { t_string!(i18n, drills.running) };
                        view! {
                            <li class="card" data-testid="run">
                                <strong>{labels::scenario(i18n, r.scenario())}</strong>
                                " "<SyncMark mark/>
                                <p class="muted-text">{format!("{} {} · {state}", t_string!(i18n, drills.started),
                                    tz.local_minute_at_ms(r.started_ms).unwrap_or_default())}</p>
                                <button type="button" on:click=move |_| open.set(Some(id.clone()))>{t!(i18n, drills.open)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// One drill: run mode while it runs, then its review, report and notice.
#[component]
pub fn RunScreen(
    id: RunId,
    book: Memo<DrillBook>,
    back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (tz, _) = today();
    let (message, set_message) = signal(None::<(bool, String)>);
    let run_id = id.clone();
    let run = Memo::new(move |_| book.with(|b| b.drills.run(&run_id).cloned()));
    let english = move || i18n.get_locale() == Locale::en;
    let role = move || view.session.get().map(|s| s.role);
    let taps = move || {
        role().is_some_and(may_tap)
            && run.with(|r| r.as_ref().is_some_and(|r| r.finished_ms.is_none()))
    };
    let manages = move || role().is_some_and(may_manage);
    let finished = move || run.with(|r| r.as_ref().is_some_and(|r| r.finished_ms.is_some()));
    let (count, set_count) = signal(String::new());
    let (count_problem, set_count_problem) = signal(None::<String>);
    let rid = id.clone();
    let record_count = move |_| match count.get_untracked().trim().parse::<u16>() {
        Ok(accounted) => {
            set_count_problem.set(None);
            set_count.set(String::new());
            send_event(
                rid.clone(),
                DrillAction::Headcount { accounted },
                set_message,
            );
        }
        Err(_) => set_count_problem.set(Some(t_string!(i18n, drills.p_headcount).to_owned())),
    };
    let rid = id.clone();
    let finish = move |_| send_event(rid.clone(), DrillAction::Finish {}, set_message);
    let refused = {
        let id = id.clone();
        move || {
            book.with(|b| {
                b.drills
                    .refused
                    .iter()
                    .filter(|r| r.run == id)
                    .map(|r| {
                        format!(
                            "{}{} · {} · {}",
                            t_string!(i18n, drills.refused),
                            labels::refused(i18n, r.why),
                            r.by,
                            tz.local_minute_at_ms(r.at_ms).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
            })
        }
    };
    // The ledger names the drill by its day, scenario and run, in the school's language
    // whatever the screen's, so every phone finds the drill's issues by that name; a memo,
    // so taps don't reset the supplies form.
    let department = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().map(|r| {
                format!(
                    "{} {} {} {}",
                    td_string!(Locale::zh_CN, drills.department),
                    tz.date_at_ms(r.started_ms),
                    labels::scenario_in(Locale::zh_CN, r.scenario()),
                    r.id
                )
            })
        })
    });
    let steps_id = id.clone();
    let review_id = id.clone();
    let report_id = id.clone();
    view! {
        <section class="run" data-testid="run-screen">
            <button type="button" on:click=move |_| back()>{t!(i18n, drills.back)}</button>
            {move || run.get().map(|r| view! {
                <h2>{labels::scenario(i18n, r.scenario())}</h2>
                <p class="muted-text">{format!("{} {} · {}", t_string!(i18n, drills.started),
                    tz.local_minute_at_ms(r.started_ms).unwrap_or_default(),
                    if r.finished_ms.is_some() { t_string!(i18n, drills.finished) } else { t_string!(i18n, drills.running) })}</p>
                <p data-testid="accountability">{labels::accountability_sentence(i18n, r.accountability_ms().map(|ms| ms / 1000), r.accounted(), r.expected)}</p>
                // Each counter's part, once more than one phone counts.
                {let parts: Vec<String> = r.counters().iter().map(|(by, n)| format!("{by} {n}")).collect();
                    (parts.len() > 1).then(|| view! { <p class="muted-text" data-testid="counters">{labelled(i18n, t_string!(i18n, drills.counted_by), listed(i18n, &parts))}</p> })}
            })}
            <Outcome message/>
            <ol class="steps">
                // Keyed by step, so a tap synced from another phone updates a step in place
                // and never clears a note being typed.
                <For each=move || 0..run.with(|r| r.as_ref().map_or(0, |r| r.plan.steps.len())) key=|i| *i let:i>
                    {
                        let number = u8::try_from(i + 1).unwrap_or(u8::MAX);
                        let step = move || run.with(|r| r.as_ref().and_then(|r| r.plan.steps.get(i).cloned()));
                        let actual = move || run.with(|r| r.as_ref().and_then(|r| r.actual_s(i)));
                        let (note, set_note) = signal(String::new());
                        let tap_id = steps_id.clone();
                        let note_id = steps_id.clone();
                        view! {
                            <li class="card step" data-testid="step" data-done=move || actual().is_some().to_string()>
                                {move || step().map(|step| {
                                    let text = match (&step.en, english()) { (Some(en), true) => en.to_string(), _ => step.zh.to_string() };
                                    let late = actual().is_some_and(|a| a > u64::from(step.target_s));
                                    view! {
                                        <p><strong>{text}</strong></p>
                                        <p class="muted-text">{format!("{} · {} {}", labels::owner(i18n, step.owner), t_string!(i18n, drills.target), clock(u64::from(step.target_s)))}
                                            {actual().map(|a| format!(" · {} {}", t_string!(i18n, drills.actual), clock(a)))}
                                            {late.then(|| view! { " " <span class="badge error">{t!(i18n, drills.late)}</span> })}</p>
                                    }
                                })}
                                {move || (actual().is_none() && taps()).then(|| {
                                    let tap_id = tap_id.clone();
                                    view! {
                                        <button type="button" class="primary" data-testid="tap" on:click=move |_| send_event(tap_id.clone(), DrillAction::Step { step: number }, set_message)>{t!(i18n, drills.done)}</button>
                                    }
                                })}
                                <ul class="notes">{move || run.with(|r| r.as_ref().and_then(|r| r.steps.get(i)).map(|s| s.notes.iter()
                                    .map(|(by, n)| view! { <li>{labelled(i18n, by, n)}</li> }).collect_view()))}</ul>
                                <Show when=move || role().is_some_and(may_tap)>
                                    <div class="inline-form">
                                        <input type="text" name=format!("note-{number}") aria-label=t_string!(i18n, drills.note) placeholder=t_string!(i18n, drills.note) prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))/>
                                        <button type="button" on:click={
                                            let note_id = note_id.clone();
                                            move |_| match Note::parse(&note.get_untracked()) {
                                                Ok(n) => {
                                                    set_note.set(String::new());
                                                    send_event(note_id.clone(), DrillAction::Note { step: number, note: n }, set_message);
                                                }
                                                Err(_) => set_message.set(Some((false, t_string!(i18n, drills.p_note).to_owned()))),
                                            }
                                        }>{t!(i18n, drills.add_note)}</button>
                                    </div>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ol>
            <Show when=taps>
                <div class="card form">
                    <label><span>{t!(i18n, drills.headcount)}</span>
                        <input type="number" inputmode="numeric" min="0" name="headcount" aria-describedby="headcount-hint" prop:value=count on:input=move |ev| set_count.set(event_target_value(&ev))/></label>
                    <p class="muted-text" id="headcount-hint">{t!(i18n, drills.headcount_hint)}</p>
                    <FieldProblem problem=count_problem/>
                    <button type="button" on:click=record_count.clone()>{t!(i18n, drills.record_headcount)}</button>
                </div>
            </Show>
            <Show when=move || taps() && manages()>
                <button type="button" class="primary" data-testid="finish" on:click=finish.clone()>{t!(i18n, drills.finish)}</button>
            </Show>
            {move || manages().then(|| department.get().map(|department| view! { <DrillSupplies department/> }))}
            <ul class="refused">{move || refused().into_iter().map(|r| view! { <li class="notice error">{r}</li> }).collect_view()}</ul>
            <Show when=move || finished() && manages()>
                <Review id=review_id.clone() book set_message/>
            </Show>
            <Show when=finished>
                <Report id=report_id.clone() book/>
            </Show>
        </section>
    }
}

/// An action's status in words.
pub fn status_text(i18n: leptos_i18n::I18nContext<Locale>, s: &ActionStatus) -> String {
    match s {
        ActionStatus::Open => t_string!(i18n, drills.action_open).to_owned(),
        ActionStatus::Done { evidence, .. } => {
            labelled(i18n, t_string!(i18n, drills.action_done), evidence)
        }
        ActionStatus::Verified { evidence, .. } => {
            labelled(i18n, t_string!(i18n, drills.action_verified), evidence)
        }
    }
}
