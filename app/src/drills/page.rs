use guardpost_domain::drills::{DrillBook, RunId, may_manage};
use leptos::prelude::*;
use leptos_router::components::A;

use super::actions::ActionsPanel;
use super::labels;
use super::plans::PlansPanel;
use super::run::{RunScreen, RunsPanel};
use super::term::TermPanel;
use crate::app::href;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{use_sync, with_replica};
use crate::widgets::{aside, listed};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Term,
    Runs,
    Actions,
    Plans,
}

/// Everything about the school's drills as this device holds it, refolded on each change.
pub fn use_book() -> Memo<DrillBook> {
    let view = use_sync();
    Memo::new(move |_| {
        view.revision.track();
        with_replica(|r| DrillBook::of(r.changes_by())).unwrap_or_default()
    })
}

/// The school's zone, and its day now.
pub fn today() -> (guardpost_domain::school::SchoolTimeZone, chrono::NaiveDate) {
    (crate::school::school_tz(), crate::school::school_today())
}

/// The drills area: the term's drills, the drills run (and run mode), corrective actions and
/// plans, one tab at a time so a phone shows one task.
#[component]
pub fn Drills() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let book = use_book();
    let tab = RwSignal::new(Tab::Term);
    let open = RwSignal::new(None::<RunId>);
    let button = move |which: Tab, label: &'static str, id: &'static str| {
        view! {
            <button type="button" class="tab" data-testid=id
                aria-pressed=move || (tab.get() == which).to_string()
                on:click=move |_| { open.set(None); tab.set(which); }>{label}</button>
        }
    };
    let signed_in = move || view.session.get().is_some();
    let manages = move || view.session.get().is_some_and(|s| may_manage(s.role));
    view! {
        <section class="area drills">
            <h1>{t!(i18n, drills.title)}</h1>
            <Show when=signed_in fallback=move || view! { <p class="empty-state">{t!(i18n, drills.empty)}</p> }>
                <nav class="tabs" aria-label=move || t_string!(i18n, drills.title)>
                    {move || button(Tab::Term, t_string!(i18n, drills.tab_term), "tab-term")}
                    {move || button(Tab::Runs, t_string!(i18n, drills.tab_runs), "tab-runs")}
                    {move || button(Tab::Actions, t_string!(i18n, drills.tab_actions), "tab-actions")}
                    {move || manages().then(|| button(Tab::Plans, t_string!(i18n, drills.tab_plans), "tab-plans"))}
                </nav>
                {move || match (tab.get(), open.get()) {
                    (Tab::Runs, Some(id)) => view! { <RunScreen id book back=move || open.set(None)/> }.into_any(),
                    (Tab::Runs, None) => view! { <RunsPanel book open/> }.into_any(),
                    (Tab::Term, _) => view! { <TermPanel book/> }.into_any(),
                    (Tab::Actions, _) => view! { <ActionsPanel book/> }.into_any(),
                    (Tab::Plans, _) => view! { <PlansPanel book/> }.into_any(),
                }}
            </Show>
        </section>
    }
}

/// On the start screen of an admin or logistics: this term's overdue drills, so they stand
/// out (nothing for anyone else, nor when none is overdue).
#[component]
pub fn OverdueDrills() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let book = use_book();
    let overdue = move || {
        if !view.session.get().is_some_and(|s| may_manage(s.role)) {
            return Vec::new();
        }
        let (tz, today) = today();
        book.with(|b| b.overdue(tz, today))
    };
    move || {
        let list = overdue();
        (!list.is_empty()).then(|| {
            let names = listed(
                i18n,
                &list
                    .iter()
                    .map(|(s, since)| aside(i18n, labels::scenario(i18n, *s), since))
                    .collect::<Vec<_>>(),
            );
            view! {
                <p class="notice error" data-testid="drills-overdue" role="status">
                    {t!(i18n, drills.overdue_banner)}{names}" "
                    <A href=href::DRILLS>{t!(i18n, drills.title)}</A>
                </p>
            }
        })
    }
}
