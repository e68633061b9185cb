//! Supplies: the logistics office's store on its installable app (office build). What the
//! office reads (on hand, cover, orders, expiry, loans, discrepancies) and what a form may
//! record are decided in `guardpost_domain::supplies`; these modules render and carry it.
//! A class teacher's phone (class build) shows her class's kit and her refill requests.

mod access;
#[cfg(feature = "office")]
mod catalog;
mod class_kit;
#[cfg(feature = "office")]
mod issue;
#[cfg(feature = "office")]
mod item_form;
#[cfg(feature = "office")]
mod kits;
#[cfg(feature = "office")]
mod labels;
#[cfg(feature = "office")]
mod ledger;
#[cfg(feature = "office")]
mod movements;
#[cfg(feature = "office")]
mod overview;
#[cfg(feature = "office")]
mod page;
#[cfg(feature = "office")]
mod receive;
#[cfg(feature = "office")]
mod reports;
#[cfg(feature = "office")]
mod stocktake;

#[cfg(feature = "office")]
pub use page::Supplies;

#[cfg(not(feature = "office"))]
pub use class_build::Supplies;

#[cfg(not(feature = "office"))]
mod class_build {
    use leptos::prelude::*;

    use guardpost_domain::school::Role;

    use super::class_kit::ClassKitPage;
    use crate::app_build::OfficeOnly;
    use crate::i18n::{t, use_i18n};
    use crate::sync::engine::use_sync;

    /// A class teacher sees her class's kit; the store itself is the office's, which this
    /// page says under its own title to anyone else.
    #[component]
    pub fn Supplies() -> impl IntoView {
        let i18n = use_i18n();
        let view = use_sync();
        let teacher = move || view.session.get().is_some_and(|s| s.role == Role::Teacher);
        view! {
            <Show when=teacher fallback=move || view! {
                <section class="area">
                    <h1>{t!(i18n, supplies.title)}</h1>
                    <OfficeOnly/>
                </section>
            }>
                <ClassKitPage/>
            </Show>
        }
    }
}
