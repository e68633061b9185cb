//! The store's reports: the daily stock report (日报告) per item, and the ledger (台账)
//! filtered by item, lot and dates. Days are the school's calendar days.

use chrono::NaiveDate;

use super::catalog::{Item, ItemId};
use super::ledger::MovementKind;
use super::stock::{Line, Stock};
use crate::school::SchoolTimeZone;

/// One item's day: what it started with, what moved, what it ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    pub item: Item,
    pub opening: i64,
    pub received: i64,
    pub issued: i64,
    pub returned: i64,
    pub disposed: i64,
    /// Stocktake adjustments, found less missing.
    pub adjusted: i64,
    pub closing: i64,
}

/// The daily stock report for `date`: every item in the catalog (retired ones only if they
/// moved or hold stock), by category and name. Transfers move stock within the store and
/// change no total.
pub fn daily(stock: &Stock, tz: SchoolTimeZone, date: NaiveDate) -> Vec<DayRow> {
    let mut rows: Vec<DayRow> = stock
        .items
        .values()
        .map(|item| {
            let mut row = DayRow {
                item: (*item).clone(),
                opening: 0,
                received: 0,
                issued: 0,
                returned: 0,
                disposed: 0,
                adjusted: 0,
                closing: 0,
            };
            for line in stock
                .lines
                .iter()
                .filter(|l| l.movement.lot.item == item.id)
            {
                let day = tz.date_at_ms(line.hlc.wall);
                if day > date {
                    continue;
                }
                let q = i64::from(line.movement.quantity);
                let change = match &line.movement.what {
                    MovementKind::Receipt { .. } | MovementKind::Return { .. } => q,
                    MovementKind::Issue { .. } | MovementKind::Disposal { .. } => -q,
                    MovementKind::Transfer { .. } => 0,
                    MovementKind::Adjustment { gain, .. } => {
                        if *gain {
                            q
                        } else {
                            -q
                        }
                    }
                };
                if day < date {
                    row.opening += change;
                    continue;
                }
                match &line.movement.what {
                    MovementKind::Receipt { .. } => row.received += q,
                    MovementKind::Issue { .. } => row.issued += q,
                    MovementKind::Return { .. } => row.returned += q,
                    MovementKind::Disposal { .. } => row.disposed += q,
                    MovementKind::Adjustment { .. } => row.adjusted += change,
                    MovementKind::Transfer { .. } => {}
                }
            }
            row.closing = row.opening + row.received - row.issued + row.returned - row.disposed
                + row.adjusted;
            row
        })
        .filter(|r| {
            !r.item.retired
                || r.opening != 0
                || r.closing != 0
                || r.received + r.issued + r.returned + r.disposed != 0
                || r.adjusted != 0
        })
        .collect();
    crate::order::sort_by(&mut rows, |a, b| {
        (a.item.category, &a.item.name).cmp(&(b.item.category, &b.item.name))
    });
    rows
}

/// Which ledger lines to show: an item, a lot number, a span of days (each optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    pub item: Option<ItemId>,
    pub lot: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The ledger's lines that pass `filter`, newest first.
pub fn ledger<'s, 'a>(
    stock: &'s Stock<'a>,
    tz: SchoolTimeZone,
    filter: &LedgerFilter,
) -> Vec<&'s Line<'a>> {
    stock
        .lines
        .iter()
        .rev()
        .filter(|l| {
            filter
                .item
                .as_ref()
                .is_none_or(|i| &l.movement.lot.item == i)
        })
        .filter(|l| {
            filter
                .lot
                .as_deref()
                .map(str::trim)
                .is_none_or(|lot| lot.is_empty() || l.movement.lot.lot.as_str() == lot)
        })
        .filter(|l| {
            let day = tz.date_at_ms(l.hlc.wall);
            filter.from.is_none_or(|f| day >= f) && filter.to.is_none_or(|t| day <= t)
        })
        .collect()
}

/// Rows as CSV, with a header: the reports' one writer.
pub fn csv_text<const N: usize>(
    header: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory can't fail.
    let _ = out.write_record(header);
    for row in rows {
        let _ = out.write_record(&row);
    }
    out.into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supplies::{LotRef, StockMovement, Variance, Zone, starter_catalog};
    use crate::sync::Hlc;
    use crate::text::Name;
    use chrono::TimeZone;

    #[test]
    fn a_day_opens_with_yesterday_and_closes_with_its_movements() {
        let tz = SchoolTimeZone::default();
        let catalog = starter_catalog();
        let by = Name::parse("陈建国").unwrap();
        let zone = Zone::parse("A").unwrap();
        let lot = LotRef::new("masks-surgical", "L1", None).unwrap();
        // Shanghai times: the 29th at 23:30 is still the 29th there (15:30 UTC).
        let at = |d: u32, h: u32| Hlc {
            wall: chrono_tz::Asia::Shanghai
                .with_ymd_and_hms(2026, 11, d, h, 30, 0)
                .unwrap()
                .timestamp_millis() as u64,
            counter: 0,
        };
        let receipt = StockMovement::receipt(lot.clone(), zone.clone(), 500, by.clone());
        let lost = StockMovement::adjustment(lot.clone(), zone.clone(), 20, false, Variance::Lost);
        let found =
            StockMovement::adjustment(lot.clone(), zone.clone(), 5, true, Variance::Miscounted);
        let moved = StockMovement {
            lot: lot.clone(),
            zone: zone.clone(),
            quantity: 100,
            what: MovementKind::Transfer {
                to_zone: Zone::parse("B").unwrap(),
            },
        };
        let lines = [
            Line {
                hlc: at(29, 23),
                by: &by,
                movement: &receipt,
            },
            Line {
                hlc: at(30, 8),
                by: &by,
                movement: &lost,
            },
            Line {
                hlc: at(30, 9),
                by: &by,
                movement: &found,
            },
            Line {
                hlc: at(30, 10),
                by: &by,
                movement: &moved,
            },
        ];
        let stock = Stock::build(catalog.iter().map(|i| (Hlc::default(), i)), lines);
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let rows = daily(&stock, tz, day);
        let masks = rows.iter().find(|r| r.item.id == lot.item).unwrap();
        assert_eq!(
            (masks.opening, masks.received, masks.adjusted, masks.closing),
            (500, 0, -15, 485)
        );
        let before = daily(&stock, tz, day.pred_opt().unwrap());
        let masks = before.iter().find(|r| r.item.id == lot.item).unwrap();
        assert_eq!(
            (masks.opening, masks.received, masks.closing),
            (0, 500, 500)
        );

        let only_today = LedgerFilter {
            from: Some(day),
            to: Some(day),
            ..LedgerFilter::default()
        };
        assert_eq!(ledger(&stock, tz, &only_today).len(), 3);
        let other_lot = LedgerFilter {
            lot: Some("L2".into()),
            ..LedgerFilter::default()
        };
        assert!(ledger(&stock, tz, &other_lot).is_empty());
        let newest = ledger(&stock, tz, &LedgerFilter::default());
        assert_eq!(newest[0].movement, &moved);
        assert_eq!(
            csv_text(["a", "b"], [["1".to_owned(), "x,y".to_owned()]]),
            "a,b\n1,\"x,y\"\n"
        );
    }
}
