//! Stock from the ledger: on hand per lot and zone (the sum of its movements, in any order),
//! expiry marks, which lot to issue first (FEFO), who holds reusable items, and the lots
//! that went below zero when two devices issued the same stock offline.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::catalog::{Item, ItemId, Zone};
use super::ledger::{Holder, LotRef, MovementKind, StockMovement};
use crate::sync::Hlc;
use crate::text::Name;

/// One ledger line as the device holds it: the movement, when and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub hlc: Hlc,
    pub by: &'a Name,
    pub movement: &'a StockMovement,
}

/// A lot within 90 days of expiry is marked, within 30 flagged; past it, it can't be issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExpiryMark {
    Fine,
    Within90,
    Within30,
    Expired,
}

impl ExpiryMark {
    pub fn of(expires: Option<NaiveDate>, today: NaiveDate) -> Self {
        let Some(expires) = expires else {
            return Self::Fine;
        };
        match (expires - today).num_days() {
            ..0 => Self::Expired,
            0..=30 => Self::Within30,
            31..=90 => Self::Within90,
            _ => Self::Fine,
        }
    }
}

/// A lot's stock in one zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotStock<'a> {
    pub lot: &'a LotRef,
    pub zone: &'a Zone,
    pub on_hand: i64,
    /// What took stock out since the lot was last counted: the lines a discrepancy names.
    pub out_since_count: Vec<Line<'a>>,
}

/// The school's stock as the device's ledger has it.
#[derive(Debug, Clone, Default)]
pub struct Stock<'a> {
    /// The catalog: each item's latest write.
    pub items: BTreeMap<&'a ItemId, &'a Item>,
    /// Per lot and zone, in lot order.
    pub lots: BTreeMap<(&'a LotRef, &'a Zone), LotStock<'a>>,
    /// Every line, oldest first.
    pub lines: Vec<Line<'a>>,
}

impl<'a> Stock<'a> {
    /// Folds the catalog writes and the ledger. The lines may come in any order: stock is a
    /// sum, and the lines are sorted by their clocks before "since the last count" is read.
    pub fn build(
        items: impl IntoIterator<Item = (Hlc, &'a Item)>,
        lines: impl IntoIterator<Item = Line<'a>>,
    ) -> Self {
        let mut latest: BTreeMap<&ItemId, (Hlc, &Item)> = BTreeMap::new();
        for (hlc, item) in items {
            if latest.get(&item.id).is_none_or(|(held, _)| *held <= hlc) {
                latest.insert(&item.id, (hlc, item));
            }
        }
        let mut lines: Vec<Line> = lines.into_iter().collect();
        crate::order::sort_by(&mut lines, |a, b| (a.hlc, a.by).cmp(&(b.hlc, b.by)));
        let mut lots: BTreeMap<(&LotRef, &Zone), LotStock> = BTreeMap::new();
        for line in &lines {
            let m = line.movement;
            for (zone, delta) in m.deltas() {
                let Some(zone) = zone else { continue };
                let entry = lots.entry((&m.lot, zone)).or_insert_with(|| LotStock {
                    lot: &m.lot,
                    zone,
                    on_hand: 0,
                    out_since_count: Vec::new(),
                });
                entry.on_hand += delta;
                if matches!(m.what, MovementKind::Adjustment { .. }) {
                    entry.out_since_count.clear();
                } else if delta < 0 {
                    entry.out_since_count.push(*line);
                }
            }
        }
        Self {
            items: crate::order::map_of(latest.into_iter().map(|(id, (_, item))| (id, item))),
            lots,
            lines,
        }
    }

    /// On hand of an item over its lots and zones (expired stock included: it is still
    /// on the shelf until disposed of).
    pub fn on_hand(&self, item: &ItemId) -> i64 {
        self.lots_of(item).map(|l| l.on_hand).sum()
    }

    /// What can still be issued on `today`: on hand in lots not expired.
    pub fn usable(&self, item: &ItemId, today: NaiveDate) -> i64 {
        self.lots_of(item)
            .filter(|l| !l.lot.expired_on(today))
            .map(|l| l.on_hand.max(0))
            .sum()
    }

    pub fn lots_of<'s>(&'s self, item: &'s ItemId) -> impl Iterator<Item = &'s LotStock<'a>> + 's {
        self.lots.values().filter(move |l| &l.lot.item == item)
    }

    /// The lot to issue first (FEFO): among lots with stock that have not expired, the one
    /// that expires first; lots without an expiry last; then by lot number and zone.
    pub fn fefo<'s>(&'s self, item: &'s ItemId, today: NaiveDate) -> Option<&'s LotStock<'a>> {
        self.lots_of(item)
            .filter(|l| l.on_hand > 0 && !l.lot.expired_on(today))
            .min_by_key(|l| (l.lot.expires.is_none(), l.lot.expires, &l.lot.lot, l.zone))
    }

    /// Lots below zero: two devices issued the same stock offline. Each is shown with the
    /// lines that took it out since it was last counted, until a stocktake sets it right.
    pub fn discrepancies(&self) -> Vec<&LotStock<'a>> {
        self.lots.values().filter(|l| l.on_hand < 0).collect()
    }

    /// Reusable items out on loan, by holder and the person who signed: issued less
    /// returned. Overdue first, then by due date.
    pub fn held_out(&self, today: NaiveDate) -> Vec<HeldOut<'a>> {
        let mut out: BTreeMap<(&ItemId, &Holder, &Name), HeldOut> = BTreeMap::new();
        for line in &self.lines {
            let m = line.movement;
            let reusable = self.items.get(&m.lot.item).is_some_and(|i| i.reusable);
            let (recipient, sign, due) = match &m.what {
                MovementKind::Issue { to, due, .. } if reusable => (to, 1, *due),
                MovementKind::Return { from, .. } if reusable => (from, -1, None),
                _ => continue,
            };
            let held = out
                .entry((&m.lot.item, &recipient.holder, &recipient.person))
                .or_insert(HeldOut {
                    item: &m.lot.item,
                    holder: &recipient.holder,
                    person: &recipient.person,
                    quantity: 0,
                    due: None,
                    overdue: false,
                });
            held.quantity += sign * i64::from(m.quantity);
            if due.is_some() {
                held.due = due;
            }
        }
        let mut held: Vec<HeldOut> = out
            .into_values()
            .filter(|h| h.quantity > 0)
            .map(|mut h| {
                h.overdue = h.due.is_some_and(|d| d < today);
                h
            })
            .collect();
        crate::order::sort_by_key(&mut held, |h| (!h.overdue, h.due.is_none(), h.due));
        held
    }
}

/// A reusable item out on loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldOut<'a> {
    pub item: &'a ItemId,
    pub holder: &'a Holder,
    pub person: &'a Name,
    pub quantity: i64,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
}
