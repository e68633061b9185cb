//! Stocktakes (盘点): walk the store lot by lot, count what is there, give a reason for each
//! difference; the result is one adjustment per lot that differs. A blind count hides what
//! the ledger expects, so the counter counts rather than confirms.

use super::catalog::Zone;
use super::ledger::{LotRef, MovementKind, StockMovement, Variance};
use super::stock::Stock;

/// A line of the count sheet: a lot in a zone and what the ledger says is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountLine {
    pub lot: LotRef,
    pub zone: Zone,
    pub expected: i64,
}

/// The count sheet for `zone` (every zone if `None`): each lot the ledger has there with
/// stock, or below zero (a discrepancy the count settles), by zone, item, expiry and lot.
pub fn count_sheet(stock: &Stock, zone: Option<&Zone>) -> Vec<CountLine> {
    let mut lines: Vec<CountLine> = stock
        .lots
        .values()
        .filter(|l| l.on_hand != 0 && zone.is_none_or(|z| l.zone == z))
        .map(|l| CountLine {
            lot: l.lot.clone(),
            zone: l.zone.clone(),
            expected: l.on_hand,
        })
        .collect();
    crate::order::sort_by(&mut lines, |a, b| {
        (&a.zone, &a.lot.item, a.lot.expires, &a.lot.lot).cmp(&(
            &b.zone,
            &b.lot.item,
            b.lot.expires,
            &b.lot.lot,
        ))
    });
    lines
}

/// The zones a count can walk, in order.
pub fn zones(stock: &Stock) -> Vec<Zone> {
    let mut zones: Vec<Zone> = stock
        .lots
        .values()
        .filter(|l| l.on_hand != 0)
        .map(|l| l.zone.clone())
        .collect();
    crate::order::sort(&mut zones);
    zones.dedup();
    zones
}

/// Why a count can't be settled yet, and on which line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountProblem {
    /// Every line is counted (0 if nothing is there).
    NotCounted { line: usize },
    /// A count is a whole number from 0.
    NotANumber { line: usize },
    /// A count that differs from the ledger needs its reason.
    NeedsReason { line: usize },
}

/// A line as counted: the number typed and, where it differs, the reason chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub counted: String,
    pub reason: Option<Variance>,
}

/// The adjustments a finished count makes: one per lot whose count differs from the ledger,
/// with its reason. Lines that agree make none.
pub fn settle(
    sheet: &[CountLine],
    counted: &[Counted],
) -> Result<Vec<StockMovement>, CountProblem> {
    let mut out = Vec::new();
    for (line, (expected, count)) in sheet.iter().zip(counted).enumerate() {
        let raw = count.counted.trim();
        if raw.is_empty() {
            return Err(CountProblem::NotCounted { line });
        }
        let found: i64 = raw
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= super::ledger::MAX_QUANTITY)
            .map(i64::from)
            .ok_or(CountProblem::NotANumber { line })?;
        let difference = found - expected.expected;
        if difference == 0 {
            continue;
        }
        let reason = count.reason.ok_or(CountProblem::NeedsReason { line })?;
        let quantity = u32::try_from(difference.unsigned_abs())
            .ok()
            .filter(|q| *q <= super::ledger::MAX_QUANTITY)
            .ok_or(CountProblem::NotANumber { line })?;
        out.push(StockMovement {
            lot: expected.lot.clone(),
            zone: expected.zone.clone(),
            quantity,
            what: MovementKind::Adjustment {
                gain: difference > 0,
                reason,
            },
        });
    }
    if counted.len() < sheet.len() {
        return Err(CountProblem::NotCounted {
            line: counted.len(),
        });
    }
    Ok(out)
}

/// The count sheet as CSV for the storeroom's clipboard, with the caller's column names
/// (zone, item, lot, expiry, expected, counted, reason); `blind` leaves the expected blank.
pub fn sheet_csv(stock: &Stock, sheet: &[CountLine], blind: bool, header: [&str; 7]) -> String {
    super::report::csv_text(
        header,
        sheet.iter().map(|line| {
            let name = stock.items.get(&line.lot.item).map_or_else(
                || line.lot.item.to_string(),
                |i| format!("{} ({})", i.name, i.unit),
            );
            [
                line.zone.to_string(),
                name,
                line.lot.lot.to_string(),
                line.lot.expires.map(|d| d.to_string()).unwrap_or_default(),
                if blind {
                    String::new()
                } else {
                    line.expected.to_string()
                },
                String::new(),
                String::new(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supplies::{Line, starter_catalog};
    use crate::sync::Hlc;
    use crate::text::Name;

    #[test]
    fn a_count_makes_one_adjustment_per_differing_lot_each_with_its_reason() {
        let catalog = starter_catalog();
        let by = Name::parse("陈建国").unwrap();
        let zone = Zone::parse("A区货架").unwrap();
        let a = LotRef::new("masks-surgical", "A", None).unwrap();
        let b = LotRef::new("gloves", "B", None).unwrap();
        let ra = StockMovement::receipt(a.clone(), zone.clone(), 100, by.clone());
        let rb = StockMovement::receipt(b.clone(), zone.clone(), 50, by.clone());
        let stock = Stock::build(
            catalog.iter().map(|i| (Hlc::default(), i)),
            [
                Line {
                    hlc: Hlc::default(),
                    by: &by,
                    movement: &ra,
                },
                Line {
                    hlc: Hlc::default(),
                    by: &by,
                    movement: &rb,
                },
            ],
        );
        let sheet = count_sheet(&stock, Some(&zone));
        assert_eq!(sheet.len(), 2);
        let count = |n: &str, reason| Counted {
            counted: n.into(),
            reason,
        };
        // Gloves (sorted first) agree; masks are 3 short.
        assert_eq!(
            settle(&sheet, &[count("50", None), count("97", None)]),
            Err(CountProblem::NeedsReason { line: 1 })
        );
        assert_eq!(
            settle(&sheet, &[count("", None), count("97", None)]),
            Err(CountProblem::NotCounted { line: 0 })
        );
        assert_eq!(
            settle(&sheet, &[count("x", None), count("97", None)]),
            Err(CountProblem::NotANumber { line: 0 })
        );
        assert_eq!(
            settle(&sheet, &[count("50", None)]),
            Err(CountProblem::NotCounted { line: 1 })
        );
        let adjustments = settle(
            &sheet,
            &[count("50", None), count("97", Some(Variance::Lost))],
        )
        .unwrap();
        assert_eq!(
            adjustments,
            vec![StockMovement::adjustment(a, zone, 3, false, Variance::Lost)]
        );
        let csv = sheet_csv(
            &stock,
            &sheet,
            true,
            [
                "zone", "item", "lot", "expires", "expected", "counted", "reason",
            ],
        );
        assert!(csv.contains("A区货架,一次性医用手套 (副),B,,,,"), "{csv}");
    }
}
