use guardpost_domain::supplies::report::{csv_text, daily};
use leptos::prelude::*;

use super::access::{school_tz, today, with_stock};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::{PrintButton, TextField, download};

/// The daily stock report (日报告): per item, the day's opening stock, what came in and
/// went out, and the closing stock; as CSV and print.
#[component]
pub fn DailyReport() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (date, set_date) = signal(today().to_string());
    let rows = move || {
        let day = guardpost_domain::dates::parse(&date.get()).unwrap_or_else(today);
        (
            day,
            with_stock(view, |s| daily(s, school_tz(), day)).unwrap_or_default(),
        )
    };
    let csv = move |_| {
        let (day, rows) = rows();
        let header = [
            t_string!(i18n, supplies.item),
            t_string!(i18n, supplies.unit),
            t_string!(i18n, supplies.opening),
            t_string!(i18n, supplies.k_receipt),
            t_string!(i18n, supplies.k_issue),
            t_string!(i18n, supplies.k_return),
            t_string!(i18n, supplies.k_disposal),
            t_string!(i18n, supplies.k_adjustment),
            t_string!(i18n, supplies.closing),
        ];
        let text = csv_text(
            header,
            rows.into_iter().map(|r| {
                [
                    r.item.name.to_string(),
                    r.item.unit.to_string(),
                    r.opening.to_string(),
                    r.received.to_string(),
                    r.issued.to_string(),
                    r.returned.to_string(),
                    r.disposed.to_string(),
                    r.adjusted.to_string(),
                    r.closing.to_string(),
                ]
            }),
        );
        download(&format!("stock-{day}.csv"), &text);
    };
    view! {
        <section class="card" data-testid="daily-report">
            <h2>{t!(i18n, supplies.daily_title)}</h2>
            <div class="form">
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.date)) kind="date" name="report-date" value=date set=set_date/>
                <div class="actions">
                    <button type="button" on:click=csv>{t!(i18n, supplies.daily_csv)}</button>
                    <PrintButton/>
                </div>
            </div>
            <div class="scroll">
                <table class="table">
                    <thead><tr>
                        <th>{t!(i18n, supplies.item)}</th><th>{t!(i18n, supplies.opening)}</th><th>{t!(i18n, supplies.in_out)}</th><th>{t!(i18n, supplies.closing)}</th>
                    </tr></thead>
                    <tbody>
                        {move || rows().1.into_iter().map(|r| view! {
                            <tr>
                                <td>{format!("{} ({})", r.item.name, r.item.unit)}</td>
                                <td>{r.opening}</td>
                                <td>{format!("+{} −{} +{} −{} {:+}", r.received, r.issued, r.returned, r.disposed, r.adjusted)}</td>
                                <td>{r.closing}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted-text">{t!(i18n, supplies.in_out_key)}</p>
        </section>
    }
}
