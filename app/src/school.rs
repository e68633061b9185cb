//! The school this app belongs to, as the Worker reports it, remembered on the device so the
//! header shows the right name when the app starts offline.

use gloo_storage::{LocalStorage, Storage};
use guardpost_domain::api::SchoolSummary;
use leptos::prelude::*;

const CACHE_KEY: &str = "guardpost.school";

/// The school's summary from context (provided once by the app).
pub fn use_school() -> ReadSignal<Option<SchoolSummary>> {
    use_context::<ReadSignal<Option<SchoolSummary>>>().unwrap_or_else(|| signal(None).0)
}

/// The school's time zone, as the Worker reported it (the default zone before that).
pub fn school_tz() -> guardpost_domain::school::SchoolTimeZone {
    use_school()
        .get_untracked()
        .map(|s| s.timezone)
        .unwrap_or_default()
}

/// The school's calendar day now, in its time zone, on the server-corrected clock.
pub fn school_today() -> chrono::NaiveDate {
    school_tz().date_at_ms(crate::sync::engine::school_now_ms())
}

/// The school's time zone as last learned (the cached summary), for work done outside the
/// screens; the default zone before the school is known.
pub fn cached_timezone() -> guardpost_domain::school::SchoolTimeZone {
    cached().map(|s| s.timezone).unwrap_or_default()
}

/// The school's summary as last learned, if it was.
pub fn cached() -> Option<SchoolSummary> {
    crate::local::read::<SchoolSummary>(CACHE_KEY)
}

/// The school's summary: the cached copy from the task after this call (before any screen
/// is drawn), replaced by the Worker's answer when it arrives. `None` until one of the two
/// is known.
pub fn school_signal() -> ReadSignal<Option<SchoolSummary>> {
    let (school, set_school) = signal(None);
    // In a task of its own, queued before the screens' (NextTask), which find the cached
    // copy there when they are drawn: the app's first task is only the drawing of its frame.
    set_timeout(
        move || {
            if let Some(cached) = crate::local::read::<SchoolSummary>(CACHE_KEY) {
                set_school.set(Some(cached));
            }
            leptos::task::spawn_local(async move {
                // A failure (offline, not seeded yet) keeps whatever was cached; the header
                // then says the name is unavailable rather than guessing.
                if let Ok(fresh) = fetch_summary().await {
                    // Losing the cache only costs the offline header its name, so a full
                    // storage quota is not worth interrupting anyone for.
                    let _ = LocalStorage::set(CACHE_KEY, &fresh);
                    set_school.set(Some(fresh));
                }
            });
        },
        std::time::Duration::ZERO,
    );
    school
}

async fn fetch_summary() -> Result<SchoolSummary, gloo_net::Error> {
    let response = gloo_net::http::Request::get("/api/v1/school")
        .send()
        .await?;
    if !response.ok() {
        return Err(gloo_net::Error::GlooError(format!(
            "status {}",
            response.status()
        )));
    }
    // Not `sync::api::call`: that one is reached only from screens and rounds loaded later,
    // and calling it here would bring its request building (gzip, bodies) into Today's
    // download (+3.3 KB gzip, measured).
    let text = response.text().await?;
    guardpost_domain::json::from_str(&text).map_err(gloo_net::Error::from)
}
