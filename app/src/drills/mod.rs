//! Drills: the term's required drills and their standing, run mode on a phone (offline too),
//! the review with its corrective actions, plans and reports, on the office's build. Every
//! rule (compliance, what a run's taps make, what an action may become) is decided in
//! `guardpost_domain::drills`; these modules render and carry it.

#[cfg(feature = "office")]
mod actions;
#[cfg(feature = "office")]
mod labels;
#[cfg(feature = "office")]
mod page;
#[cfg(feature = "office")]
mod plans;
#[cfg(feature = "office")]
mod report;
#[cfg(feature = "office")]
mod review;
#[cfg(feature = "office")]
mod run;
#[cfg(feature = "office")]
mod supplies;
#[cfg(feature = "office")]
mod term;

#[cfg(feature = "office")]
pub use page::{Drills, OverdueDrills};

#[cfg(not(feature = "office"))]
pub use class_build::Drills;

#[cfg(not(feature = "office"))]
mod class_build {
    use leptos::prelude::*;

    use crate::i18n::{t_string, use_i18n};
    use crate::widgets::EmptyArea;

    /// Drills are run by the office, logistics and the doctor; a class teacher is told so.
    #[component]
    pub fn Drills() -> impl IntoView {
        let i18n = use_i18n();
        view! {
            <EmptyArea title=move || t_string!(i18n, drills.title) text=move || t_string!(i18n, drills.empty)/>
        }
    }
}
