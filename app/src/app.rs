//! The root component: i18n, the router and the shell around the pages.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[cfg(feature = "office")]
use crate::accounts::AdminPage;
use crate::accounts::{Join, SignedOutScreen};
// The class build holds none of the office's screens; see `app_build`.
#[cfg(not(feature = "office"))]
use crate::app_build::OfficePage as AdminPage;
use crate::checkins::{Checkins, Roster};
use crate::drills::Drills;
use crate::home::Home;
use crate::i18n::I18nContextProvider;
use crate::not_found::NotFound;
use crate::notices::Notices;
use crate::school::school_signal;
use crate::shell::{Header, NavBar};
use crate::supplies::Supplies;
use crate::sync::page::SyncPage;

/// Where the Worker serves the app; Trunk's `public_url` must match.
pub const BASE: &str = "/app";

/// Full link targets. `<A>` uses an absolute href as it is, without the router's base.
pub mod href {
    pub const HOME: &str = "/app/";
    pub const CHECKINS: &str = "/app/checkins";
    pub const SUPPLIES: &str = "/app/supplies";
    pub const DRILLS: &str = "/app/drills";
    pub const NOTICES: &str = "/app/notices";
    pub const JOIN: &str = "/app/join";
    pub const SYNC: &str = "/app/sync";
    pub const ADMIN: &str = "/app/admin";
    pub const ROSTER: &str = "/app/roster";
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(school_signal());
    let sync = crate::sync::engine::start();
    // A device that has learnt it is signed out shows the sign-in screen and nothing else.
    let signed_out = move || sync.phase.get() == crate::sync::Phase::Revoked;
    view! {
        <I18nContextProvider>
            <Router base=BASE>
                <div class="shell">
                    <Header/>
                    <main class="page">
                        <Show when=move || !signed_out() fallback=SignedOutScreen>
                        <Routes fallback=NotFound>
                            <Route path=path!("/") view=Home/>
                            <Route path=path!("/checkins") view=Checkins/>
                            <Route path=path!("/supplies") view=Supplies/>
                            <Route path=path!("/drills") view=Drills/>
                            <Route path=path!("/notices") view=Notices/>
                            <Route path=path!("/join") view=Join/>
                            <Route path=path!("/sync") view=SyncPage/>
                            <Route path=path!("/admin") view=AdminPage/>
                            <Route path=path!("/roster") view=Roster/>
                        </Routes>
                        </Show>
                    </main>
                    <Show when=move || !signed_out()>
                        <NavBar/>
                    </Show>
                </div>
            </Router>
        </I18nContextProvider>
    }
}
