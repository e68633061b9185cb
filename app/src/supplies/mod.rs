use leptos::prelude::*;

use crate::i18n::{t_string, use_i18n};
use crate::widgets::EmptyArea;

/// Empty state until this area's screens land: says what will be here, and that it can't be
/// used yet.
#[component]
pub fn Supplies() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <EmptyArea title=move || t_string!(i18n, supplies.title) text=move || t_string!(i18n, supplies.empty)/>
    }
}
