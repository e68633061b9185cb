//! Each class's standard kit (002 篇1: a forehead thermometer, a thermometer, hand sanitiser,
//! disinfectant and a sprayer; masks for so many days): what each class lacks, and the
//! issues that make it up, signed once by whoever takes them to the class.
//!
//! What a class holds of an item is what was issued to it less what it returned. Reusable
//! items stay held until returned; a used-up item counts as held for its reserve period
//! after the issue (a bottle of hand sanitiser issued 7 days ago with a 7-day reserve is
//! taken as used up), so a class's kit asks to be refilled as it is used.

use chrono::NaiveDate;

use super::catalog::Item;
use super::ledger::{Holder, MovementKind, Recipient, Signature, StockMovement};
use super::stock::Stock;
use crate::school::{ClassId, SchoolTimeZone};
use crate::text::Name;

/// What a class lacks of one kit item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitGap {
    pub item: Item,
    pub held: i64,
    pub missing: u32,
}

/// A class's kit: each kit item it lacks (none when complete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassKit {
    pub class: ClassId,
    pub gaps: Vec<KitGap>,
}

/// What `class` holds of `item` on `today` (see the module's note).
fn held(stock: &Stock, item: &Item, class: &ClassId, tz: SchoolTimeZone, today: NaiveDate) -> i64 {
    let since = today - chrono::Duration::days(i64::from(item.reserve_days) - 1);
    stock
        .lines
        .iter()
        .filter(|l| l.movement.lot.item == item.id)
        .filter(|l| item.reusable || tz.date_at_ms(l.hlc.wall) >= since)
        .map(|l| match &l.movement.what {
            MovementKind::Issue { to, .. } if to.holder == Holder::Class(class.clone()) => {
                i64::from(l.movement.quantity)
            }
            MovementKind::Return { from, .. } if from.holder == Holder::Class(class.clone()) => {
                -i64::from(l.movement.quantity)
            }
            _ => 0,
        })
        .sum()
}

/// Every class's kit, in the order given.
pub fn class_kits(
    stock: &Stock,
    classes: &[ClassId],
    tz: SchoolTimeZone,
    today: NaiveDate,
) -> Vec<ClassKit> {
    let kit: Vec<&Item> = stock
        .items
        .values()
        .copied()
        .filter(|i| i.class_kit > 0 && !i.retired)
        .collect();
    classes
        .iter()
        .map(|class| ClassKit {
            class: class.clone(),
            gaps: kit
                .iter()
                .filter_map(|item| {
                    let held = held(stock, item, class, tz, today);
                    let missing = i64::from(item.class_kit) - held;
                    (missing > 0).then(|| KitGap {
                        item: (*item).clone(),
                        held,
                        missing: u32::try_from(missing).unwrap_or(u32::MAX),
                    })
                })
                .collect(),
        })
        .collect()
}

/// What can't be issued for lack of usable stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Short {
    pub item: Item,
    pub missing: u32,
}

/// The issues that make up `kit`'s gaps, each from the lots that expire first (FEFO, never
/// an expired lot), signed by `person` for the class; and what stock can't cover.
pub fn make_up(
    stock: &Stock,
    kit: &ClassKit,
    person: Name,
    signature: Signature,
    today: NaiveDate,
) -> (Vec<StockMovement>, Vec<Short>) {
    let mut issues = Vec::new();
    let mut short = Vec::new();
    for gap in &kit.gaps {
        let mut lots: Vec<_> = stock
            .lots_of(&gap.item.id)
            .filter(|l| l.on_hand > 0 && !l.lot.expired_on(today))
            .collect();
        crate::order::sort_by_key(&mut lots, |l| {
            (l.lot.expires.is_none(), l.lot.expires, &l.lot.lot, l.zone)
        });
        let mut missing = gap.missing;
        for lot in lots {
            if missing == 0 {
                break;
            }
            let take = missing.min(u32::try_from(lot.on_hand).unwrap_or(u32::MAX));
            missing -= take;
            issues.push(StockMovement {
                lot: lot.lot.clone(),
                zone: lot.zone.clone(),
                quantity: take,
                what: MovementKind::Issue {
                    to: Recipient {
                        holder: Holder::Class(kit.class.clone()),
                        person: person.clone(),
                    },
                    signature: signature.clone(),
                    due: None,
                },
            });
        }
        if missing > 0 {
            short.push(Short {
                item: gap.item.clone(),
                missing,
            });
        }
    }
    (issues, short)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supplies::{Line, LotRef, Zone, starter_catalog};
    use crate::sync::Hlc;

    #[test]
    fn a_class_kit_is_made_up_from_the_first_lots_to_expire_and_used_up_items_come_due_again() {
        let tz = SchoolTimeZone::default();
        let catalog = starter_catalog();
        let by = Name::parse("陈建国").unwrap();
        let zone = Zone::parse("B区防火柜").unwrap();
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let ms = |d: u32| {
            use chrono::TimeZone;
            chrono_tz::Asia::Shanghai
                .with_ymd_and_hms(2026, 11, d, 9, 0, 0)
                .unwrap()
                .timestamp_millis() as u64
        };
        let old = LotRef::new("hand-sanitiser", "OLD", Some(day(1))).unwrap();
        let soon = LotRef::new(
            "hand-sanitiser",
            "SOON",
            Some(day(28) + chrono::Duration::days(60)),
        )
        .unwrap();
        let receipts = [
            StockMovement::receipt(old.clone(), zone.clone(), 10, by.clone()),
            StockMovement::receipt(soon.clone(), zone.clone(), 1, by.clone()),
        ];
        let lines: Vec<Line> = receipts
            .iter()
            .map(|m| Line {
                hlc: Hlc {
                    wall: ms(1),
                    counter: 0,
                },
                by: &by,
                movement: m,
            })
            .collect();
        let stock = Stock::build(catalog.iter().map(|i| (Hlc::default(), i)), lines.clone());
        let g1 = ClassId::parse("g1c1").unwrap();
        let kits = class_kits(&stock, std::slice::from_ref(&g1), tz, day(20));
        let names: Vec<&str> = kits[0].gaps.iter().map(|g| g.item.id.as_str()).collect();
        assert_eq!(names.len(), 6, "{names:?}");
        assert!(kits[0].gaps.iter().all(|g| g.held == 0));
        let only_sanitiser = ClassKit {
            class: g1.clone(),
            gaps: kits[0]
                .gaps
                .iter()
                .filter(|g| g.item.id.as_str() == "hand-sanitiser")
                .cloned()
                .collect(),
        };
        let sign = Signature::parse("1,1 9,9").unwrap();
        let (issues, short) = make_up(
            &stock,
            &only_sanitiser,
            Name::parse("李红").unwrap(),
            sign.clone(),
            day(20),
        );
        // The expired lot is never used; the one that expires next is.
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].lot, soon);
        assert!(short.is_empty());
        // Issued on the 20th: held through the 7-day reserve, due again on the 27th.
        let issued = Line {
            hlc: Hlc {
                wall: ms(20),
                counter: 0,
            },
            by: &by,
            movement: &issues[0],
        };
        let mut with_issue = lines.clone();
        with_issue.push(issued);
        let stock = Stock::build(catalog.iter().map(|i| (Hlc::default(), i)), with_issue);
        let gaps = |d| {
            class_kits(&stock, std::slice::from_ref(&g1), tz, day(d))[0]
                .gaps
                .iter()
                .filter(|g| g.item.id.as_str() == "hand-sanitiser")
                .count()
        };
        assert_eq!(gaps(26), 0);
        assert_eq!(gaps(27), 1);
        // Nothing usable left: what can't be issued is said.
        let (issues, short) = make_up(
            &stock,
            &only_sanitiser,
            Name::parse("李红").unwrap(),
            sign,
            day(27),
        );
        assert!(issues.is_empty());
        assert_eq!(short[0].missing, 1);
    }
}
