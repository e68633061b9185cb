use guardpost_domain::checkins::status::DayCount;
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

/// Fevers and illness absences over 14 days, as an SVG drawn here (no chart server).
#[component]
pub(super) fn TrendChart(trend: Vec<DayCount>) -> impl IntoView {
    let i18n = use_i18n();
    let (w, h, pad) = (280.0_f64, 90.0_f64, 12.0_f64);
    let top = trend
        .iter()
        .map(|d| d.fever.max(d.illness))
        .max()
        .unwrap_or(0)
        .max(1);
    let n = trend.len().max(2) as f64;
    let point = |i: usize, v: u32, lift: f64| {
        let x = pad + (w - 2.0 * pad) * i as f64 / (n - 1.0);
        let y = h - pad - lift - (h - 2.0 * pad - lift) * f64::from(v) / f64::from(top);
        format!("{x:.1},{y:.1}")
    };
    let fever: Vec<String> = trend
        .iter()
        .enumerate()
        .map(|(i, d)| point(i, d.fever, 0.0))
        .collect();
    // Drawn 3 units higher: with both at zero the lines would lie on each other.
    let illness: Vec<String> = trend
        .iter()
        .enumerate()
        .map(|(i, d)| point(i, d.illness, 3.0))
        .collect();
    let first = trend
        .first()
        .map(|d| d.date.format("%m-%d").to_string())
        .unwrap_or_default();
    let last = trend
        .last()
        .map(|d| d.date.format("%m-%d").to_string())
        .unwrap_or_default();
    // Labels are HTML, not SVG text, so they keep the page's font size however narrow the
    // chart is drawn.
    view! {
        <figure class="trend">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=move || t_string!(i18n, today.trend)>
                <line x1=pad y1=h - pad x2=w - pad y2=h - pad class="axis"/>
                <polyline points=fever.join(" ") class="fever-line" fill="none"/>
                <polyline points=illness.join(" ") class="illness-line" fill="none"/>
            </svg>
            <div class="trend-axis"><span>{first}</span><span>{format!("{} {top}", t_string!(i18n, today.trend_max))}</span><span>{last}</span></div>
            <figcaption>
                <span class="key fever-key">{t!(i18n, today.fever)}</span>
                <span class="key illness-key">{t!(i18n, today.illness)}</span>
                " · "{t!(i18n, today.trend)}
            </figcaption>
        </figure>
    }
}
