//! The frame around every page: the header with the school's name, the sync-status slot and
//! the language switch, and the bottom navigation to the four areas.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::accounts::{lists_drills, manages_directory};
use crate::app::href;

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::network::online_signal;
use crate::school::use_school;
use crate::sync::engine::use_sync;
use crate::sync::{Phase, SyncView};
use crate::widgets::NextTask;

#[component]
pub fn Header() -> impl IntoView {
    // The page's "opening…" line has done its job once the header is drawn, in this task:
    // the header takes its place with nothing painted in between.
    if let Some(boot) = document().and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    let i18n = use_i18n();
    let school = use_school();
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
            // Each in a task of its own (see NextTask), all drawn before the app takes over
            // from the first cards (home.rs), so the header does not change height in view.
            <NextTask>
                <SyncStatus/>
            </NextTask>
            <NextTask>
                <LanguageSwitch/>
                <UpdateOffer/>
            </NextTask>
        </header>
    }
}

/// What the sync-status slot says, from the engine's phase and counts.
fn status_text(i18n: leptos_i18n::I18nContext<Locale>, view: SyncView, online: bool) -> String {
    let pending = view.pending.get();
    let waiting = || format!("{} {pending}", t_string!(i18n, sync.waiting));
    match view.phase.get() {
        Phase::SignedOut => t_string!(i18n, sync.signed_out).to_owned(),
        Phase::Loading => t_string!(i18n, sync.loading).to_owned(),
        Phase::Syncing => t_string!(i18n, sync.syncing).to_owned(),
        Phase::Revoked => t_string!(i18n, sync.revoked).to_owned(),
        Phase::StorageFailed(_) => t_string!(i18n, sync.storage_failed).to_owned(),
        _ if pending == 0 => t_string!(i18n, sync.all_synced).to_owned(),
        Phase::Offline => waiting(),
        _ if !online => waiting(),
        Phase::Failed(_) => format!("{} · {}", t_string!(i18n, sync.failed), waiting()),
        Phase::Idle => waiting(),
    }
}

/// The sync-status slot: the network state, where sync stands, changes waiting and any the
/// server refused. Opens the sync page.
#[component]
fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let online = online_signal();
    let view = use_sync();
    let refused = move || view.refused.get().len();
    view! {
        <A href=crate::app::href::SYNC attr:class="sync-status" attr:data-testid="sync-status" attr:role="status" attr:aria-live="polite">
            <span class="dot" class:offline=move || !online.get()></span>
            <span class="net">
                {move || if online.get() { t_string!(i18n, sync.online) } else { t_string!(i18n, sync.offline) }}
            </span>
            <span class="pending">{move || status_text(i18n, view, online.get())}</span>
            <Show when=move || { refused() > 0 }>
                <span class="refused-badge">{move || format!("{} {}", t_string!(i18n, sync.refused), refused())}</span>
            </Show>
        </A>
    }
}

/// The language cookie the Worker reads and sets too (worker/src/strings.rs), so that the
/// public page, the app's opening line and the app speak the same language.
pub const LANG_COOKIE: &str = "i18n_pref_locale";

fn document() -> Option<web_sys::HtmlDocument> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.dyn_into().ok()
}

/// The language this browser chose last, if it chose one.
fn chosen_locale() -> Option<Locale> {
    use leptos_i18n::Locale as _;
    let cookies = document()?.cookie().ok()?;
    let chosen = cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == LANG_COOKIE).then_some(value)
    })?;
    Locale::get_all()
        .iter()
        .copied()
        .find(|l| l.as_str() == chosen)
}

/// Keeps the person's choice of language across visits. leptos_i18n can do this itself, but
/// only with a cookie library that costs a teacher's phone 15 KB of download.
fn keep_language(i18n: leptos_i18n::I18nContext<Locale>) {
    use leptos_i18n::Locale as _;
    // leptos_i18n's own first effect sets the browser's language; this one runs after it
    // and puts the chosen one back, then writes every later choice.
    Effect::new(move |applied: Option<()>| {
        let locale = i18n.get_locale();
        if applied.is_none()
            && let Some(chosen) = chosen_locale()
            && chosen != locale
        {
            i18n.set_locale(chosen);
            return;
        }
        if let Some(doc) = document() {
            let cookie = format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                locale.as_str()
            );
            // Without cookies the choice lasts until the page is closed.
            let _ = doc.set_cookie(&cookie);
        }
    });
}

/// A new release waits until the person chooses to reload: never under their feet.
#[component]
fn UpdateOffer() -> impl IntoView {
    let i18n = use_i18n();
    let waiting = crate::install::waiting_release();
    view! {
        <Show when=move || waiting.with(Option::is_some)>
            <div class="update-offer" role="status" data-testid="update-ready">
                <span>{t!(i18n, install.update_ready)}</span>
                <button type="button" on:click=move |_| {
                    if let Some(worker) = waiting.get() {
                        crate::install::take_release(&worker);
                    }
                }>{t!(i18n, install.reload)}</button>
            </div>
        </Show>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    keep_language(i18n);
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
    let sync = use_sync();
    let is_admin = manages_directory(sync);
    view! {
        <nav class="navbar" aria-label=move || t_string!(i18n, nav.label)>
            <A href=href::HOME exact=true>{t!(i18n, nav.home)}</A>
            <A href=href::CHECKINS>{t!(i18n, nav.checkins)}</A>
            <A href=href::SUPPLIES>{t!(i18n, nav.supplies)}</A>
            <Show when=lists_drills(sync)>
                <A href=href::DRILLS>{t!(i18n, nav.drills)}</A>
            </Show>
            <A href=href::NOTICES>{t!(i18n, nav.notices)}</A>
            <Show when=is_admin>
                <A href=href::ADMIN>{t!(i18n, nav.admin)}</A>
            </Show>
        </nav>
    }
}
