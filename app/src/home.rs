use leptos::prelude::*;
use leptos_router::components::A;

use crate::accounts::lists_drills;
use crate::app::href;
#[cfg(not(feature = "office"))]
use crate::app_build::OfficeOnly as SchoolToday;
#[cfg(feature = "office")]
use crate::checkins::SchoolToday;
use crate::checkins::{QuickCheck, SelfReport, sees_whole_school};
#[cfg(feature = "office")]
use crate::drills::OverdueDrills as OverdueDrillsHere;
use crate::i18n::{t, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::NextTask;

/// The start page, "Today": a class teacher's one-tap check of each class, the whole
/// school's day for the office and the doctor, everyone's own health report, and the areas.
#[component]
pub fn Home() -> impl IntoView {
    crate::install::keep_in_scope();
    let i18n = use_i18n();
    let view = use_sync();
    let classes = move || view.session.get().map(|s| s.classes).unwrap_or_default();
    let whole_school = sees_whole_school(view);
    let signed_in = move || view.session.get().is_some();
    // Signed in with no class and no view of the school's day: say why nothing is offered.
    let nothing_to_check = move || {
        view.session
            .get()
            .is_some_and(|s| s.classes.is_empty() && !s.role.sees_whole_school())
    };
    view! {
        <section class="home">
            <h1>{t!(i18n, home.title)}</h1>
            <Show when=move || view.ready()>
            // Keyed, so a refreshed session doesn't rebuild the cards (and drop their messages).
            <For each=classes key=|c| c.id.clone() let:class>
                <QuickCheck class/>
            </For>
            <LeaveFirstCards/>
            // The rest of the page, below the cards, in the task after them: the cards a
            // teacher came for are on screen sooner, and the start holds the thread less long.
            <NextTask>
            <Show when=nothing_to_check>
                <p class="empty-state" data-testid="no-classes">{t!(i18n, checkins.no_classes)}" "{t!(i18n, checkins.ask_office)}</p>
            </Show>
            <Show when=whole_school>
                <SchoolToday/>
            </Show>
            <OverdueDrillsHere/>
            </NextTask>
            // Her own health report and the areas, each a task later again.
            <NextTask>
            <Show when=signed_in>
                <SelfReport/>
            </Show>
            </NextTask>
            <NextTask>
            <p class="intro">{t!(i18n, home.intro)}</p>
            <ul class="areas">
                <li><A href=href::CHECKINS><strong>{t!(i18n, nav.checkins)}</strong><span>{t!(i18n, home.checkins)}</span></A></li>
                <li><A href=href::SUPPLIES><strong>{t!(i18n, nav.supplies)}</strong><span>{t!(i18n, home.supplies)}</span></A></li>
                <Show when=lists_drills(view)>
                    <li><A href=href::DRILLS><strong>{t!(i18n, nav.drills)}</strong><span>{t!(i18n, home.drills)}</span></A></li>
                </Show>
                <li><A href=href::NOTICES><strong>{t!(i18n, nav.notices)}</strong><span>{t!(i18n, home.notices)}</span></A></li>
                <li><A href=href::ROSTER><strong>{t!(i18n, roster.title)}</strong><span>{t!(i18n, home.roster)}</span></A></li>
            </ul>
            </NextTask>
            </Show>
        </section>
    }
}

/// The class build has no drills screens: nothing to raise on a teacher's start page.
#[cfg(not(feature = "office"))]
#[component]
fn OverdueDrillsHere() -> impl IntoView {}

/// Today's cards are drawn: the first ones, drawn before the app came, give way to them.
/// The app is hidden while they stand (style/app.css), so the page never shows both or
/// neither. They go a task later, once the header's parts queued before now (NextTask) are
/// drawn: the header does not change height in view.
#[component]
fn LeaveFirstCards() -> impl IntoView {
    Effect::new(|_| set_timeout(crate::first::leave, std::time::Duration::ZERO));
}
