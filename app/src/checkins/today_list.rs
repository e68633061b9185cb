use guardpost_domain::checkins::Session;
use guardpost_domain::checkins::status::{self, Slot};
use guardpost_domain::sync::wire::ClassRef;
use leptos::prelude::*;

use super::{checkin_settings, school_tz, slot_label};
use crate::i18n::{t, use_i18n};
use crate::sync::engine::{school_now_ms, use_sync, with_replica};
use crate::widgets::session_label;

/// Today's reports of the teacher's classes.
#[component]
pub(super) fn TodayList() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let rows = move || {
        view.revision.track();
        let date = tz.date_at_ms(school_now_ms());
        let classes = view.session.get().map(|s| s.classes).unwrap_or_default();
        let groups: Vec<_> = classes.iter().map(ClassRef::group).collect();
        let grid = with_replica(|r| {
            let standing = status::standing(r.entries());
            status::day_status(&groups, &settings, tz, date, school_now_ms(), &standing)
        })
        .unwrap_or_default();
        grid.classes
    };
    view! {
        <h2>{t!(i18n, checkins.today)}</h2>
        <ul class="checks" data-testid="today-checks">
            {move || rows().into_iter().map(|row| {
                let cells = [Session::Morning, Session::Noon, Session::Evening].into_iter().zip(row.slots)
                    .filter(|(_, slot)| *slot != Slot::None)
                    .map(|(session, slot)| view! {
                        <span class="slot">{session_label(i18n, session)}" "{slot_label(i18n, slot)}</span>
                    }).collect_view();
                view! {
                    <li class="card check">
                        <strong>{row.class.name.to_string()}</strong>
                        <span>{cells}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
