use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

/// Empty state until drafting and approval land; the public page already works, so link to it.
#[component]
pub fn Notices() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area">
            <h1>{t!(i18n, notices.title)}</h1>
            <p class="empty-state">{t!(i18n, notices.empty)}</p>
            // The public page is served by the Worker, outside the router: a plain link.
            <p><a href="/" rel="external">{t!(i18n, notices.public_link)}</a></p>
        </section>
    }
}
