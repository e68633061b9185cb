//! Supplies: the logistics office's store on its installable app (office build). What the
//! office reads (on hand, cover, orders, expiry, loans, discrepancies) and what a form may
//! record are decided in `guardpost_domain::supplies`; these modules render and carry it.
//! A class teacher's phone (class build) shows the page's title and whose screen it is.

#[cfg(feature = "office")]
mod access;
#[cfg(feature = "office")]
mod catalog;
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
mod signature;
#[cfg(feature = "office")]
mod stocktake;

#[cfg(feature = "office")]
pub use page::Supplies;

#[cfg(not(feature = "office"))]
pub use class_build::Supplies;

#[cfg(not(feature = "office"))]
mod class_build {
    use leptos::prelude::*;

    use crate::app_build::OfficeOnly;
    use crate::i18n::{t, use_i18n};

    /// The store is the office's: its page in the class build says so under its own title.
    #[component]
    pub fn Supplies() -> impl IntoView {
        let i18n = use_i18n();
        view! {
            <section class="area">
                <h1>{t!(i18n, supplies.title)}</h1>
                <OfficeOnly/>
            </section>
        }
    }
}
