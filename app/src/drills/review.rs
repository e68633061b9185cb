//! The review, the way exercise programmes do it: a rating per step, strengths, areas to
//! improve each with its corrective action (owner, due date, equipment it needs), and whether
//! earlier actions of the scenario were re-tested.

use guardpost_domain::drills::event::due_in_range;
use guardpost_domain::drills::run::new_action_id;
use guardpost_domain::drills::{DrillAction, DrillBook, Need, Note, Rating, RunId};
use guardpost_domain::supplies::ItemId;
use guardpost_domain::text::Name;
use leptos::prelude::*;

use super::labels;
use super::page::today;
use super::run::send_event;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::sync::engine::{school_now_ms, use_sync};
use crate::widgets::FieldProblem;

/// The review: a rating per step, strengths, areas to improve with their corrective actions,
/// and whether earlier actions of this scenario were re-tested.
#[component]
pub fn Review(
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
            let due = guardpost_domain::dates::parse(due.get_untracked().trim())
                .ok_or_else(|| t_string!(i18n, drills.p_due))?;
            if !due_in_range(due, today().1) {
                return Err(t_string!(i18n, drills.p_due_range));
            }
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
    let catalog = move || super::supplies::catalog_options(view);
    let rid = id.clone();
    let to_retest = move || {
        run.with(|r| r.clone())
            .map(|r| {
                book.with(|b| {
                    b.drills
                        .retest_asks(&r)
                        .into_iter()
                        .map(|(a, answered)| (a.clone(), answered))
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
