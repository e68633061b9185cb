//! Screens whose code a phone fetches the first time one of them opens, rather than before
//! Today (issue 13: what a teacher downloads before her first check, which Today's class
//! card takes in one tap; the detailed check on the Check-ins page is one of these screens).
//!
//! Each function made by `later!` is split out of the app's wasm at build time, with the code
//! only it reaches, into files of their own (`scripts/split/wasm-bindgen` runs the split between
//! rustc and wasm-bindgen; `scripts/sw-precache.mjs` names those files by their contents).
//! The service worker keeps them at install like every other file, so on an installed phone
//! they open offline. Until then (a first visit whose worker is not yet installed, with the
//! network gone) the screen says its part of the app is not on the phone yet and offers to
//! try again, instead of the whole app stopping.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use leptos::wasm_split::SplitLoaderError;

#[cfg(feature = "office")]
use crate::accounts::AdminPage;
use crate::accounts::Join;
#[cfg(not(feature = "office"))]
// The class build holds none of the office's screens; see `app_build`.
use crate::app_build::OfficePage as AdminPage;
use crate::checkins::{Checkins, Roster};
use crate::drills::Drills;
use crate::i18n::{t, use_i18n};
use crate::notices::Notices;
use crate::supplies::Supplies;
use crate::sync::engine::{read_in_full, use_sync};
use crate::sync::page::SyncPage;

/// A screen's view, once its code is on the phone.
pub type Screen = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>>>>;

/// Declares `pub fn $name() -> Screen` for the component `$screen`, whose code is split out
/// of the app's wasm into a part named `$name` in the office's build, `$group` in the class
/// build.
///
/// In the class build, the screens of `$group` share one part: a teacher's few screens share
/// most of their code with each other and with the app, and wasm-split makes a file of each
/// set of parts that share code. Split one by one they made 84 files, of which the app
/// fetched 54 at its start; a slow phone's main thread spent 100 ms starting their downloads.
macro_rules! later {
    ($($name:ident => $screen:ident in $group:ident),* $(,)?) => {$(
        pub fn $name() -> Screen {
            // Named as the screen: wasm-split tells the functions of one part by their names.
            #[cfg_attr(feature = "office", leptos::wasm_split::wasm_split($name, fallible, wasm_split_path = ::leptos::wasm_split))]
            #[cfg_attr(not(feature = "office"), leptos::wasm_split::wasm_split($group, fallible, wasm_split_path = ::leptos::wasm_split))]
            fn $name() -> Result<AnyView, SplitLoaderError> {
                Ok(view! { <$screen/> }.into_any())
            }
            Box::pin($name())
        }
    )*};
}

later! {
    checkins => Checkins in screens,
    supplies => Supplies in screens,
    drills => Drills in screens,
    notices => Notices in screens,
    sync_page => SyncPage in screens,
    roster => Roster in screens,
    admin => AdminPage in screens,
    // Signing in needs the network, which brings its code too; a phone signed in never
    // fetches it.
    join => Join in join,
}

/// Where a screen's code is: on its way, failed to come (the person can try again), or here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Code {
    Coming,
    Failed,
    Arrived,
}

/// Shows the screen `load` brings once its code is on the phone: at once when the service
/// worker keeps it, after the download on a first visit. A download that fails says so and
/// can be tried again in place (a reload with no network and no worker would leave the app).
/// `every_stream`: the screen shows records of streams the start leaves unread (supplies,
/// notices), which are read first; the others (Check-ins, the roster, signing in) don't wait
/// for that code.
#[component]
pub fn Later(load: fn() -> Screen, #[prop(optional)] every_stream: bool) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let screen = StoredValue::new_local(None::<AnyView>);
    let code = RwSignal::new(Code::Coming);
    // The screen is built when its code has come, under this component's owner (its
    // contexts: the language, the sync view), and not at all if the person has gone on.
    let owner = StoredValue::new_local(Owner::current());
    let fetch = move || {
        code.set(Code::Coming);
        let attempt = async move {
            // Their code comes with the sync round's.
            if every_stream && read_in_full(view).await.is_err() {
                code.set(Code::Failed);
                return;
            }
            match load().await {
                Ok(view) => {
                    screen.set_value(Some(view));
                    code.set(Code::Arrived);
                }
                Err(_) => code.set(Code::Failed),
            }
        };
        match owner.get_value() {
            Some(owner) => owner.with(|| spawn_local_scoped_with_cancellation(attempt)),
            None => spawn_local_scoped_with_cancellation(attempt),
        }
    };
    fetch();
    move || match code.get() {
        // Taken once: nothing sets `code` after it has arrived, so this runs once.
        Code::Arrived => screen.try_update_value(Option::take).flatten(),
        Code::Failed => Some(
            view! {
                <section class="area" data-testid="not-downloaded">
                    <p class="notice error" role="alert">{t!(i18n, later.not_here)}</p>
                    <button type="button" on:click=move |_| fetch()>{t!(i18n, later.retry)}</button>
                </section>
            }
            .into_any(),
        ),
        Code::Coming => Some(
            view! { <p class="later-loading" role="status">{t!(i18n, later.loading)}</p> }
                .into_any(),
        ),
    }
}
