//! The frame around every page: the header with the school's name, the sync-status slot and
//! the language switch, and the bottom navigation to the four areas.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::href;

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::network::online_signal;
use crate::school::school_signal;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let school = school_signal();
    let school_name = move || school.get().map(|s| s.name.to_string());
    Effect::new(move |_| {
        let title = match school_name() {
            Some(name) => format!("{} · {name}", t_string!(i18n, app_name)),
            None => t_string!(i18n, app_name).to_string(),
        };
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&title);
        }
    });
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="app-name">{t!(i18n, app_name)}</span>
                <span class="school-name" data-testid="school-name">
                    {move || match school_name() {
                        Some(name) => name.into_any(),
                        None => view! { <span class="muted">{t!(i18n, school_unknown)}</span> }.into_any(),
                    }}
                </span>
            </div>
            <SyncStatus/>
            <LanguageSwitch/>
        </header>
    }
}

/// The sync-status slot. Until the sync spine lands there is nothing to sync, and it says so;
/// the network state is real.
#[component]
fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let online = online_signal();
    view! {
        <div class="sync-status" data-testid="sync-status" role="status" aria-live="polite">
            <span class="dot" class:offline=move || !online.get()></span>
            <span class="net">
                {move || if online.get() { t_string!(i18n, sync.online) } else { t_string!(i18n, sync.offline) }}
            </span>
            <span class="pending">{t!(i18n, sync.no_changes)}</span>
        </div>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |_| {
        let next = match i18n.get_locale() {
            Locale::zh_CN => Locale::en,
            Locale::en => Locale::zh_CN,
        };
        i18n.set_locale(next);
    };
    view! {
        <button
            class="lang-switch"
            type="button"
            data-testid="language-switch"
            on:click=toggle
            aria-label=move || t_string!(i18n, switch_language_label)
        >
            {t!(i18n, switch_language)}
        </button>
    }
}

#[component]
pub fn NavBar() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="navbar" aria-label=move || t_string!(i18n, nav.label)>
            <A href=href::HOME exact=true>{t!(i18n, nav.home)}</A>
            <A href=href::CHECKINS>{t!(i18n, nav.checkins)}</A>
            <A href=href::SUPPLIES>{t!(i18n, nav.supplies)}</A>
            <A href=href::DRILLS>{t!(i18n, nav.drills)}</A>
            <A href=href::NOTICES>{t!(i18n, nav.notices)}</A>
        </nav>
    }
}
