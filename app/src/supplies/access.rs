//! How this area reads and writes the device's ledger: the stock from the replica, the
//! school's day and head count, and recording a line or a catalog entry.

use guardpost_domain::changes::Payload;
use guardpost_domain::supplies::{Item, Stock, StockMovement, headcount, stock_of};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::Locale;
use crate::sync::SyncView;
use crate::sync::engine::{record, with_replica};
use crate::widgets::record_outcome;

pub(super) use crate::school::{school_today as today, school_tz};

/// Reads the stock from the device's ledger (tracking the replica's revision).
pub(super) fn with_stock<T>(view: SyncView, f: impl FnOnce(&Stock) -> T) -> Option<T> {
    view.revision.track();
    with_replica(|r| f(&stock_of(r.changes_by())))
}

/// The catalog's items that are not retired, by category and name.
pub(super) fn catalog(view: SyncView) -> Vec<Item> {
    with_stock(view, |s| {
        guardpost_domain::supplies::cover::catalog_choices(s)
            .into_iter()
            .cloned()
            .collect()
    })
    .unwrap_or_default()
}

/// Everyone the reserve is for, from the directory's class list and staff.
pub(super) fn school_headcount(view: SyncView) -> u32 {
    view.session
        .get()
        .map(|s| headcount(s.all_classes.iter().map(|c| c.students), s.staff))
        .unwrap_or(0)
}

/// Records a ledger line and says how it went.
pub(super) async fn save_movement(
    view: SyncView,
    i18n: I18nContext<Locale>,
    m: StockMovement,
) -> (bool, String) {
    record_outcome(
        i18n,
        record(view, Stream::Supplies, Payload::StockMovement(m)).await,
    )
}

/// Records a catalog entry and says how it went.
pub(super) async fn save_item(
    view: SyncView,
    i18n: I18nContext<Locale>,
    item: Item,
) -> (bool, String) {
    record_outcome(
        i18n,
        record(view, Stream::Supplies, Payload::SupplyItem(item)).await,
    )
}

/// Each catalog item's name, by id (retired ones too: old lines and requests name them).
pub(super) fn item_names(
    view: SyncView,
) -> std::collections::BTreeMap<guardpost_domain::supplies::ItemId, String> {
    with_stock(view, |s| {
        guardpost_domain::order::map_of(
            s.items
                .iter()
                .map(|(id, item)| ((*id).clone(), item.name.to_string())),
        )
    })
    .unwrap_or_default()
}

/// A class's name from the directory's class list, by id (the id if it is not there).
pub(super) fn class_name(view: SyncView, id: &str) -> String {
    view.session
        .get_untracked()
        .and_then(|s| s.all_classes.into_iter().find(|c| c.id.as_str() == id))
        .map(|c| c.name.to_string())
        .unwrap_or_else(|| id.to_owned())
}

/// Records the ledger line a form built, or shows what to fix (or that the device is signed
/// out: `None`); `clear` empties the form's fields once the line is saved.
#[cfg(feature = "office")]
pub(super) fn record_built(
    view: SyncView,
    i18n: I18nContext<Locale>,
    built: Option<Result<StockMovement, guardpost_domain::supplies::form::FormProblem>>,
    set_problem: WriteSignal<Option<String>>,
    set_message: WriteSignal<Option<(bool, String)>>,
    clear: impl FnOnce() + 'static,
) {
    match built {
        Some(Ok(m)) => {
            set_problem.set(None);
            leptos::task::spawn_local(async move {
                let outcome = save_movement(view, i18n, m).await;
                if outcome.0 {
                    clear();
                }
                set_message.set(Some(outcome));
            });
        }
        Some(Err(p)) => set_problem.set(Some(crate::widgets::form_problem(i18n, &p))),
        None => set_problem.set(Some(
            crate::i18n::t_string!(i18n, supplies.signed_out).to_owned(),
        )),
    }
}
