use leptos::prelude::*;

use super::catalog::CatalogList;
use super::issue::IssueForm;
use super::kits::KitsPanel;
use super::ledger::LedgerList;
use super::movements::MovementsPanel;
use super::overview::OverviewPanel;
use super::receive::ReceiveForm;
use super::reports::DailyReport;
use super::stocktake::StocktakePanel;
use crate::i18n::{t, use_i18n};
use crate::sync::engine::use_sync;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Receive,
    Issue,
    Kits,
    Stocktake,
    Movements,
    Ledger,
    Reports,
    Catalog,
}

/// The store: at a glance, receive, issue, the ledger and the catalog, one tab at a time
/// so a phone in the storeroom shows one task.
#[component]
pub fn Supplies() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tab = RwSignal::new(Tab::Overview);
    let button = move |which: Tab, label: &'static str, id: &'static str| {
        view! {
            <button type="button" class="tab" data-testid=id
                aria-pressed=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>{label}</button>
        }
    };
    let signed_in = move || view.session.get().is_some();
    view! {
        <section class="area supplies">
            <h1>{t!(i18n, supplies.title)}</h1>
            <Show when=signed_in fallback=move || view! { <p class="empty-state">{t!(i18n, supplies.signed_out)}</p> }>
                <nav class="tabs" aria-label=move || crate::i18n::t_string!(i18n, supplies.title)>
                    {move || button(Tab::Overview, crate::i18n::t_string!(i18n, supplies.tab_overview), "tab-overview")}
                    {move || button(Tab::Receive, crate::i18n::t_string!(i18n, supplies.tab_receive), "tab-receive")}
                    {move || button(Tab::Issue, crate::i18n::t_string!(i18n, supplies.tab_issue), "tab-issue")}
                    {move || button(Tab::Kits, crate::i18n::t_string!(i18n, supplies.tab_kits), "tab-kits")}
                    {move || button(Tab::Stocktake, crate::i18n::t_string!(i18n, supplies.tab_stocktake), "tab-stocktake")}
                    {move || button(Tab::Movements, crate::i18n::t_string!(i18n, supplies.tab_movements), "tab-movements")}
                    {move || button(Tab::Ledger, crate::i18n::t_string!(i18n, supplies.tab_ledger), "tab-ledger")}
                    {move || button(Tab::Reports, crate::i18n::t_string!(i18n, supplies.tab_reports), "tab-reports")}
                    {move || button(Tab::Catalog, crate::i18n::t_string!(i18n, supplies.tab_catalog), "tab-catalog")}
                </nav>
                {move || match tab.get() {
                    Tab::Overview => view! { <OverviewPanel/> }.into_any(),
                    Tab::Receive => view! { <ReceiveForm/> }.into_any(),
                    Tab::Issue => view! { <IssueForm/> }.into_any(),
                    Tab::Kits => view! { <KitsPanel/> }.into_any(),
                    Tab::Stocktake => view! { <StocktakePanel/> }.into_any(),
                    Tab::Movements => view! { <MovementsPanel/> }.into_any(),
                    Tab::Ledger => view! { <LedgerList/> }.into_any(),
                    Tab::Reports => view! { <DailyReport/> }.into_any(),
                    Tab::Catalog => view! { <CatalogList/> }.into_any(),
                }}
            </Show>
        </section>
    }
}
