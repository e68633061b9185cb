//! Run mode and review: start a drill from its plan, tap each step done (planned against
//! actual time), notes, head counts until everyone is accounted for; then rate the steps,
//! note strengths, raise corrective actions, re-test earlier ones; the report to print or
//! export, and a parents' notice drafted from it. Works offline: every tap is an op.

use guardpost_domain::changes::Payload;
use guardpost_domain::drills::report::{DrillReport, clock};
use guardpost_domain::drills::run::{new_action_id, new_run_id};
use guardpost_domain::drills::{
    ActionStatus, DrillAction, DrillBook, DrillEvent, Need, Note, Rating, RunId, Scenario,
    may_manage, may_tap,
};
use guardpost_domain::notices::workflow::{
    Action as NoticeAction, Audience, Category, Content, NoticeEvent, new_notice_id, notices,
};
use guardpost_domain::notices::{NoticeBody, NoticeTitle};
use guardpost_domain::supplies::cover::catalog_choices;
use guardpost_domain::supplies::{ItemId, stock_of};
use guardpost_domain::sync::Stream;
use guardpost_domain::text::Name;
use leptos::prelude::*;

use super::labels;
use super::page::today;
use super::supplies::DrillSupplies;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync, with_replica};
use crate::widgets::{FieldProblem, Outcome, PrintButton, download, record_outcome};

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
            if runs.is_empty() {
                return view! { <p class="empty-state">{t!(i18n, drills.no_runs)}</p> }.into_any();
            }
            view! {
                <ul class="card-list">
                    {runs.into_iter().map(|r| {
                        let id = r.id.clone();
                        let state = if r.finished_ms.is_some() { t_string!(i18n, drills.finished) } else { t_string!(i18n, drills.running) };
                        view! {
                            <li class="card" data-testid="run">
                                <strong>{labels::scenario(i18n, r.scenario())}</strong>
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
    // The ledger names the drill by its day and scenario; a memo, so taps don't reset the
    // supplies form.
    let department = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().map(|r| {
                format!(
                    "{} {} {}",
                    t_string!(i18n, drills.department),
                    tz.date_at_ms(r.started_ms),
                    labels::scenario(i18n, r.scenario())
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
                <p data-testid="accountability">{match r.accountability_ms() {
                    Some(ms) => format!("{}：{} · {}/{}", t_string!(i18n, drills.accountability), clock(ms / 1000), r.accounted().unwrap_or(0), r.expected),
                    None => format!("{} · {}/{}", t_string!(i18n, drills.not_accounted), r.accounted().unwrap_or(0), r.expected),
                }}</p>
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
                                    .map(|(by, n)| view! { <li>{format!("{by}：{n}")}</li> }).collect_view()))}</ul>
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
                        <input type="number" inputmode="numeric" min="0" name="headcount" prop:value=count on:input=move |ev| set_count.set(event_target_value(&ev))/></label>
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

/// The review: a rating per step, strengths, areas to improve with their corrective actions,
/// and whether earlier actions of this scenario were re-tested.
#[component]
fn Review(
    id: RunId,
    book: Memo<DrillBook>,
    set_message: WriteSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let run_id = id.clone();
    let run = Memo::new(move |_| book.with(|b| b.drills.run(&run_id).cloned()));
    let (strength, set_strength) = signal(String::new());
    let (improve, set_improve) = signal(String::new());
    let (owner, set_owner) = signal(String::new());
    let (due, set_due) = signal(String::new());
    let (need_item, set_need_item) = signal(String::new());
    let (need_quantity, set_need_quantity) = signal(String::new());
    let (problem, set_problem) = signal(None::<String>);
    let sid = id.clone();
    let add_strength = move |_| match Note::parse(&strength.get_untracked()) {
        Ok(text) => {
            set_strength.set(String::new());
            set_problem.set(None);
            send_event(sid.clone(), DrillAction::Strength { text }, set_message);
        }
        Err(_) => set_problem.set(Some(t_string!(i18n, drills.p_note).to_owned())),
    };
    let aid = id.clone();
    let add_action = move |_| {
        let parsed = (|| {
            let text = Note::parse(&improve.get_untracked())
                .map_err(|_| t_string!(i18n, drills.p_note))?;
            let owner =
                Name::parse(&owner.get_untracked()).map_err(|_| t_string!(i18n, drills.p_owner))?;
            let due = chrono::NaiveDate::parse_from_str(due.get_untracked().trim(), "%Y-%m-%d")
                .map_err(|_| t_string!(i18n, drills.p_due))?;
            // Equipment is optional; an item chosen needs a quantity.
            let needs = match need_item.get_untracked().as_str() {
                "" => None,
                item => Some(Need {
                    item: ItemId::parse(item).map_err(|_| t_string!(i18n, supplies.p_item))?,
                    quantity: need_quantity
                        .get_untracked()
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|q| (1..=Need::MAX).contains(q))
                        .ok_or(t_string!(i18n, supplies.p_quantity))?,
                }),
            };
            Ok::<_, &'static str>((text, owner, due, needs))
        })();
        match parsed {
            Err(p) => set_problem.set(Some(p.to_owned())),
            Ok((text, owner, due, needs)) => {
                set_problem.set(None);
                set_improve.set(String::new());
                set_need_item.set(String::new());
                set_need_quantity.set(String::new());
                let action = book.with_untracked(|b| {
                    new_action_id(
                        |a| b.drills.actions.iter().any(|x| &x.id == a),
                        school_now_ms(),
                    )
                });
                send_event(
                    aid.clone(),
                    DrillAction::Improve {
                        action,
                        text,
                        owner,
                        due,
                        needs,
                    },
                    set_message,
                );
            }
        }
    };
    let catalog = move || {
        view.revision.track();
        with_replica(|r| {
            let stock = stock_of(r.changes_by());
            catalog_choices(&stock)
                .into_iter()
                .map(|i| (i.id.to_string(), format!("{} ({})", i.name, i.unit)))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let rid = id.clone();
    let to_retest = move || {
        run.with(|r| r.clone())
            .map(|r| {
                book.with(|b| {
                    b.drills
                        .actions
                        .iter()
                        .filter(|a| {
                            a.scenario == r.scenario()
                                && a.raised_in != r.id
                                && b.drills
                                    .run(&a.raised_in)
                                    .is_some_and(|x| x.started_ms < r.started_ms)
                        })
                        .map(|a| {
                            (
                                a.clone(),
                                r.retested
                                    .iter()
                                    .find(|(x, _)| x == &a.id)
                                    .map(|(_, held)| *held),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card form review" data-testid="review">
            <h3>{t!(i18n, drills.review)}</h3>
            <ol>
                {move || run.get().map(|r| r.plan.steps.iter().enumerate().map(|(i, step)| {
                    let number = u8::try_from(i + 1).unwrap_or(u8::MAX);
                    let current = r.steps[i].rating;
                    let id = rid.clone();
                    view! {
                        <li><label><span>{match (&step.en, i18n.get_locale() == Locale::en) { (Some(en), true) => en.to_string(), _ => step.zh.to_string() }}</span>
                            <select name=format!("rate-{number}") on:change=move |ev| {
                                if let Some(rating) = event_target_value(&ev).parse::<usize>().ok().and_then(|k| Rating::ALL.get(k).copied()) {
                                    send_event(id.clone(), DrillAction::Rate { step: number, rating }, set_message);
                                }
                            }>
                                <option value="" selected=current.is_none()>{t!(i18n, drills.rating)}</option>
                                {Rating::ALL.into_iter().enumerate().map(|(k, rt)| view! {
                                    <option value=k.to_string() selected=current == Some(rt)>{labels::rating(i18n, rt)}</option>
                                }).collect_view()}
                            </select></label></li>
                    }
                }).collect_view())}
            </ol>
            <h4>{t!(i18n, drills.strengths)}</h4>
            <ul>{move || run.get().map(|r| r.strengths.iter().map(|s| view! { <li>{s.to_string()}</li> }).collect_view())}</ul>
            <div class="inline-form">
                <input type="text" name="strength" aria-label=t_string!(i18n, drills.strengths) prop:value=strength on:input=move |ev| set_strength.set(event_target_value(&ev))/>
                <button type="button" on:click=add_strength>{t!(i18n, drills.add)}</button>
            </div>
            <h4>{t!(i18n, drills.improve)}</h4>
            <label><span>{t!(i18n, drills.improve)}</span>
                <input type="text" name="improve" prop:value=improve on:input=move |ev| set_improve.set(event_target_value(&ev))/></label>
            <label><span>{t!(i18n, drills.owner)}</span>
                <input type="text" name="owner" prop:value=owner on:input=move |ev| set_owner.set(event_target_value(&ev))/></label>
            <label><span>{t!(i18n, drills.due)}</span>
                <input type="date" name="due" prop:value=due on:input=move |ev| set_due.set(event_target_value(&ev))/></label>
            <label><span>{t!(i18n, drills.needs)}</span>
                <select name="needs-item" on:change=move |ev| set_need_item.set(event_target_value(&ev)) prop:value=need_item>
                    <option value="">{t!(i18n, drills.needs_none)}</option>
                    {move || catalog().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                </select></label>
            <Show when=move || !need_item.get().is_empty()>
                <label><span>{t!(i18n, supplies.quantity)}</span>
                    <input type="number" min="1" inputmode="numeric" name="needs-quantity" prop:value=need_quantity on:input=move |ev| set_need_quantity.set(event_target_value(&ev))/></label>
            </Show>
            <FieldProblem problem/>
            <button type="button" on:click=add_action>{t!(i18n, drills.add_action)}</button>
            {move || {
                let list = to_retest();
                (!list.is_empty()).then(|| view! {
                    <h4>{t!(i18n, drills.retest)}</h4>
                    <ul data-testid="retest">{list.into_iter().map(|(a, answered)| {
                        let held_id = id.clone();
                        let not_id = id.clone();
                        let action = a.id.clone();
                        let action2 = a.id.clone();
                        view! {
                            <li class="card">{format!("{} · {}", a.text, a.owner)}
                                {match answered {
                                    Some(true) => view! { " " <span class="badge ok">{t!(i18n, drills.held)}</span> }.into_any(),
                                    Some(false) => view! { " " <span class="badge error">{t!(i18n, drills.not_held)}</span> }.into_any(),
                                    None => view! {
                                        <div class="actions">
                                            <button type="button" on:click=move |_| send_event(held_id.clone(), DrillAction::Retest { action: action.clone(), held: true }, set_message)>{t!(i18n, drills.held)}</button>
                                            <button type="button" on:click=move |_| send_event(not_id.clone(), DrillAction::Retest { action: action2.clone(), held: false }, set_message)>{t!(i18n, drills.not_held)}</button>
                                        </div>
                                    }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}</ul>
                })
            }}
        </section>
    }
}

/// The drill's report, to print or export, and a parents' notice drafted from it.
#[component]
fn Report(id: RunId, book: Memo<DrillBook>) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (tz, _) = today();
    let report = Memo::new(move |_| {
        book.with(|b| b.drills.run(&id).map(|r| DrillReport::of(r, &b.drills, tz)))
    });
    let (message, set_message) = signal(None::<(bool, String)>);
    let csv = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let header = [
            "#",
            t_string!(i18n, drills.step_text),
            t_string!(i18n, drills.target),
            t_string!(i18n, drills.actual),
            t_string!(i18n, drills.late),
            t_string!(i18n, drills.rating),
            t_string!(i18n, drills.note),
        ];
        let rows = r.csv_rows(|rt| labels::rating(i18n, rt).to_owned());
        let text = guardpost_domain::supplies::report::csv_text(header, rows);
        download(
            &format!("drill-{}.csv", r.started.replace([' ', ':'], "-")),
            &text,
        );
    };
    let draft_notice = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let date = r.started.get(..10).unwrap_or_default().to_owned();
        let zh = labels::scenario_in(Locale::zh_CN, r.scenario);
        let en = labels::scenario_in(Locale::en, r.scenario);
        let text = |locale: Locale, scenario: &str| {
            (
                format!("{}{scenario}", td_string!(locale, drills.notice_title)),
                format!(
                    "{}{date}{}{scenario}{}",
                    td_string!(locale, drills.notice_p1),
                    td_string!(locale, drills.notice_p2),
                    td_string!(locale, drills.notice_p3)
                ),
            )
        };
        let (title_zh, body_zh) = text(Locale::zh_CN, zh);
        let (title_en, body_en) = text(Locale::en, en);
        let (Ok(title_zh), Ok(body_zh), Ok(title_en), Ok(body_en)) = (
            NoticeTitle::parse(&title_zh),
            NoticeBody::parse(&body_zh),
            NoticeTitle::parse(&title_en),
            NoticeBody::parse(&body_en),
        ) else {
            return;
        };
        let content = Content {
            title_zh,
            body_zh,
            title_en: Some(title_en),
            body_en: Some(body_en),
            category: Category::Drill,
            audience: Audience::Public,
            pinned: false,
            publish_at_ms: None,
            expire_at_ms: None,
        };
        let taken = with_replica(|r| notices(r.changes_by())).unwrap_or_default();
        let notice = new_notice_id(|n| taken.iter().any(|x| &x.id == n), school_now_ms());
        leptos::task::spawn_local(async move {
            let step = NoticeAction::Edit {
                content: Box::new(content),
            };
            let mut outcome = record_outcome(
                i18n,
                record(
                    view,
                    Stream::Notices,
                    Payload::Notice(NoticeEvent { notice, step }),
                )
                .await,
            );
            if outcome.0 {
                outcome.1 = t_string!(i18n, drills.notice_drafted).to_owned();
            }
            set_message.set(Some(outcome));
        });
    };
    let manages = move || view.session.get().is_some_and(|s| may_manage(s.role));
    view! {
        <section class="report" data-testid="report">
            <h3>{t!(i18n, drills.report)}</h3>
            {move || report.get().map(|r| view! {
                <p>{format!("{} · {} {}/{}", labels::scenario(i18n, r.scenario), t_string!(i18n, drills.on_time), r.on_time, r.steps.len())}</p>
                <table class="report-table">
                    <thead><tr><th>"#"</th><th>{t!(i18n, drills.step_text)}</th><th>{t!(i18n, drills.target)}</th><th>{t!(i18n, drills.actual)}</th><th>{t!(i18n, drills.rating)}</th></tr></thead>
                    <tbody>{r.steps.iter().map(|s| view! {
                        <tr class=if s.late { "late" } else { "" }>
                            <td>{s.number}</td><td>{s.zh.clone()}</td><td>{clock(u64::from(s.target_s))}</td>
                            <td>{s.actual_s.map(clock).unwrap_or_else(|| "—".to_owned())}</td>
                            <td>{s.rating.map(|rt| labels::rating(i18n, rt)).unwrap_or("")}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
                <h4>{t!(i18n, drills.improve)}</h4>
                <ul>{r.actions.iter().map(|a| view! { <li>{format!("{} · {} · {}", a.text, a.owner, a.due)}</li> }).collect_view()}</ul>
            })}
            <div class="actions">
                <PrintButton/>
                <button type="button" on:click=csv>{t!(i18n, drills.csv)}</button>
                <Show when=manages>
                    <button type="button" data-testid="draft-notice" on:click=draft_notice>{t!(i18n, drills.draft_notice)}</button>
                </Show>
            </div>
            <Outcome message/>
        </section>
    }
}

/// An action's status in words.
pub fn status_text(i18n: leptos_i18n::I18nContext<Locale>, s: &ActionStatus) -> String {
    match s {
        ActionStatus::Open => t_string!(i18n, drills.action_open).to_owned(),
        ActionStatus::Done { evidence, .. } => {
            format!("{}：{evidence}", t_string!(i18n, drills.action_done))
        }
        ActionStatus::Verified { evidence, .. } => {
            format!("{}：{evidence}", t_string!(i18n, drills.action_verified))
        }
    }
}
