//! The small mark on a list row whose change has not reached the server, or was refused
//! there (linking to why, on the sync page).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::href;
use crate::i18n::{t, use_i18n};

/// The rule of which mark a row shows is the domain's.
pub use guardpost_domain::sync::replica::RowMark as Mark;

#[component]
pub fn SyncMark(mark: Option<Mark>) -> impl IntoView {
    let i18n = use_i18n();
    match mark {
        Some(Mark::Waiting) => view! {
            <span class="tag waiting" data-testid="sync-mark">{t!(i18n, widgets.not_synced)}</span>
        }
        .into_any(),
        Some(Mark::Refused) => view! {
            <A href=href::SYNC attr:class="tag danger" attr:data-testid="sync-mark">{t!(i18n, widgets.refused_see)}</A>
        }
        .into_any(),
        None => ().into_any(),
    }
}
