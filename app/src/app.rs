//! The root component: i18n, the router and the shell around the pages.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::accounts::SignedOutScreen;
use crate::home::Home;
use crate::i18n::I18nContextProvider;
use crate::later::{self, Later};
use crate::not_found::NotFound;
use crate::school::school_signal;
use crate::shell::{Header, NavBar};
use crate::widgets::NextTask;

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
    // Today comes with the app; every other screen's code when it first opens (see `later`).
    // A device that has learnt it is signed out shows the sign-in screen and nothing else.
    let signed_out = move || sync.phase.get() == crate::sync::Phase::Revoked;
    // Signed out before Today was drawn: the first cards give way to the sign-in screen.
    Effect::new(move |_| {
        if signed_out() {
            crate::first::leave();
        }
    });
    view! {
        <I18nContextProvider>
            // The router and the frame in the task after the language and the sync engine.
            <NextTask>
            <Router base=BASE>
                <div class="shell">
                    // The header, the page and the navigation are each drawn in a task of their own,
                    // so that the app's start does not hold a slow phone's main thread in one go.
                    <NextTask>
                        <Header/>
                    </NextTask>
                    <main class="page">
                        <NextTask>
                            <Show when=move || !signed_out() fallback=SignedOutScreen>
                                <Routes fallback=NotFound>
                                    <Route path=path!("/") view=Home/>
                                    <Route path=path!("/checkins") view=|| view! { <Later load=later::checkins/> }/>
                                    <Route path=path!("/supplies") view=|| view! { <Later load=later::supplies every_stream=true/> }/>
                                    <Route path=path!("/drills") view=|| view! { <Later load=later::drills every_stream=true/> }/>
                                    <Route path=path!("/notices") view=|| view! { <Later load=later::notices every_stream=true/> }/>
                                    <Route path=path!("/join") view=|| view! { <Later load=later::join/> }/>
                                    <Route path=path!("/sync") view=|| view! { <Later load=later::sync_page every_stream=true/> }/>
                                    <Route path=path!("/admin") view=|| view! { <Later load=later::admin every_stream=true/> }/>
                                    <Route path=path!("/roster") view=|| view! { <Later load=later::roster/> }/>
                                </Routes>
                            </Show>
                        </NextTask>
                    </main>
                    <NextTask>
                        <Show when=move || !signed_out()>
                            <NavBar/>
                        </Show>
                    </NextTask>
                </div>
            </Router>
            </NextTask>
        </I18nContextProvider>
    }
}
