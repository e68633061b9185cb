//! Check-ins: a class teacher's morning, noon and evening check (the one-tap zero report on
//! Today's card, the detailed check on the Check-ins page), the roster, the school's day for
//! the office and the doctor, and everyone's own daily health report. What they show is
//! decided in `guardpost_domain::checkins`; these modules render it.

mod card;
#[cfg(feature = "office")]
mod certificate;
mod form;
mod marks;
mod page;
mod quick_check;
mod reported;
mod roster;
#[cfg(feature = "office")]
mod school_today;
mod self_report;
mod today_list;
#[cfg(feature = "office")]
mod trend;

use chrono::NaiveDate;
use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::CheckinSettings;
use guardpost_domain::checkins::SessionCheck;
use guardpost_domain::checkins::status::Slot;
use guardpost_domain::checkins::view::{ClassCheckView, DayContext};
use guardpost_domain::school::SchoolTimeZone;
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::wire::ClassRef;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};
use crate::sync::engine::{SyncView, record, school_now_ms, use_sync, with_replica};
use crate::widgets::record_outcome;

pub use card::{Card, CardView};
pub use page::Checkins;
pub use quick_check::QuickCheck;
pub use roster::Roster;
#[cfg(feature = "office")]
pub use school_today::SchoolToday;
pub use self_report::SelfReport;

pub use crate::school::school_tz;

/// A class's day as the device's data has it, for its teacher's card and form.
pub(crate) fn class_view(
    class: &ClassRef,
    date: NaiveDate,
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
) -> ClassCheckView {
    with_replica(|r| {
        let day = DayContext {
            settings,
            tz,
            date,
            now_ms: school_now_ms(),
        };
        ClassCheckView::build(class, day, &r.entries(), r.ops.len())
    })
    .unwrap_or_default()
}

/// Records a check and says how it went, in the person's language.
pub async fn save_check(
    view: SyncView,
    i18n: I18nContext<Locale>,
    check: SessionCheck,
) -> (bool, String) {
    record_outcome(
        i18n,
        record(view, Stream::Health, Payload::SessionCheck(check)).await,
    )
}

/// The school's check-in deadlines and thresholds, as the session reported them.
pub fn checkin_settings() -> CheckinSettings {
    use_sync()
        .session
        .get_untracked()
        .map(|s| s.checkins)
        .unwrap_or_default()
}

fn time_of(ms: u64) -> String {
    card::time_of(school_tz(), ms)
}

/// Whether the signed-in person sees every class's day (the office and the doctor).
pub fn sees_whole_school(view: SyncView) -> impl Fn() -> bool + Copy {
    move || {
        view.session
            .get()
            .is_some_and(|s| s.role.sees_whole_school())
    }
}

/// A grid cell's word, in the person's language.
pub fn slot_label(i18n: I18nContext<Locale>, slot: Slot) -> &'static str {
    match slot {
        Slot::Reported { late: false } => t_string!(i18n, checkins.slot_reported),
        Slot::Reported { late: true } => t_string!(i18n, checkins.late),
        Slot::Missing => t_string!(i18n, checkins.slot_missing),
        Slot::Due => t_string!(i18n, checkins.slot_due),
        Slot::None => "",
    }
}
