use guardpost_domain::checkins::view::ReportLine;
use leptos::prelude::*;

use super::time_of;
use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::counts_in;

/// A session's standing report: when, late or not, its numbers and whether it has synced.
/// `hint` adds how to correct it (on the form, where it can be).
#[component]
pub(super) fn ReportedLine(report: ReportLine, #[prop(optional)] hint: bool) -> impl IntoView {
    let i18n = use_i18n();
    let ReportLine {
        present,
        absent,
        fever,
        at_ms: at,
        late,
        synced,
    } = report;
    view! {
        <p class="card reported" data-testid="reported">
            <strong>{t!(i18n, checkins.reported)}</strong>" "{time_of(at)}
            {late.then(|| view! { " " <span class="tag danger">{t!(i18n, checkins.late)}</span> })}
            <br/>
            {counts_in(i18n.get_locale(), present, absent, fever)}
            " · "
            <span class=if synced { "state synced" } else { "state waiting" }>
                {if synced { t_string!(i18n, checkins.synced) } else { t_string!(i18n, checkins.waiting) }}
            </span>
            {hint.then(|| view! { <br/><span class="muted-text">{t!(i18n, checkins.correction_hint)}</span> })}
        </p>
    }
}
