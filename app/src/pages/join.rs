use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{SignInError, sign_in, use_sync};

/// Signing this device in with the device code the prevention office gave.
#[component]
pub fn Join() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let navigate = use_navigate();
    let (code, set_code) = signal(String::new());
    let signing_in = Action::new_local(move |token: &String| {
        let token = token.clone();
        async move { sign_in(view, &token).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = signing_in.value().get() {
            // `navigate` resolves against the router's base, unlike `<A>`'s absolute hrefs.
            navigate("/checkins", Default::default());
        }
    });
    let error = move || {
        signing_in
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| match e {
                SignInError::Malformed => t_string!(i18n, join.malformed).to_owned(),
                SignInError::Unreachable => t_string!(i18n, join.unreachable).to_owned(),
                SignInError::Unknown => t_string!(i18n, join.unknown).to_owned(),
                SignInError::Server(e) => format!("{} {e}", t_string!(i18n, join.server)),
                SignInError::Storage(e) => format!("{} {e}", t_string!(i18n, join.storage)),
            })
    };
    view! {
        <section class="area">
            <h1>{t!(i18n, join.title)}</h1>
            <p class="intro">{t!(i18n, join.intro)}</p>
            <form class="card form" on:submit=move |ev| {
                ev.prevent_default();
                signing_in.dispatch(code.get_untracked());
            }>
                <label>
                    <span>{t!(i18n, join.code)}</span>
                    <input
                        type="text"
                        name="device-code"
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        prop:value=code
                        on:input=move |ev| set_code.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="primary" disabled=move || signing_in.pending().get()>
                    {t!(i18n, join.submit)}
                </button>
                <Show when=move || error().is_some()>
                    <p class="error" role="alert">{error}</p>
                </Show>
            </form>
        </section>
    }
}
