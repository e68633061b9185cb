use leptos::prelude::*;

use super::{Outcome, describe, record_outcome};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{discard_set_aside, resend_set_aside, use_sync};

/// The changes kept aside when this device was signed out before they synced: listed, and,
/// once someone is signed in again, sent again or let go.
#[component]
pub fn SetAsideList() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (message, set_message) = signal(None::<(bool, String)>);
    let signed_in = move || view.session.get().is_some();
    let resend = move |_| {
        leptos::task::spawn_local(async move {
            let outcome = resend_set_aside(view).await.map(drop);
            set_message.set(Some(record_outcome(i18n, outcome)));
        });
    };
    view! {
        <Show when=move || !view.set_aside.get().is_empty()>
            <div class="card warning" data-testid="set-aside">
                <p>{move || format!("{} {}", t_string!(i18n, sync_page.set_aside), view.set_aside.get().len())}</p>
                <ul>
                    {move || view.set_aside.get().into_iter().map(|(_, draft)| view! { <li>{describe(i18n, &draft.payload)}</li> }).collect_view()}
                </ul>
                <Show when=signed_in fallback=move || view! { <p class="muted-text">{t!(i18n, sync_page.set_aside_sign_in)}</p> }>
                    <div class="actions">
                        <button type="button" class="primary" on:click=resend>{t!(i18n, sync_page.set_aside_resend)}</button>
                        <button type="button" on:click=move |_| discard_set_aside(view)>{t!(i18n, sync_page.set_aside_discard)}</button>
                    </div>
                </Show>
            </div>
        </Show>
        <Outcome message/>
    }
}
