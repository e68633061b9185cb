use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

/// Empty state until this area's screens land: says what will be here, and that it can't be
/// used yet.
#[component]
pub fn Supplies() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area">
            <h1>{t!(i18n, supplies.title)}</h1>
            <p class="empty-state">{t!(i18n, supplies.empty)}</p>
        </section>
    }
}
