//! Days of cover and what to order: the reserve target is computed from the head count, the
//! item's daily norm and its reserve days (002 篇1, 篇6), or from recent use where no norm
//! applies; the shortfall is ordered in whole packs.

use chrono::NaiveDate;

use super::catalog::{Item, ItemId, Zone};
use super::ledger::{Holder, LotRef, MovementKind, Recipient};
use super::stock::{ExpiryMark, LotStock, Stock};
use crate::school::SchoolTimeZone;
use crate::text::Name;

/// Recent use is the average over this many days.
pub const RECENT_DAYS: i64 = 14;

/// How long an item's usable stock lasts, and what is missing for its reserve.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// On hand in lots not expired.
    pub usable: i64,
    /// By the norm: units a day for the whole school.
    pub need_per_day: Option<u64>,
    pub days_by_norm: Option<f64>,
    /// Issued less returned a day, over the last [`RECENT_DAYS`].
    pub use_per_day: f64,
    pub days_by_use: Option<f64>,
    pub target_days: u16,
    /// Units short of the reserve target (0 when it is met).
    pub shortfall: u64,
    /// The shortfall in whole packs.
    pub packs: u64,
}

impl Cover {
    /// The days the reserve is judged by: the norm's where there is one, else recent use's.
    pub fn days(&self) -> Option<f64> {
        self.days_by_norm.or(self.days_by_use)
    }

    pub fn below_target(&self) -> bool {
        self.shortfall > 0
    }
}

/// The cover of `item` for `headcount` people (students and staff), on `today`.
pub fn cover(
    stock: &Stock,
    item: &Item,
    headcount: u32,
    tz: SchoolTimeZone,
    today: NaiveDate,
) -> Cover {
    let usable = stock.usable(&item.id, today);
    let first_recent = today - chrono::Duration::days(RECENT_DAYS - 1);
    let used: i64 = stock
        .lines
        .iter()
        .filter(|l| l.movement.lot.item == item.id)
        .filter(|l| tz.date_at_ms(l.hlc.wall) >= first_recent)
        .map(|l| match l.movement.what {
            MovementKind::Issue { .. } => i64::from(l.movement.quantity),
            MovementKind::Return { .. } => -i64::from(l.movement.quantity),
            _ => 0,
        })
        .sum();
    let use_per_day = used.max(0) as f64 / RECENT_DAYS as f64;
    let need_per_day = item.norm.map(|n| n.per_day(headcount)).filter(|n| *n > 0);
    let days = |per_day: f64| (per_day > 0.0).then(|| usable.max(0) as f64 / per_day);
    let target_units = match need_per_day {
        Some(need) => need * u64::from(item.reserve_days),
        None => (use_per_day * f64::from(item.reserve_days)).ceil() as u64,
    };
    let shortfall = target_units.saturating_sub(usable.max(0) as u64);
    Cover {
        usable,
        need_per_day,
        days_by_norm: need_per_day.and_then(|n| days(n as f64)),
        use_per_day,
        days_by_use: days(use_per_day),
        target_days: item.reserve_days,
        shortfall,
        packs: shortfall.div_ceil(u64::from(item.pack_size.max(1))),
    }
}

/// A lot as the office's lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotRow {
    pub lot: LotRef,
    pub zone: Zone,
    pub on_hand: i64,
    pub mark: ExpiryMark,
}

impl LotRow {
    fn of(lot: &LotStock, today: NaiveDate) -> Self {
        Self {
            lot: lot.lot.clone(),
            zone: lot.zone.clone(),
            on_hand: lot.on_hand,
            mark: ExpiryMark::of(lot.lot.expires, today),
        }
    }
}

/// An item as the office sees it at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRow {
    pub item: Item,
    pub on_hand: i64,
    pub cover: Cover,
    /// The worst mark among its lots with stock.
    pub mark: ExpiryMark,
    pub lots: Vec<LotRow>,
}

/// One line of the order list: whole packs to bring the reserve to its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub item: Item,
    pub shortfall: u64,
    pub packs: u64,
    /// Units the packs hold.
    pub units: u64,
    /// Why it is ordered when not for the reserve: the drill's corrective action.
    pub note: Option<String>,
}

impl Overview {
    /// Adds what open corrective actions of drills need (whole packs of each item the
    /// catalog knows), each as its own line naming the action, after the reserve's lines.
    pub fn add_needs<'n>(&mut self, needs: impl IntoIterator<Item = (&'n ItemId, u32, String)>) {
        for (id, quantity, note) in needs {
            let Some(row) = self.items.iter().find(|r| &r.item.id == id) else {
                continue;
            };
            let pack = u64::from(row.item.pack_size.max(1));
            let packs = u64::from(quantity).div_ceil(pack);
            self.order.push(OrderLine {
                item: row.item.clone(),
                shortfall: u64::from(quantity),
                packs,
                units: packs * pack,
                note: Some(note),
            });
        }
    }
}

/// A line that took stock out of a lot that went below zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub at_ms: u64,
    pub by: Name,
    pub quantity: u32,
    /// The recipient, for an issue.
    pub to: Option<Recipient>,
}

/// A lot below zero after two devices issued it offline: a count is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub lot: LotRef,
    pub zone: Zone,
    pub on_hand: i64,
    pub drawn: Vec<Drawn>,
}

/// A reusable item out on loan, as the office's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loan {
    pub item: Item,
    pub holder: Holder,
    pub person: Name,
    pub quantity: i64,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
}

/// The office's view of the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub headcount: u32,
    /// Items in the catalog (not retired), by category then name.
    pub items: Vec<ItemRow>,
    pub order: Vec<OrderLine>,
    /// Lots with stock that are expired or expire within 90 days, soonest first.
    pub expiring: Vec<LotRow>,
    pub discrepancies: Vec<Discrepancy>,
    /// Reusable items out, overdue first.
    pub held_out: Vec<Loan>,
}

impl Overview {
    pub fn build(stock: &Stock, headcount: u32, tz: SchoolTimeZone, today: NaiveDate) -> Self {
        let mut items: Vec<ItemRow> = stock
            .items
            .values()
            .filter(|i| !i.retired)
            .map(|item| {
                let lots: Vec<LotRow> = stock
                    .lots_of(&item.id)
                    .filter(|l| l.on_hand != 0)
                    .map(|l| LotRow::of(l, today))
                    .collect();
                ItemRow {
                    item: (*item).clone(),
                    on_hand: stock.on_hand(&item.id),
                    cover: cover(stock, item, headcount, tz, today),
                    mark: lots
                        .iter()
                        .filter(|l| l.on_hand > 0)
                        .map(|l| l.mark)
                        .max()
                        .unwrap_or(ExpiryMark::Fine),
                    lots,
                }
            })
            .collect();
        crate::order::sort_by(&mut items, |a, b| {
            (a.item.category, &a.item.name).cmp(&(b.item.category, &b.item.name))
        });
        let order = items
            .iter()
            .filter(|r| r.cover.packs > 0)
            .map(|r| OrderLine {
                item: r.item.clone(),
                shortfall: r.cover.shortfall,
                packs: r.cover.packs,
                units: r.cover.packs * u64::from(r.item.pack_size),
                note: None,
            })
            .collect();
        let mut expiring: Vec<LotRow> = stock
            .lots
            .values()
            .filter(|l| l.on_hand > 0)
            .map(|l| LotRow::of(l, today))
            .filter(|l| l.mark != ExpiryMark::Fine)
            .collect();
        crate::order::sort_by(&mut expiring, |a, b| {
            (a.lot.expires, &a.lot.item).cmp(&(b.lot.expires, &b.lot.item))
        });
        let discrepancies = stock
            .discrepancies()
            .into_iter()
            .map(|l| Discrepancy {
                lot: l.lot.clone(),
                zone: l.zone.clone(),
                on_hand: l.on_hand,
                drawn: l
                    .out_since_count
                    .iter()
                    .map(|line| Drawn {
                        at_ms: line.hlc.wall,
                        by: line.by.clone(),
                        quantity: line.movement.quantity,
                        to: match &line.movement.what {
                            MovementKind::Issue { to, .. } => Some(to.clone()),
                            _ => None,
                        },
                    })
                    .collect(),
            })
            .collect();
        let held_out = loans(stock, today);
        Self {
            headcount,
            items,
            order,
            expiring,
            discrepancies,
            held_out,
        }
    }
}

/// Reusable items out on loan on `today`, overdue first: what the overview lists and a
/// return is chosen from.
pub fn loans(stock: &Stock, today: NaiveDate) -> Vec<Loan> {
    stock
        .held_out(today)
        .into_iter()
        .filter_map(|h| {
            Some(Loan {
                item: (*stock.items.get(h.item)?).clone(),
                holder: h.holder.clone(),
                person: h.person.clone(),
                quantity: h.quantity,
                due: h.due,
                overdue: h.overdue,
            })
        })
        .collect()
}

/// Why an issue can't be recorded as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueProblem {
    /// The lot expired: it can't be issued, only disposed of.
    Expired {
        lot: String,
        expires: NaiveDate,
    },
    /// More than the lot holds in that zone as far as this device knows.
    MoreThanOnHand {
        on_hand: i64,
    },
    UnknownItem,
}

/// Checks an issue of `quantity` from `lot` in `zone` against the stock, before it is
/// recorded: the form proposes the FEFO lot, but a lot picked by hand is checked too.
pub fn check_issue(
    stock: &Stock,
    lot: &LotRef,
    zone: &Zone,
    quantity: u32,
    today: NaiveDate,
) -> Result<(), IssueProblem> {
    if !stock.items.contains_key(&lot.item) {
        return Err(IssueProblem::UnknownItem);
    }
    if let Some(expires) = lot.expires.filter(|_| lot.expired_on(today)) {
        return Err(IssueProblem::Expired {
            lot: lot.lot.to_string(),
            expires,
        });
    }
    let on_hand = stock.lots.get(&(lot, zone)).map_or(0, |l| l.on_hand);
    if i64::from(quantity) > on_hand {
        return Err(IssueProblem::MoreThanOnHand { on_hand });
    }
    Ok(())
}

/// Everyone the reserve is for: each class's head count and the staff.
pub fn headcount(class_sizes: impl IntoIterator<Item = u16>, staff: u16) -> u32 {
    class_sizes.into_iter().map(u32::from).sum::<u32>() + u32::from(staff)
}

/// The ids of items in the catalog, for a form's item picker: not retired, by name.
pub fn catalog_choices<'a>(stock: &'a Stock<'a>) -> Vec<&'a Item> {
    let mut items: Vec<&Item> = stock
        .items
        .values()
        .copied()
        .filter(|i| !i.retired)
        .collect();
    crate::order::sort_by(&mut items, |a, b| {
        (a.category, &a.name).cmp(&(b.category, &b.name))
    });
    items
}

/// Whether `id` is free for a new item.
pub fn id_free(stock: &Stock, id: &ItemId) -> bool {
    !stock.items.contains_key(id)
}

/// The order list as CSV, with the caller's column names (item, unit, pack size, packs,
/// units, shortfall, note): what the office sends to an approved supplier.
pub fn order_csv(order: &[OrderLine], header: [&str; 7]) -> String {
    super::report::csv_text(
        header,
        order.iter().map(|line| {
            [
                line.item.name.to_string(),
                line.item.unit.to_string(),
                line.item.pack_size.to_string(),
                line.packs.to_string(),
                line.units.to_string(),
                line.shortfall.to_string(),
                line.note.clone().unwrap_or_default(),
            ]
        }),
    )
}
