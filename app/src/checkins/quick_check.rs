use guardpost_domain::checkins::SessionCheck;
use guardpost_domain::checkins::status;
use guardpost_domain::sync::wire::ClassRef;
use leptos::html::Div;
use leptos::prelude::*;

use super::card::{Card, CardView};
use super::{checkin_settings, class_view, save_check, school_tz};
use crate::i18n::use_i18n;
use crate::sync::engine::{school_now_ms, use_sync};

/// The card of one class's current session: already reported (with when), or the one-tap
/// zero report; and any check of the day whose deadline passed without a report. Drawn by
/// `Card`, as the first card before the app came (`crate::first`), whose last tap's outcome
/// it goes on showing.
#[component]
pub fn QuickCheck(class: ClassRef) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let session = status::current_session(&class.group(), &settings, tz, school_now_ms());
    let (message, set_message) = signal(None::<(bool, String)>);
    let root = NodeRef::<Div>::new();
    let card = StoredValue::new_local(None::<Card>);
    let class_id = class.id.clone();
    let file = move |present: u16| {
        let date = tz.date_at_ms(school_now_ms());
        let check = SessionCheck::all_well(class_id.clone(), date, session, present);
        leptos::task::spawn_local(async move {
            set_message.set(Some(save_check(view, i18n, check).await));
        });
    };
    Effect::new(move |_| {
        view.revision.track();
        // A tap on the first card of this class (`crate::first`), saved before this card was
        // drawn or while it was drawn behind: this card goes on saying how it went.
        if let Some(carried) = crate::first::outcome_for(&class.id) {
            set_message.set(Some(carried));
        }
        let locale = i18n.get_locale();
        let message = message.get();
        let Some(root) = root.get() else { return };
        let data = class_view(&class, tz.date_at_ms(school_now_ms()), &settings, tz);
        let shown = CardView {
            name: class.name.as_str(),
            session,
            data: &data,
            tz,
            message: message.as_ref(),
        };
        card.update_value(|card| {
            card.get_or_insert_with(|| Card::attach(root.into(), file.clone()))
                .draw(locale, &shown);
        });
    });
    view! { <div class="card quick-check" data-testid="quick-check" node_ref=root></div> }
}
