use leptos::prelude::*;
use leptos_router::components::A;

use super::form::CheckForm;
use super::sees_whole_school;
use crate::app::href;
use crate::i18n::{t, use_i18n};
use crate::sync::engine::use_sync;

/// Check-ins: the teacher's full check of a class's session.
#[component]
pub fn Checkins() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let classes = move || view.session.get().map(|s| s.classes).unwrap_or_default();
    // Only the office and the doctor see the school's day on Today.
    let whole_school = sees_whole_school(view);
    view! {
        <section class="area">
            <h1>{t!(i18n, checkins.title)}</h1>
            <Show
                when=move || view.session.get().is_some()
                fallback=move || view! {
                    <p class="empty-state">{t!(i18n, checkins.signed_out)}" "<A href=href::JOIN>{t!(i18n, join.title)}</A></p>
                }
            >
                <Show
                    when=move || !classes().is_empty()
                    fallback=move || view! {
                        <p class="empty-state" data-testid="no-classes">{t!(i18n, checkins.no_classes)}" "
                            <Show when=whole_school fallback=move || t!(i18n, checkins.ask_office)>
                                <A href=href::HOME>{t!(i18n, checkins.see_today)}</A>
                            </Show>
                        </p>
                    }
                >
                    <CheckForm/>
                </Show>
            </Show>
        </section>
    }
}
