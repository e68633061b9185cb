//! The school's plan for each scenario: its steps in order, who owns each and its target
//! time from the start. A scenario left as it is runs the template that ships with the app.

use guardpost_domain::changes::Payload;
use guardpost_domain::drills::{DrillBook, Plan, PlanStep, Scenario, StepText};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::labels::{self, OWNERS};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, use_sync};
use crate::widgets::{Conflict, FieldProblem, Outcome, record_outcome};

/// A step as typed: its text (and optionally in English), owner and target in minutes.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    zh: String,
    en: String,
    owner: usize,
    minutes: String,
}

fn rows(plan: &Plan) -> Vec<Row> {
    plan.steps
        .iter()
        .map(|s| Row {
            zh: s.zh.to_string(),
            en: s.en.as_ref().map(|e| e.to_string()).unwrap_or_default(),
            owner: OWNERS.iter().position(|o| *o == s.owner).unwrap_or(0),
            minutes: format!("{}", f64::from(s.target_s) / 60.0),
        })
        .collect()
}

#[component]
pub fn PlansPanel(book: Memo<DrillBook>) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let scenario = RwSignal::new(Scenario::SuspectedAtGate);
    let form = RwSignal::new(Vec::new());
    // The steps as the form last took them from the plans held: while the form still
    // equals them, nobody has typed, and it follows the plans as they arrive (the app
    // opened on this page before its records were read, or another device's save).
    let taken = StoredValue::new(Vec::new());
    // What a save replaces: the versions the form began from, as the person saw them.
    let began_from = StoredValue::new(Vec::new());
    // Bumped when the form is taken afresh, which draws its steps again.
    let taken_at = RwSignal::new(0u32);
    let take = move |s: Scenario| {
        let (steps, replaced) = book.with_untracked(|b| (rows(&b.plan(s)), b.replaced_by_edit(s)));
        taken.set_value(steps.clone());
        form.set(steps);
        began_from.set_value(replaced);
        taken_at.update(|n| *n += 1);
    };
    take(Scenario::SuspectedAtGate);
    Effect::new(move |_| {
        book.track();
        if form.with_untracked(|f| taken.with_value(|t| f == t)) {
            take(scenario.get_untracked());
        }
    });
    // Plans written alongside the kept one for the chosen scenario, to be put right.
    let unseen = move || {
        let s = scenario.get();
        book.with(|b| {
            b.plan_versions
                .get(&s)
                .map(|(_, unseen)| unseen.clone())
                .unwrap_or_default()
        })
    };
    // The steps are drawn again only when a step is added or removed, or the form is taken
    // afresh: each keystroke goes into `form`, and a field keeps its element and caret.
    let count = Memo::new(move |_| form.with(Vec::len));
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let save = move |_| {
        let steps: Option<Vec<PlanStep>> = form
            .get_untracked()
            .into_iter()
            .map(|r| {
                let minutes: f64 = r
                    .minutes
                    .trim()
                    .parse()
                    .ok()
                    .filter(|m: &f64| m.is_finite() && *m >= 0.0)?;
                let en = match r.en.trim() {
                    "" => None,
                    text => Some(StepText::parse(text).ok()?),
                };
                Some(PlanStep {
                    zh: StepText::parse(&r.zh).ok()?,
                    en,
                    owner: OWNERS.get(r.owner).copied()?,
                    target_s: (minutes * 60.0).round() as u32,
                })
            })
            .collect();
        let plan = steps.map(|steps| Plan {
            scenario: scenario.get_untracked(),
            steps,
            replaces: began_from.get_value(),
        });
        match plan.filter(|p| p.validate(&Stream::Drills).is_ok()) {
            None => set_problem.set(Some(t_string!(i18n, drills.p_plan).to_owned())),
            Some(plan) => {
                set_problem.set(None);
                leptos::task::spawn_local(async move {
                    let mut outcome = record_outcome(
                        i18n,
                        record(view, Stream::Drills, Payload::DrillPlan(plan)).await,
                    );
                    if outcome.0 {
                        outcome.1 = t_string!(i18n, drills.plan_saved).to_owned();
                        take(scenario.get_untracked());
                    }
                    set_message.set(Some(outcome));
                });
            }
        }
    };
    view! {
        <section class="card form" data-testid="plans">
            <p class="muted-text">{t!(i18n, drills.template_note)}</p>
            <label><span>{t!(i18n, drills.scenario)}</span>
                <select name="plan-scenario" on:change=move |ev| {
                    if let Some(s) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| Scenario::ALL.get(i).copied()) {
                        scenario.set(s);
                        take(s);
                    }
                }>
                    {Scenario::ALL.into_iter().enumerate().map(|(i, s)| view! {
                        <option value=i.to_string() selected=scenario.get_untracked() == s>{labels::scenario(i18n, s)}</option>
                    }).collect_view()}
                </select></label>
            {move || {
                let unseen = unseen();
                (!unseen.is_empty()).then(|| {
                    let tz = crate::school::school_tz();
                    view! {
                        <Conflict said=t_string!(i18n, drills.plan_unseen) testid="plan-conflict">
                            {unseen.into_iter().map(|u| view! {
                                <details>
                                    <summary>{format!("{} · {} · {} {}", tz.local_minute_at_ms(u.at.wall).unwrap_or_default(), u.by, u.record.steps.len(), t_string!(i18n, drills.steps_count))}</summary>
                                    <ol>{u.record.steps.iter().map(|step| view! { <li>{step.zh.to_string()}</li> }).collect_view()}</ol>
                                </details>
                            }).collect_view()}
                        </Conflict>
                    }
                })
            }}
            <ol class="plan-steps">
                {move || { taken_at.track(); (0..count.get()).map(|i| {
                    let get = move |f: fn(&Row) -> String| move || form.with(|rows| rows.get(i).map(f).unwrap_or_default());
                    view! {
                        <li class="plan-step">
                            <label><span>{t!(i18n, drills.step_text)}</span>
                                <input type="text" name=format!("step-{i}") prop:value=get(|r| r.zh.clone())
                                    on:input=move |ev| form.update(|rows| if let Some(r) = rows.get_mut(i) { r.zh = event_target_value(&ev); })/></label>
                            <label><span>{t!(i18n, drills.step_text_en)}</span>
                                <input type="text" name=format!("step-en-{i}") lang="en" prop:value=get(|r| r.en.clone())
                                    on:input=move |ev| form.update(|rows| if let Some(r) = rows.get_mut(i) { r.en = event_target_value(&ev); })/></label>
                            <label><span>{t!(i18n, drills.owner)}</span>
                                <select name=format!("owner-{i}") on:change=move |ev| form.update(|rows| if let (Some(r), Ok(k)) = (rows.get_mut(i), event_target_value(&ev).parse()) { r.owner = k; })>
                                    {OWNERS.into_iter().enumerate().map(|(k, o)| view! {
                                        <option value=k.to_string() selected=form.with_untracked(|rows| rows.get(i).is_some_and(|r| r.owner == k))>{labels::owner(i18n, o)}</option>
                                    }).collect_view()}
                                </select></label>
                            <label><span>{t!(i18n, drills.target_min)}</span>
                                <input type="number" min="0" step="0.5" name=format!("minutes-{i}") prop:value=get(|r| r.minutes.clone())
                                    on:input=move |ev| form.update(|rows| if let Some(r) = rows.get_mut(i) { r.minutes = event_target_value(&ev); })/></label>
                            <button type="button" on:click=move |_| form.update(|rows| { if i < rows.len() { rows.remove(i); } })>{t!(i18n, drills.remove_step)}</button>
                        </li>
                    }
                }).collect_view() }}
            </ol>
            <button type="button" on:click=move |_| form.update(|rows| {
                let minutes = rows.last().map(|r| r.minutes.clone()).unwrap_or_else(|| "0".into());
                rows.push(Row { zh: String::new(), en: String::new(), owner: 0, minutes });
            })>{t!(i18n, drills.add_step)}</button>
            <FieldProblem problem/>
            <button type="button" class="primary" on:click=save>{t!(i18n, drills.save_plan)}</button>
            <Outcome message/>
        </section>
    }
}
