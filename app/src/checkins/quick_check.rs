use guardpost_domain::checkins::SessionCheck;
use guardpost_domain::checkins::form::OneTap;
use guardpost_domain::checkins::status;
use guardpost_domain::sync::wire::ClassRef;
use leptos::prelude::*;
use leptos_router::components::A;

use super::reported::ReportedLine;
use super::{checkin_settings, class_view, save_check, school_tz, time_of};
use crate::app::href;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{school_now_ms, use_sync};
use crate::widgets::{Outcome, session_label};

/// The card of one class's current session: already reported (with when), or the one-tap
/// zero report; and any check of the day whose deadline passed without a report.
#[component]
pub fn QuickCheck(class: ClassRef) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let session = status::current_session(&class.group(), &settings, tz, school_now_ms());
    let (message, set_message) = signal(None::<(bool, String)>);
    let class_for_data = class.clone();
    let data = Memo::new(move |_| {
        view.revision.track();
        class_view(
            &class_for_data,
            tz.date_at_ms(school_now_ms()),
            &settings,
            tz,
        )
    });
    let data = move || data.get();
    let name = class.name.to_string();
    let class_id = class.id.clone();
    let file = move |present: u16| {
        let date = tz.date_at_ms(school_now_ms());
        let check = SessionCheck::all_well(class_id.clone(), date, session, present);
        leptos::task::spawn_local(async move {
            set_message.set(Some(save_check(view, i18n, check).await));
        });
    };
    view! {
        <div class="card quick-check" data-testid="quick-check">
            <h2>{format!("{} · {}", name, session_label(i18n, session))}</h2>
            {move || {
                let missed = data().missed;
                (!missed.is_empty()).then(|| view! {
                    <div class="card warning" role="alert" data-testid="missed">
                        {missed.into_iter().map(|(s, due)| view! {
                            <p>{format!("{} {} · {} {}", session_label(i18n, s), t_string!(i18n, checkins.missed), t_string!(i18n, checkins.due_at), time_of(due))}</p>
                        }).collect_view()}
                        <A href=href::CHECKINS attr:class="secondary-link">{t!(i18n, checkins.report_late)}</A>
                    </div>
                })
            }}
            {move || {
                let data = data();
                match (data.reports.get(&session).copied(), data.one_tap.get(&session).copied()) {
                    (Some(report), _) => view! { <ReportedLine report/> }.into_any(),
                    (None, Some(OneTap::File { present })) => {
                        let file = file.clone();
                        view! {
                            <button type="button" class="primary big" data-testid="all-well" on:click=move |_| file(present)>
                                {format!("{} ({} {present})", t_string!(i18n, checkins.all_well), t_string!(i18n, checkins.present))}
                            </button>
                            <A href=href::CHECKINS attr:class="secondary-link">{t!(i18n, checkins.someone_absent)}</A>
                        }.into_any()
                    }
                    (None, _) => ().into_any(),
                }
            }}
            <Outcome message/>
        </div>
    }
}
