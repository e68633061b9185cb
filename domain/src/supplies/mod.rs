//! Supplies (物资): the catalog, the ledger (台账) of stock received, issued, returned,
//! moved, disposed of and counted, and what the office reads from it (on hand per lot,
//! expiry, FEFO, days of cover, the order list, who holds what).

pub mod catalog;
pub mod cover;
pub mod form;
pub mod item_input;
pub mod kits;
pub mod ledger;
pub mod refill;
pub mod report;
pub mod stock;
pub mod stocktake;

pub use catalog::{Category, DailyNorm, Hazard, Item, ItemId, Unit, Zone, starter_catalog};
pub use cover::{Cover, IssueProblem, Overview, check_issue, cover, headcount};
pub use ledger::{
    DisposalReason, Holder, LotCode, LotRef, MovementKind, Note, Recipient, Signature,
    StockMovement, Variance,
};
pub use stock::{ExpiryMark, Line, Stock};

use std::collections::BTreeMap;

use crate::sync::Hlc;
use crate::sync::versions::{self, Versions};
use crate::text::Name;

/// A change of this area, as the school's one change type hands it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supply<'a> {
    Item(&'a Item),
    Movement(&'a StockMovement),
    Request(&'a refill::RefillRequest),
    Answer(&'a refill::RefillAnswer),
}

/// Which changes are this area's: the school's one change type says so for its kinds, so
/// this area reads ops without knowing the others.
pub trait AsSupply {
    fn supply(&self) -> Option<Supply<'_>>;
}

/// The stock from changes with their clocks and authors, in any order.
pub fn stock_of<'a, P: AsSupply + 'a>(
    changes: impl IntoIterator<Item = (Hlc, &'a Name, &'a P)>,
) -> Stock<'a> {
    let mut items = Vec::new();
    let mut lines = Vec::new();
    for (hlc, by, payload) in changes {
        match payload.supply() {
            Some(Supply::Item(item)) => items.push((hlc, by, item)),
            Some(Supply::Movement(movement)) => lines.push(Line { hlc, by, movement }),
            Some(Supply::Request(_) | Supply::Answer(_)) | None => {}
        }
    }
    // Each item's kept version, as the catalog shows it (by clock, then author).
    let kept = versions::kept(items, |i| &i.id)
        .into_values()
        .map(|v| (v.at, v.record));
    Stock::build(kept, lines)
}

/// Each catalog item's kept version, and the edits made alongside it that it does not hold
/// (two phones editing one item offline), from changes in any order.
pub fn item_versions<'a, P: AsSupply + 'a>(
    changes: impl IntoIterator<Item = (Hlc, &'a Name, &'a P)>,
) -> BTreeMap<&'a ItemId, Versions<'a, Item>> {
    let writes = changes
        .into_iter()
        .filter_map(|(hlc, by, p)| match p.supply()? {
            Supply::Item(item) => Some((hlc, by, item)),
            _ => None,
        });
    versions::of_records(writes, |i| &i.id, |i: &Item| &i.replaces)
        .into_iter()
        .collect()
}

/// The refill requests among changes with their op ids (None: not yet stored), newest first.
pub fn refills_of<'a, P: AsSupply + 'a>(
    changes: impl IntoIterator<Item = (Option<&'a crate::sync::OpId>, Hlc, &'a Name, &'a P)>,
) -> Vec<refill::Refill> {
    refill::refills(changes.into_iter().filter_map(|(id, hlc, by, p)| {
        let (request, answer) = match p.supply()? {
            Supply::Request(r) => (Some(r), None),
            Supply::Answer(a) => (None, Some(a)),
            _ => return None,
        };
        Some(refill::Held {
            id,
            hlc,
            by,
            request,
            answer,
        })
    }))
}
