use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::href;

use crate::i18n::{t, use_i18n};

/// The start page: the four areas, each with what it is for.
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="home">
            <h1>{t!(i18n, home.title)}</h1>
            <p class="intro">{t!(i18n, home.intro)}</p>
            <ul class="areas">
                <li><A href=href::CHECKINS><strong>{t!(i18n, nav.checkins)}</strong><span>{t!(i18n, home.checkins)}</span></A></li>
                <li><A href=href::SUPPLIES><strong>{t!(i18n, nav.supplies)}</strong><span>{t!(i18n, home.supplies)}</span></A></li>
                <li><A href=href::DRILLS><strong>{t!(i18n, nav.drills)}</strong><span>{t!(i18n, home.drills)}</span></A></li>
                <li><A href=href::NOTICES><strong>{t!(i18n, nav.notices)}</strong><span>{t!(i18n, home.notices)}</span></A></li>
            </ul>
        </section>
    }
}
