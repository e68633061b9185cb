//! The app comes in two builds (see `Role::app_build`): the class teacher's, which holds
//! only what she uses, and the office's, which holds every screen. The page's loader
//! (written into index.html by `scripts/sw-precache.mjs`) starts the one this device last
//! remembered; this module remembers it, and stands in for the office's screens in the
//! class build.

use gloo_storage::{LocalStorage, Storage};
use guardpost_domain::school::{AppBuild, Role};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::href;
use crate::i18n::{t, use_i18n};
use crate::sync::engine::use_sync;

/// The build running now.
pub const THIS: AppBuild = if cfg!(feature = "office") {
    AppBuild::Office
} else {
    AppBuild::Class
};

/// The device's storage key the page's loader reads; scripts/sw-precache.mjs names it too.
const KEY: &str = "guardpost.build";

fn stored() -> Option<String> {
    LocalStorage::raw().get_item(KEY).ok().flatten()
}

/// Remembers the build for the person signed in. True when this changed the choice away
/// from the running build, so that a restart now loads the right one: a restart that would
/// not change the choice (the office's files not kept on this device, say) never loops.
pub fn remember(role: Role) -> bool {
    let wanted = role.app_build();
    let before = stored();
    if before.as_deref() == Some(wanted.as_str()) {
        return false;
    }
    // Without storage the class build stays, and the office's screens say why below.
    let saved = LocalStorage::raw().set_item(KEY, wanted.as_str()).is_ok();
    saved && wanted != THIS
}

/// Forgets the choice once the device is signed out: the sign-in screen is in both builds,
/// and the smaller starts sooner.
pub fn forget() {
    let _ = LocalStorage::raw().remove_item(KEY);
}

/// Whether the person's build is not this one, right after signing in.
pub fn other_build_wanted() -> bool {
    stored().is_some_and(|s| s != THIS.as_str())
}

/// Starts the app afresh at Today, so that the loader starts the remembered build.
pub fn restart() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(href::HOME);
    }
}

/// An office page in the class build (the route table's stand-in for the office's pages).
#[component]
pub fn OfficePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area">
            <h1>{t!(i18n, app_build.title)}</h1>
            <OfficeOnly/>
        </section>
    }
}

/// An office screen in the class build. A class teacher is told whose screen it is; an
/// office member only lands here when the office's build is not on this device yet.
#[component]
pub fn OfficeOnly() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let office_member = move || {
        view.session
            .get()
            .is_some_and(|s| s.role.app_build() == AppBuild::Office)
    };
    view! {
        <div data-testid="office-only">
            <Show
                when=office_member
                fallback=move || view! { <p class="empty-state">{t!(i18n, app_build.office_only)}</p> }
            >
                <p class="empty-state">{t!(i18n, app_build.not_here_yet)}</p>
            </Show>
            <p><A href=href::HOME>{t!(i18n, not_found.back)}</A></p>
        </div>
    }
}
