//! Notices: drafting, approval and publication on the office's build; what each person may
//! do with a notice, and every rule of its life, is decided in
//! `guardpost_domain::notices::workflow`. A class teacher's phone links to the public page.

#[cfg(feature = "office")]
mod contacts;
#[cfg(feature = "office")]
mod editor;
#[cfg(feature = "office")]
mod page;

#[cfg(feature = "office")]
pub use page::Notices;

#[cfg(not(feature = "office"))]
pub use class_build::Notices;

#[cfg(not(feature = "office"))]
mod class_build {
    use leptos::prelude::*;

    use crate::i18n::{t, t_string, use_i18n};
    use crate::widgets::EmptyArea;

    /// The public page is what a teacher passes on to parents; drafting is the office's.
    #[component]
    pub fn Notices() -> impl IntoView {
        let i18n = use_i18n();
        view! {
            <EmptyArea title=move || t_string!(i18n, notices.title) text=move || t_string!(i18n, notices.empty)>
                // The public page is served by the Worker, outside the router: a plain link.
                <p><a href="/" rel="external">{t!(i18n, notices.public_link)}</a></p>
            </EmptyArea>
        }
    }
}
