use guardpost_domain::drills::DrillBook;
use guardpost_domain::supplies::cover::{Overview, order_csv};
use leptos::prelude::*;

use super::access::{class_name, school_headcount, school_tz, today, with_stock};
use super::{catalog::StarterCatalog, labels};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{use_sync, with_replica};
use crate::widgets::{Outcome, PrintButton, download, labelled};

/// What the office sees at a glance: discrepancies to count, each item's stock and days of
/// cover against its target (with a chart), the order list, expiring lots and loans.
#[component]
pub fn OverviewPanel() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (message, set_message) = signal(None::<(bool, String)>);
    let overview =
        Memo::new(move |_| {
            let people = school_headcount(view);
            let mut overview =
                with_stock(view, |s| Overview::build(s, people, school_tz(), today()))?;
            // What open corrective actions of drills need goes on the order list too.
            with_replica(|r| {
                let book = DrillBook::of(r.changes_by());
                overview.add_needs(book.drills.equipment_needs().into_iter().map(
                    |(need, text)| {
                        (
                            &need.item,
                            need.quantity,
                            labelled(i18n, t_string!(i18n, drills.title), text),
                        )
                    },
                ));
            });
            Some(overview)
        });
    let class_name = move |id: &str| class_name(view, id);
    let tz = school_tz();
    move || {
        let Some(o) = overview.get() else {
            return view! { <p class="empty-state">{t!(i18n, supplies.signed_out)}</p> }.into_any();
        };
        if o.items.is_empty() {
            return view! { <StarterCatalog set_message/><Outcome message/> }.into_any();
        }
        let csv_order = o.order.clone();
        let download_order = move |_| {
            let header = [
                t_string!(i18n, supplies.item),
                t_string!(i18n, supplies.unit),
                t_string!(i18n, supplies.pack_size),
                t_string!(i18n, supplies.packs),
                t_string!(i18n, supplies.units),
                t_string!(i18n, supplies.shortfall),
                t_string!(i18n, drills.note),
            ];
            download(
                &format!("order-{}.csv", today()),
                &order_csv(&csv_order, header),
            );
        };
        view! {
            {(!o.discrepancies.is_empty()).then(|| view! {
                <div class="card warning" data-testid="discrepancies">
                    <h2>{t!(i18n, supplies.discrepancy_title)}</h2>
                    <p>{t!(i18n, supplies.discrepancy_text)}</p>
                    {o.discrepancies.iter().map(|d| view! {
                        <p><strong>{format!("{} · {} {} · {} · {} {}", d.lot.item, t_string!(i18n, supplies.lot), d.lot.lot, d.zone, t_string!(i18n, supplies.on_hand), d.on_hand)}</strong></p>
                        <ul>
                            {d.drawn.iter().map(|l| view! {
                                <li>{format!("{} · {} · {} {}", tz.local_minute_at_ms(l.at_ms).unwrap_or_default(), l.by, l.quantity,
                                    l.to.as_ref().map(|r| format!("→ {} {}", labels::holder(i18n, &r.holder, class_name), r.person)).unwrap_or_default())}</li>
                            }).collect_view()}
                        </ul>
                    }).collect_view()}
                </div>
            })}
            <p class="muted">{format!("{} {}", t_string!(i18n, supplies.headcount), o.headcount)}</p>
            <CoverChart rows=o.items.iter().map(|r| (r.item.name.to_string(), r.cover.days(), r.cover.target_days)).collect()/>
            <table class="table" data-testid="stock">
                <thead><tr>
                    <th>{t!(i18n, supplies.item)}</th><th>{t!(i18n, supplies.on_hand)}</th><th>{t!(i18n, supplies.days_cover)}</th>
                </tr></thead>
                <tbody>
                    {o.items.iter().map(|r| view! {
                        <tr class:short=r.cover.below_target()>
                            <td>{r.item.name.to_string()}<br/><span class=labels::mark_class(r.mark)>{labels::mark(i18n, r.mark)}</span>
                                <ul class="lots">
                                    {r.lots.iter().map(|l| view! {
                                        <li class=labels::mark_class(l.mark)>{labelled(i18n, format!("{} {}", t_string!(i18n, supplies.lot), l.lot.lot), format!("{} · {}", l.on_hand, l.zone))}</li>
                                    }).collect_view()}
                                </ul>
                            </td>
                            <td>{format!("{} {}", r.on_hand, r.item.unit)}</td>
                            <td>{format!("{} / {} {}", labels::days(r.cover.days()), r.cover.target_days, t_string!(i18n, supplies.days))}
                                {(r.cover.days_by_norm.is_some() && r.cover.days_by_use.is_some()).then(|| view! {
                                    <br/><span class="muted-text">{format!("{} {} {}", t_string!(i18n, supplies.by_use), labels::days(r.cover.days_by_use), t_string!(i18n, supplies.days))}</span>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <section class="card" data-testid="order">
                <h2>{t!(i18n, supplies.order_title)}</h2>
                {if o.order.is_empty() {
                    view! { <p>{t!(i18n, supplies.order_none)}</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {o.order.iter().map(|l| view! {
                                <li>{format!("{} · {} × {} {} ({} {})", l.item.name, l.packs, l.item.pack_size, l.item.unit, t_string!(i18n, supplies.shortfall), l.shortfall)}
                                    {l.note.clone().map(|n| view! { <br/><span class="muted-text">{n}</span> })}</li>
                            }).collect_view()}
                        </ul>
                        <div class="actions">
                            <button type="button" on:click=download_order>{t!(i18n, supplies.order_csv)}</button>
                            <PrintButton/>
                        </div>
                    }.into_any()
                }}
            </section>
            <section class="card" data-testid="expiring">
                <h2>{t!(i18n, supplies.expiring_title)}</h2>
                {if o.expiring.is_empty() { Some(view! { <p>{t!(i18n, supplies.expiring_none)}</p> }) } else { None }}
                <ul>
                    {o.expiring.iter().map(|l| view! {
                        <li><span class=labels::mark_class(l.mark)>{labels::mark(i18n, l.mark)}</span>
                            {format!(" {} · {} {} · {} {} · {} {}", l.lot.item, t_string!(i18n, supplies.lot), l.lot.lot,
                                t_string!(i18n, supplies.expires), l.lot.expires.map(|d| d.to_string()).unwrap_or_default(), l.on_hand, l.zone)}</li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" data-testid="loans">
                <h2>{t!(i18n, supplies.loans_title)}</h2>
                {if o.held_out.is_empty() { Some(view! { <p>{t!(i18n, supplies.loans_none)}</p> }) } else { None }}
                <ul>
                    {o.held_out.iter().map(|l| view! {
                        <li class:overdue=l.overdue>{format!("{} {} {} · {} {} · {}", l.item.name, l.quantity, l.item.unit,
                            labels::holder(i18n, &l.holder, class_name), l.person,
                            l.due.map(|d| format!("{} {d}{}", t_string!(i18n, supplies.due), if l.overdue { t_string!(i18n, supplies.overdue) } else { "" })).unwrap_or_default())}</li>
                    }).collect_view()}
                </ul>
            </section>
        }.into_any()
    }
}

/// Days of cover per item against its target, as bars: the target is the mark each bar
/// should reach.
#[component]
fn CoverChart(rows: Vec<(String, Option<f64>, u16)>) -> impl IntoView {
    let i18n = use_i18n();
    const ROW: f64 = 22.0;
    const LABEL: f64 = 120.0;
    const WIDTH: f64 = 360.0;
    let scale_max = rows
        .iter()
        .map(|(_, d, t)| d.unwrap_or(0.0).max(f64::from(*t)))
        .fold(1.0, f64::max)
        .min(120.0);
    let x = move |days: f64| LABEL + (days.min(scale_max) / scale_max) * (WIDTH - LABEL - 10.0);
    let height = ROW * rows.len() as f64 + 4.0;
    view! {
        <figure class="chart">
            <figcaption>{t!(i18n, supplies.chart_title)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=move || t_string!(i18n, supplies.chart_title)>
                {rows.into_iter().enumerate().map(|(i, (name, days, target))| {
                    let y = ROW * i as f64 + 2.0;
                    let d = days.unwrap_or(0.0);
                    let short = d < f64::from(target);
                    view! {
                        <text x="0" y=y + 14.0 font-size="11">{name}</text>
                        <rect x=LABEL y=y + 3.0 width=(x(d) - LABEL).max(1.0) height="14" class=if short { "bar short" } else { "bar" }/>
                        <line x1=x(f64::from(target)) x2=x(f64::from(target)) y1=y y2=y + ROW class="target"/>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}
