//! The term's required drills: which scenarios, on which dates, and where each stands; with
//! the term's summary (drills done, actions open).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use guardpost_domain::changes::Payload;
use guardpost_domain::drills::report::TermSummary;
use guardpost_domain::drills::{DrillBook, Scenario, Term, TermPlan, may_manage};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::labels;
use super::page::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, use_sync};
use crate::widgets::{Conflict, Outcome, PrintButton, aside, labelled, record_outcome};

#[component]
pub fn TermPanel(book: Memo<DrillBook>) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (tz, day) = today();
    let term = Term::of(day);
    let summary = move || book.with(|b| TermSummary::of(b, tz, day));
    // The form starts from the term's plan as saved, and follows it while nobody has
    // ticked anything (the app opened on this page before its records were read, or
    // another device's save arrived).
    let chosen = RwSignal::new(BTreeMap::new());
    let taken = StoredValue::new(BTreeMap::new());
    // What a save replaces: the versions the form began from, as the person saw them.
    let began_from = StoredValue::new(Vec::new());
    let take = move || {
        let (required, replaced) = book.with_untracked(|b| {
            let required = b.terms.get(&term).map(|p| p.required.clone());
            (required.unwrap_or_default(), b.replaced_by_term_edit(term))
        });
        taken.set_value(required.clone());
        chosen.set(required);
        began_from.set_value(replaced);
    };
    take();
    Effect::new(move |_| {
        book.track();
        if chosen.with_untracked(|c| taken.with_value(|t| c == t)) {
            take();
        }
    });
    // Term plans written alongside the kept one, requiring otherwise, to be put right.
    let unseen = move || {
        book.with(|b| {
            b.term_versions
                .get(&term)
                .map(|(_, unseen)| unseen.clone())
                .unwrap_or_default()
        })
    };
    let (message, set_message) = signal(None::<(bool, String)>);
    let manages = move || view.session.get().is_some_and(|s| may_manage(s.role));
    let save = move |_| {
        let plan = TermPlan {
            term,
            required: chosen.get_untracked(),
            replaces: began_from.get_value(),
        };
        leptos::task::spawn_local(async move {
            let mut outcome = record_outcome(
                i18n,
                record(view, Stream::Drills, Payload::DrillTerm(plan)).await,
            );
            if outcome.0 {
                outcome.1 = t_string!(i18n, drills.term_saved).to_owned();
                take();
            }
            set_message.set(Some(outcome));
        });
    };
    let first = term.first_day().to_string();
    let last = term.last_day().to_string();
    view! {
        <section data-testid="term">
            <h2>{format!("{} – {}", term.first_day(), term.last_day())}</h2>
            {move || {
                let s = summary();
                if s.standing.is_empty() {
                    return view! { <p class="empty-state">{t!(i18n, drills.term_none)}</p> }.into_any();
                }
                view! {
                    <ul class="card-list">
                        {s.standing.into_iter().map(|(scenario, st)| {
                            let (text, class) = labels::standing(i18n, st);
                            view! {
                                <li class="card" data-testid="standing" data-scenario=format!("{scenario:?}")>
                                    <strong>{labels::scenario(i18n, scenario)}</strong>" "
                                    <span class=format!("badge {class}")>{text}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <h3>{t!(i18n, drills.summary)}</h3>
                    <p>{labelled(i18n, t_string!(i18n, drills.drills_done), s.done.len())}</p>
                    <ul>{s.done.into_iter().map(|(sc, d, on_time, all)| view! {
                        <li>{format!("{d} · {} · {} {on_time}/{all}", labels::scenario(i18n, sc), t_string!(i18n, drills.on_time))}</li>
                    }).collect_view()}</ul>
                    <p>{labelled(i18n, t_string!(i18n, drills.actions_open), aside(i18n, s.open_actions.len(),
                        format!("{} {}", s.overdue_actions, t_string!(i18n, drills.overdue_actions))))}</p>
                    <ul>{s.open_actions.into_iter().map(|a| view! {
                        <li>{format!("{} · {} · {} {}", a.text, a.owner, t_string!(i18n, drills.due), a.due)}</li>
                    }).collect_view()}</ul>
                    <PrintButton/>
                }.into_any()
            }}
            <Show when=manages>
                <form class="card form" on:submit=|ev| ev.prevent_default()>
                    <h3>{t!(i18n, drills.required)}</h3>
                    {move || {
                        let unseen = unseen();
                        (!unseen.is_empty()).then(|| {
                            let tz = crate::school::school_tz();
                            view! {
                                <Conflict said=t_string!(i18n, drills.term_unseen) testid="term-conflict">
                                    {unseen.into_iter().map(|u| view! {
                                        <p><strong>{format!("{} · {}", tz.local_minute_at_ms(u.at.wall).unwrap_or_default(), u.by)}</strong></p>
                                        <ul>{u.record.required.iter().map(|(scenario, on)| view! {
                                            <li>{format!("{}{}", labels::scenario(i18n, *scenario), on.map(|d| format!(" · {d}")).unwrap_or_default())}</li>
                                        }).collect_view()}</ul>
                                    }).collect_view()}
                                </Conflict>
                            }
                        })
                    }}
                    {Scenario::ALL.into_iter().map(|scenario| {
                        let ticked = move || chosen.with(|c| c.contains_key(&scenario));
                        let date = move || chosen.with(|c| c.get(&scenario).copied().flatten().map(|d| d.to_string()).unwrap_or_default());
                        view! {
                            <div class="term-row">
                                <label class="tick"><input type="checkbox" name=format!("req-{scenario:?}") prop:checked=ticked
                                    on:change=move |ev| chosen.update(|c: &mut BTreeMap<Scenario, Option<NaiveDate>>| {
                                        if event_target_checked(&ev) { c.entry(scenario).or_insert(None); } else { c.remove(&scenario); }
                                    })/>
                                    {labels::scenario(i18n, scenario)}</label>
                                <label><span>{t!(i18n, drills.date)}</span>
                                    <input type="date" name=format!("date-{scenario:?}") min=first.clone() max=last.clone() prop:value=date
                                        on:change=move |ev| {
                                            let d = guardpost_domain::dates::parse(&event_target_value(&ev));
                                            chosen.update(|c| { c.insert(scenario, d); });
                                        }/></label>
                            </div>
                        }
                    }).collect_view()}
                    <button type="button" class="primary" on:click=save>{t!(i18n, drills.save_term)}</button>
                    <Outcome message/>
                </form>
            </Show>
        </section>
    }
}
