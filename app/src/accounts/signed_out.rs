use leptos::prelude::*;

use crate::i18n::{t, use_i18n};
use crate::later::{self, Later};
use crate::widgets::SetAsideList;

/// What a device shows once it learns it is signed out: that the school's data has left it,
/// the changes kept aside, and the way to sign in again; nothing else.
#[component]
pub fn SignedOutScreen() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card warning" role="alert" data-testid="signed-out">
            <p><strong>{t!(i18n, join.revoked_title)}</strong></p>
            <p>{t!(i18n, join.revoked_body)}</p>
        </div>
        <SetAsideList/>
        <Later load=later::join/>
    }
}
