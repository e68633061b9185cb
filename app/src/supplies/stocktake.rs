use guardpost_domain::supplies::Variance;
use guardpost_domain::supplies::stocktake::{
    CountLine, CountProblem, Counted, count_sheet, settle, sheet_csv, zones,
};
use leptos::prelude::*;

use super::access::{save_movement, today, with_stock};
use super::labels;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::{FieldProblem, Outcome, PrintButton, download};

/// 盘点: pick a zone (or all), start, count each lot; a blind count hides what the ledger
/// expects. The sheet is fixed when the count starts, so a sync meanwhile can't move lines.
#[component]
pub fn StocktakePanel() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (zone, set_zone) = signal(String::new());
    let blind = RwSignal::new(true);
    let sheet = RwSignal::new(None::<Vec<(CountLine, String)>>);
    let counts = RwSignal::new(Vec::<Counted>::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let all_zones = move || with_stock(view, zones).unwrap_or_default();
    let start = move |_| {
        let wanted = zone.get_untracked();
        let lines = with_stock(view, |s| {
            let z = all_zones().into_iter().find(|z| z.as_str() == wanted);
            count_sheet(s, z.as_ref())
                .into_iter()
                .map(|l| {
                    let name = s.items.get(&l.lot.item).map_or_else(
                        || l.lot.item.to_string(),
                        |i| format!("{} ({})", i.name, i.unit),
                    );
                    (l, name)
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
        counts.set(
            lines
                .iter()
                .map(|_| Counted {
                    counted: String::new(),
                    reason: None,
                })
                .collect(),
        );
        sheet.set(Some(lines));
        set_problem.set(None);
        set_message.set(None);
    };
    let csv = move |_| {
        let Some(lines) = sheet.get_untracked() else {
            return;
        };
        let plain: Vec<CountLine> = lines.into_iter().map(|(l, _)| l).collect();
        let header = [
            t_string!(i18n, supplies.zone),
            t_string!(i18n, supplies.item),
            t_string!(i18n, supplies.lot),
            t_string!(i18n, supplies.expires),
            t_string!(i18n, supplies.expected),
            t_string!(i18n, supplies.counted),
            t_string!(i18n, supplies.reason),
        ];
        if let Some(text) = with_stock(view, |s| {
            sheet_csv(s, &plain, blind.get_untracked(), header)
        }) {
            download(&format!("stocktake-{}.csv", today()), &text);
        }
    };
    let finish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(lines) = sheet.get_untracked() else {
            return;
        };
        let plain: Vec<CountLine> = lines.iter().map(|(l, _)| l.clone()).collect();
        match settle(&plain, &counts.get_untracked()) {
            Err(p) => {
                let (line, text) = match p {
                    CountProblem::NotCounted { line } => {
                        (line, t_string!(i18n, supplies.p_not_counted))
                    }
                    CountProblem::NotANumber { line } => {
                        (line, t_string!(i18n, supplies.p_quantity))
                    }
                    CountProblem::NeedsReason { line } => {
                        (line, t_string!(i18n, supplies.p_reason))
                    }
                };
                let name = lines
                    .get(line)
                    .map(|(l, n)| format!("{n} · {} {}", t_string!(i18n, supplies.lot), l.lot.lot))
                    .unwrap_or_default();
                set_problem.set(Some(format!("{name}: {text}")));
            }
            Ok(adjustments) => {
                set_problem.set(None);
                let n = adjustments.len();
                leptos::task::spawn_local(async move {
                    for m in adjustments {
                        let outcome = save_movement(view, i18n, m).await;
                        if !outcome.0 {
                            set_message.set(Some(outcome));
                            return;
                        }
                    }
                    sheet.set(None);
                    set_message.set(Some((
                        true,
                        format!("{} {n}", t_string!(i18n, supplies.count_done)),
                    )));
                });
            }
        }
    };
    let variance_options = move || {
        Variance::ALL
            .into_iter()
            .enumerate()
            .map(
                |(i, v)| view! { <option value=i.to_string()>{labels::variance(i18n, v)}</option> },
            )
            .collect_view()
    };
    view! {
        <section class="card form" data-testid="stocktake">
            <h2>{t!(i18n, supplies.tab_stocktake)}</h2>
            <Show when=move || sheet.with(Option::is_none)>
                <label><span>{t!(i18n, supplies.zone)}</span>
                    <select name="zone" on:change=move |ev| set_zone.set(event_target_value(&ev)) prop:value=zone>
                        <option value="">{t!(i18n, supplies.all_zones)}</option>
                        {move || all_zones().into_iter().map(|z| view! { <option value=z.to_string()>{z.to_string()}</option> }).collect_view()}
                    </select></label>
                <label class="tick"><input type="checkbox" name="blind" prop:checked=blind on:change=move |ev| blind.set(event_target_checked(&ev))/>
                    {t!(i18n, supplies.blind)}</label>
                <button type="button" class="primary" on:click=start>{t!(i18n, supplies.count_start)}</button>
            </Show>
            <Outcome message/>
            {move || sheet.get().map(|lines| {
                if lines.is_empty() {
                    return view! { <p>{t!(i18n, supplies.count_nothing)}</p> }.into_any();
                }
                view! {
                    <form class="form" on:submit=finish>
                        <ol class="count-sheet">
                            {lines.into_iter().enumerate().map(|(i, (line, name))| view! {
                                <li class="card" data-testid="count-line">
                                    <strong>{name}</strong>
                                    <p>{format!("{} {} · {} {} · {}", t_string!(i18n, supplies.lot), line.lot.lot, t_string!(i18n, supplies.expires),
                                        line.lot.expires.map(|d| d.to_string()).unwrap_or_else(|| "—".into()), line.zone)}</p>
                                    {(!blind.get_untracked()).then(|| view! { <p>{format!("{} {}", t_string!(i18n, supplies.expected), line.expected)}</p> })}
                                    <label><span>{t!(i18n, supplies.counted)}</span>
                                        <input type="number" inputmode="numeric" min="0" name=format!("count-{i}")
                                            on:input=move |ev| counts.update(|c| if let Some(c) = c.get_mut(i) { c.counted = event_target_value(&ev); })/></label>
                                    <label><span>{t!(i18n, supplies.reason_if_differs)}</span>
                                        <select name=format!("reason-{i}") on:change=move |ev| {
                                            let v = event_target_value(&ev).parse::<usize>().ok().and_then(|k| Variance::ALL.get(k).copied());
                                            counts.update(|c| if let Some(c) = c.get_mut(i) { c.reason = v; });
                                        }>
                                            <option value="">{t!(i18n, supplies.choose)}</option>
                                            {variance_options()}
                                        </select></label>
                                </li>
                            }).collect_view()}
                        </ol>
                        <FieldProblem problem/>
                        <div class="actions">
                            <button type="button" on:click=csv>{t!(i18n, supplies.sheet_csv)}</button>
                            <PrintButton/>
                        </div>
                        <button type="submit" class="primary">{t!(i18n, supplies.count_finish)}</button>
                        <button type="button" on:click=move |_| sheet.set(None)>{t!(i18n, supplies.count_cancel)}</button>
                    </form>
                }.into_any()
            })}
        </section>
    }
}
