use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::EmptyArea;

/// Empty state until drafting and approval land; the public page already works, so link to it.
#[component]
pub fn Notices() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <EmptyArea title=move || t_string!(i18n, notices.title) text=move || t_string!(i18n, notices.empty)>
            // The public page is served by the Worker, outside the router: a plain link.
            <p><a href="/" rel="external">{t!(i18n, notices.public_link)}</a></p>
        </EmptyArea>
    }
}
