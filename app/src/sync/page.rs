use guardpost_domain::sync::refusal::{Advice, Why};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::components::A;

use crate::app::href;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::Phase;
use crate::sync::engine::{dismiss_refused, sync_now, use_sync, with_replica};
use crate::widgets::{SetAsideList, describe, problem_text};

/// What sync has done and what waits: pending changes, the last successful sync, and every
/// change the server refused, with why and what to do.
#[component]
pub fn SyncPage() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let school = use_school();
    let last_sync = move || {
        let tz = school.get().map(|s| s.timezone).unwrap_or_default();
        view.last_sync_ms
            .get()
            .and_then(|ms| tz.local_minute_at_ms(ms))
    };
    let signed_in = move || !matches!(view.phase.get(), Phase::SignedOut);
    let storage = LocalResource::new(crate::install::persist_and_measure);
    view! {
        <section class="area">
            <h1>{t!(i18n, sync_page.title)}</h1>
            <Show
                when=signed_in
                fallback=move || view! {
                    <p class="empty-state">{t!(i18n, sync_page.signed_out)}" "<A href=href::JOIN>{t!(i18n, join.title)}</A></p>
                }
            >
                <dl class="card facts">
                    <dt>{t!(i18n, sync_page.device)}</dt>
                    <dd data-testid="device-name">{move || view.session.get().map(|s| s.name.to_string())}</dd>
                    <dt>{t!(i18n, sync_page.pending)}</dt>
                    <dd data-testid="pending-count">{move || view.pending.get()}</dd>
                    <dt>{t!(i18n, sync_page.held)}</dt>
                    <dd data-testid="held-count">{move || {
                        view.revision.track();
                        with_replica(|r| r.ops.len()).unwrap_or(0)
                    }}</dd>
                    <dt>{t!(i18n, sync_page.last_sync)}</dt>
                    <dd data-testid="last-sync">{move || last_sync().unwrap_or_else(|| t_string!(i18n, sync_page.never).to_owned())}</dd>
                    <dt>{t!(i18n, install.stored)}</dt>
                    <dd data-testid="storage">{move || storage_text(i18n, storage.get().flatten())}</dd>
                </dl>
                <button type="button" class="primary" on:click=move |_| sync_now(view)>{t!(i18n, sync_page.sync_now)}</button>
                <SetAsideList/>
                <h2>{t!(i18n, sync_page.refused_title)}</h2>
                <Show
                    when=move || !view.refused.get().is_empty()
                    fallback=move || view! { <p class="muted-text">{t!(i18n, sync_page.refused_none)}</p> }
                >
                    <ul class="refused" data-testid="refused-list">
                        <For
                            each=move || view.refused.get().into_iter().enumerate()
                            key=|(i, r)| (*i, r.hlc)
                            children=move |(index, change)| {
                                let what = describe(i18n, &change.payload);
                                let why = match change.reason.why() {
                                    Why::NotAllowed => t_string!(i18n, sync_page.reason_forbidden).to_owned(),
                                    Why::Invalid(problem) => format!("{} {}", t_string!(i18n, sync_page.reason_invalid), problem_text(i18n, problem)),
                                };
                                let todo = advice_text(i18n, change.reason.advice());
                                view! {
                                    <li class="card">
                                        <strong>{what}</strong>
                                        <p>{why}</p>
                                        <p class="muted-text">{todo}</p>
                                        <button type="button" on:click=move |_| {
                                            leptos::task::spawn_local(dismiss_refused(view, index));
                                        }>{t!(i18n, sync_page.dismiss)}</button>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </Show>
            </Show>
        </section>
    }
}

/// What to do about a refused change, in the person's language.
fn advice_text(i18n: I18nContext<Locale>, advice: Advice) -> &'static str {
    match advice {
        Advice::AskTheOffice => t_string!(i18n, sync_page.todo_forbidden),
        Advice::CorrectAndRecordAgain => t_string!(i18n, sync_page.todo_invalid),
    }
}

/// "3.2 MB · the browser keeps it", or what the browser would not say.
fn storage_text(i18n: I18nContext<Locale>, storage: Option<crate::install::Storage>) -> String {
    let Some(storage) = storage else {
        return t_string!(i18n, install.unknown).to_owned();
    };
    let kept = if storage.persisted {
        t_string!(i18n, install.persisted)
    } else {
        t_string!(i18n, install.evictable)
    };
    // Tenths of a MB as an integer: formatting an f64 would bring the float printer (about
    // 4 KB gzip) into a teacher's download for this one figure.
    let tenths = (storage.used_bytes / 100_000.0).round() as u64;
    format!("{}.{} MB · {kept}", tenths / 10, tenths % 10)
}
