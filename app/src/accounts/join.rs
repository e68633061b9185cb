use guardpost_domain::accounts::invites::InviteCode;
use guardpost_domain::accounts::{RedeemRequest, SetupRequest};
use guardpost_domain::sync::auth::token_well_formed;
use guardpost_domain::text::{Name, optional};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::i18n::{t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::engine::{JoinWith, SignInError, fetch_round_code, join, sign_in, use_sync};

/// A short description of this device for the admin's device list ("Android · Chrome").
fn device_label() -> Option<Name> {
    let agent = web_sys::window()?.navigator().user_agent().ok()?;
    // The first of `names` whose key the user agent mentions (order matters: Edge says Chrome).
    let first = |names: &[(&str, &'static str)]| {
        names
            .iter()
            .find(|(key, _)| agent.contains(key))
            .map_or("?", |(_, name)| *name)
    };
    let platform = first(&[
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("HarmonyOS", "HarmonyOS"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("Linux", "Linux"),
    ]);
    let browser = first(&[
        ("MicroMessenger", "WeChat"),
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]);
    let date = use_school()
        .get_untracked()
        .map(|s| s.timezone)
        .unwrap_or_default()
        .date_at_ms(crate::sync::engine::now_ms());
    Name::parse(&format!("{platform} · {browser} · {date}")).ok()
}

/// What went wrong, in the person's language.
fn error_text(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, e: SignInError) -> String {
    match e {
        SignInError::Malformed => t_string!(i18n, join.malformed).to_owned(),
        SignInError::Unreachable => t_string!(i18n, join.unreachable).to_owned(),
        SignInError::Unknown => t_string!(i18n, join.unknown).to_owned(),
        SignInError::Locked(minutes) => format!("{} {minutes}", t_string!(i18n, join.locked)),
        SignInError::Server(e) => format!("{} {e}", t_string!(i18n, join.server)),
        SignInError::Storage(e) => format!("{} {e}", t_string!(i18n, join.storage)),
    }
}

/// Signing this device in: with the invite code an admin gave (typed, or opened from the
/// invite's QR code), or, for the school's first admin, with the setup code.
#[component]
pub fn Join() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let school = use_school();
    let navigate = use_navigate();
    // Signing in is followed by the first sync: its code comes while the person types.
    fetch_round_code();
    let query = use_query_map();
    let (code, set_code) = signal(query.get_untracked().get("code").unwrap_or_default());
    // Joining anew starts this device afresh: changes still waiting would be lost, so the
    // person must say they accept that.
    let (discard_ok, set_discard_ok) = signal(false);
    let waiting = move || view.pending.get();
    let blocked = move || waiting() > 0 && !discard_ok.get();

    let signing_in = Action::new_local(move |with: &Option<JoinWith>| {
        let with = with.clone();
        let typed = code.get_untracked();
        async move {
            match with {
                Some(with) => join(view, with).await,
                // A device token (the demo prints them) signs in directly.
                None => sign_in(view, &typed).await,
            }
        }
    });
    // Which form was sent last (true: setup), for the wording of a refusal.
    let last = RwSignal::new(None::<bool>);
    let submit_invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        last.set(Some(false));
        let typed = code.get_untracked();
        if InviteCode::parse(&typed).is_some() {
            signing_in.dispatch(Some(JoinWith::Invite(RedeemRequest {
                code: typed,
                label: device_label(),
            })));
        } else if token_well_formed(typed.trim()) {
            signing_in.dispatch(None);
        } else {
            signing_in.value().set(Some(Err(SignInError::Malformed)));
        }
    };

    let (setup_code, set_setup_code) = signal(String::new());
    let (admin_name, set_admin_name) = signal(String::new());
    let (school_name, set_school_name) = signal(String::new());
    let (setup_problem, set_setup_problem) = signal(None::<String>);
    let submit_setup = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(name) = Name::parse(&admin_name.get_untracked()) else {
            set_setup_problem.set(Some(t_string!(i18n, join.name_needed).to_owned()));
            return;
        };
        let Ok(school_name) = optional(&school_name.get_untracked(), Name::parse) else {
            set_setup_problem.set(Some(t_string!(i18n, join.school_name_problem).to_owned()));
            return;
        };
        set_setup_problem.set(None);
        last.set(Some(true));
        signing_in.dispatch(Some(JoinWith::Setup(SetupRequest {
            code: setup_code.get_untracked(),
            name,
            school_name,
            timezone: None,
            label: device_label(),
        })));
    };

    Effect::new(move |_| {
        if let Some(Ok(())) = signing_in.value().get() {
            if crate::app_build::other_build_wanted() {
                // The office's screens are in the other build: start it, at Today.
                crate::app_build::restart();
            } else {
                // `navigate` resolves against the router's base, unlike `<A>`'s absolute hrefs.
                navigate("/", Default::default());
            }
        }
    });
    let error = move || {
        setup_problem.get().or_else(|| {
            let setup = last.get() == Some(true);
            signing_in
                .value()
                .get()
                .and_then(|r| r.err())
                .map(|e| match e {
                    SignInError::Unknown if setup => t_string!(i18n, join.setup_unknown).to_owned(),
                    e => error_text(i18n, e),
                })
        })
    };
    let busy = move || signing_in.pending().get() || blocked();
    view! {
        <section class="area">
            <h1>{t!(i18n, join.title)}</h1>
            <p class="intro">{t!(i18n, join.intro)}</p>
            <Show when=move || { waiting() > 0 }>
                <div class="card warning" role="alert" data-testid="join-pending">
                    <p>{move || format!("{} {}", t_string!(i18n, join.pending_warning), waiting())}</p>
                    <label class="tick">
                        <input type="checkbox" prop:checked=discard_ok
                            on:change=move |ev| set_discard_ok.set(event_target_checked(&ev))/>
                        <span>{t!(i18n, join.pending_accept)}</span>
                    </label>
                </div>
            </Show>
            <form class="card form" on:submit=submit_invite>
                <label>
                    <span>{t!(i18n, join.code)}</span>
                    <input
                        type="text"
                        name="invite-code"
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        placeholder="ABCD-EFGH-JKMN"
                        prop:value=code
                        on:input=move |ev| set_code.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="primary" disabled=busy>
                    {t!(i18n, join.submit)}
                </button>
            </form>
            <Show when=move || error().is_some()>
                <p class="error" role="alert">{error}</p>
            </Show>
            <details class="card setup">
                <summary>{t!(i18n, join.setup_title)}</summary>
                <p class="muted">{t!(i18n, join.setup_intro)}</p>
                <form class="form" on:submit=submit_setup>
                    <label>
                        <span>{t!(i18n, join.setup_code)}</span>
                        <input type="password" name="setup-code" autocomplete="off"
                            prop:value=setup_code
                            on:input=move |ev| set_setup_code.set(event_target_value(&ev))/>
                    </label>
                    <label>
                        <span>{t!(i18n, join.your_name)}</span>
                        <input type="text" name="admin-name" autocomplete="name"
                            prop:value=admin_name
                            on:input=move |ev| set_admin_name.set(event_target_value(&ev))/>
                    </label>
                    <Show when=move || school.get().is_none()>
                        <label>
                            <span>{t!(i18n, join.school_name)}</span>
                            <input type="text" name="school-name"
                                prop:value=school_name
                                on:input=move |ev| set_school_name.set(event_target_value(&ev))/>
                        </label>
                    </Show>
                    <button type="submit" disabled=busy>{t!(i18n, join.setup_submit)}</button>
                </form>
            </details>
        </section>
    }
}
