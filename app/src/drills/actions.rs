//! Corrective actions: what to improve, who owns it, by when; reported done with evidence,
//! then verified when the next drill of the scenario re-tests it.

use guardpost_domain::drills::{ActionStatus, DrillAction, DrillBook, Note, may_manage};
use leptos::prelude::*;

use super::labels;
use super::page::today;
use super::run::status_text;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::{FieldProblem, Outcome};

#[component]
pub fn ActionsPanel(book: Memo<DrillBook>) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (_, day) = today();
    let (message, set_message) = signal(None::<(bool, String)>);
    let manages = move || view.session.get().is_some_and(|s| may_manage(s.role));
    view! {
        <section data-testid="actions">
            <Outcome message/>
            {move || {
                let actions = book.with(|b| b.drills.actions.clone());
                if actions.iter().all(|a| a.is_closed()) && actions.is_empty() {
                    return view! { <p class="empty-state">{t!(i18n, drills.no_actions)}</p> }.into_any();
                }
                view! {
                    <ul class="card-list">
                        {actions.into_iter().map(|a| {
                            let overdue = a.due < day && matches!(a.status, ActionStatus::Open);
                            let (evidence, set_evidence) = signal(String::new());
                            let (problem, set_problem) = signal(None::<String>);
                            let run = a.raised_in.clone();
                            let action = a.id.clone();
                            let open = !a.is_closed();
                            view! {
                                <li class="card" data-testid="action">
                                    <p><strong>{a.text.to_string()}</strong></p>
                                    <p class="muted-text">{format!("{} · {} {} · {} {}", labels::scenario(i18n, a.scenario),
                                        t_string!(i18n, drills.owner), a.owner, t_string!(i18n, drills.due), a.due)}
                                        {overdue.then(|| view! { " " <span class="badge error">{t!(i18n, drills.st_overdue)}</span> })}</p>
                                    <p data-testid="action-status">{status_text(i18n, &a.status)}</p>
                                    {(open && manages()).then(|| view! {
                                        <div class="inline-form">
                                            <input type="text" name="evidence" aria-label=t_string!(i18n, drills.evidence) placeholder=t_string!(i18n, drills.evidence)
                                                prop:value=evidence on:input=move |ev| set_evidence.set(event_target_value(&ev))/>
                                            <button type="button" on:click=move |_| match Note::parse(&evidence.get_untracked()) {
                                                Ok(evidence) => {
                                                    set_problem.set(None);
                                                    super::run::send_event(run.clone(), DrillAction::Done { action: action.clone(), evidence }, set_message);
                                                }
                                                Err(_) => set_problem.set(Some(t_string!(i18n, drills.p_note).to_owned())),
                                            }>{t!(i18n, drills.mark_done)}</button>
                                        </div>
                                        <FieldProblem problem/>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
