use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::href;

use crate::i18n::{t, use_i18n};

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area">
            <h1>{t!(i18n, not_found.title)}</h1>
            <p><A href=href::HOME>{t!(i18n, not_found.back)}</A></p>
        </section>
    }
}
