//! The supplies ledger's projections: on hand is the sum of the movements per lot and zone in
//! any arrival order; FEFO proposes the lot that expires first and never an expired one;
//! expiry is judged by the school's calendar day; days of cover and whole packs agree with
//! the arithmetic; two offline issues that overdraw a lot show as a discrepancy until counted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone};
use guardpost_domain::changes::Payload;
use guardpost_domain::refusals::OpInvalid;
use guardpost_domain::school::{ClassId, SchoolTimeZone};
use guardpost_domain::supplies::{
    ExpiryMark, Holder, LotRef, MovementKind, Overview, Recipient, Signature, StockMovement,
    Variance, Zone, check_issue, cover, starter_catalog,
};
use guardpost_domain::supplies::{IssueProblem, Line, Stock};
use guardpost_domain::sync::Hlc;
use guardpost_domain::text::Name;
use proptest::prelude::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Duration::days(i64::from(d))
}

fn hlc(wall: u64) -> Hlc {
    Hlc { wall, counter: 0 }
}

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn zone(s: &str) -> Zone {
    Zone::parse(s).unwrap()
}

fn issue(lot: LotRef, zone_name: &str, quantity: u32, class: &str) -> StockMovement {
    StockMovement {
        lot,
        zone: zone(zone_name),
        quantity,
        what: MovementKind::Issue {
            to: Recipient {
                holder: Holder::Class(ClassId::parse(class).unwrap()),
                person: name("李红"),
            },
            signature: Signature::parse("10,10 20,20;30,5 40,40").unwrap(),
            due: None,
        },
    }
}

/// A random movement of one of a few lots of masks and thermometers in two zones.
fn movement() -> impl Strategy<Value = StockMovement> {
    let lot = (0..2usize, 0..3usize, prop::option::of(0u32..60)).prop_map(|(item, lot, exp)| {
        LotRef::new(
            ["masks-surgical", "thermometer"][item],
            ["L1", "L2", "L3"][lot],
            exp.map(day),
        )
        .unwrap()
    });
    (lot, 0..2usize, 1u32..500, 0..5usize, any::<bool>()).prop_map(
        |(lot, z, quantity, kind, flag)| {
            let zones = ["A", "B"];
            let here = zone(zones[z]);
            let what = match kind {
                0 => MovementKind::Receipt {
                    supplier: name("某医疗器械公司"),
                },
                1 => return issue(lot, zones[z], quantity, "g1c1"),
                2 => MovementKind::Transfer {
                    to_zone: zone(zones[1 - z]),
                },
                3 => MovementKind::Disposal {
                    reason: guardpost_domain::supplies::DisposalReason::Damaged,
                    note: None,
                },
                _ => MovementKind::Adjustment {
                    gain: flag,
                    reason: Variance::Miscounted,
                },
            };
            StockMovement {
                lot,
                zone: here,
                quantity,
                what,
            }
        },
    )
}

/// The model: each movement adds to or takes from its zone; a transfer does both.
fn model(moves: &[StockMovement]) -> BTreeMap<(LotRef, Zone), i64> {
    let mut stock = BTreeMap::new();
    for m in moves {
        let q = i64::from(m.quantity);
        let mut add = |z: &Zone, d: i64| {
            *stock.entry((m.lot.clone(), z.clone())).or_insert(0) += d;
        };
        match &m.what {
            MovementKind::Receipt { .. } | MovementKind::Return { .. } => add(&m.zone, q),
            MovementKind::Issue { .. } | MovementKind::Disposal { .. } => add(&m.zone, -q),
            MovementKind::Transfer { to_zone } => {
                add(&m.zone, -q);
                add(to_zone, q);
            }
            MovementKind::Adjustment { gain, .. } => add(&m.zone, if *gain { q } else { -q }),
        }
    }
    stock
}

fn held(stock: &Stock) -> BTreeMap<(LotRef, Zone), i64> {
    stock
        .lots
        .values()
        .map(|l| ((l.lot.clone(), l.zone.clone()), l.on_hand))
        .collect()
}

proptest! {
    #[test]
    fn on_hand_is_the_sum_of_movements_in_any_arrival_order(
        (moves, arrived) in prop::collection::vec(movement(), 0..60).prop_flat_map(|moves| {
            let stamped: Vec<(u64, StockMovement)> =
                moves.iter().cloned().enumerate().map(|(i, m)| (1_000 + i as u64, m)).collect();
            (Just(moves), Just(stamped).prop_shuffle())
        }),
    ) {
        let by = name("陈建国");
        let lines = arrived.iter().map(|(wall, m)| Line { hlc: hlc(*wall), by: &by, movement: m });
        let stock = Stock::build([], lines);
        prop_assert_eq!(held(&stock), model(&moves));
        // The lines are read oldest first whatever the arrival order.
        let walls: Vec<u64> = stock.lines.iter().map(|l| l.hlc.wall).collect();
        prop_assert!(walls.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn fefo_proposes_the_first_to_expire_and_never_an_expired_lot(
        moves in prop::collection::vec(movement(), 0..60),
        today in 0u32..70,
    ) {
        let by = name("陈建国");
        let lines = moves.iter().enumerate().map(|(i, m)| Line { hlc: hlc(i as u64), by: &by, movement: m });
        let stock = Stock::build([], lines);
        let today = day(today);
        for item in ["masks-surgical", "thermometer"] {
            let id = guardpost_domain::supplies::ItemId::parse(item).unwrap();
            let eligible: Vec<_> = stock
                .lots_of(&id)
                .filter(|l| l.on_hand > 0 && l.lot.expires.is_none_or(|e| e >= today))
                .collect();
            match stock.fefo(&id, today) {
                None => prop_assert!(eligible.is_empty()),
                Some(chosen) => {
                    prop_assert!(chosen.on_hand > 0);
                    prop_assert!(!chosen.lot.expired_on(today));
                    // Nothing eligible expires before it; an undated lot only when no dated one is left.
                    for other in &eligible {
                        match (chosen.lot.expires, other.lot.expires) {
                            (Some(c), Some(o)) => prop_assert!(c <= o),
                            (None, Some(_)) => prop_assert!(false, "an undated lot before a dated one"),
                            _ => {}
                        }
                    }
                }
            }
            // The usable figure never counts an expired lot.
            let usable: i64 = eligible.iter().map(|l| l.on_hand).sum();
            prop_assert_eq!(stock.usable(&id, today), usable);
        }
    }

    #[test]
    fn cover_and_packs_agree_with_the_arithmetic(
        received in 0u32..20_000,
        students in 0u16..3_000,
        staff in 0u16..200,
    ) {
        let tz = SchoolTimeZone::default();
        let catalog = starter_catalog();
        let masks = &catalog[0];
        let receipt = StockMovement::receipt(
            LotRef::new("masks-surgical", "L1", Some(day(200))).unwrap(),
            zone("A"),
            received.max(1),
            name("某公司"),
        );
        let by = name("陈建国");
        let stock = Stock::build(
            [(hlc(0), masks)],
            [Line { hlc: hlc(1), by: &by, movement: &receipt }],
        );
        let people = u32::from(students) + u32::from(staff);
        let c = cover(&stock, masks, people, tz, day(1));
        let usable = i64::from(received.max(1));
        prop_assert_eq!(c.usable, usable);
        let need = u64::from(people) * 2;
        prop_assert_eq!(c.need_per_day, (need > 0).then_some(need));
        let target = need * u64::from(masks.reserve_days);
        prop_assert_eq!(c.shortfall, target.saturating_sub(usable as u64));
        let pack = u64::from(masks.pack_size);
        prop_assert!(c.packs * pack >= c.shortfall);
        prop_assert!(c.packs == 0 || (c.packs - 1) * pack < c.shortfall);
        if let Some(days) = c.days_by_norm {
            prop_assert!((days * need as f64 - usable as f64).abs() < 1e-6);
        }
    }
}

#[test]
fn expiry_is_judged_on_the_school_calendar_day() {
    let tz = SchoolTimeZone::default();
    let expires = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let lot = LotRef::new("masks-surgical", "20251201A", Some(expires)).unwrap();
    let payload = Payload::StockMovement(issue(lot.clone(), "A", 10, "g1c1"));
    let shanghai = chrono_tz::Asia::Shanghai;
    let at = |d: u32, h: u32, m: u32| {
        shanghai
            .with_ymd_and_hms(2026, 12, d, h, m, 0)
            .unwrap()
            .timestamp_millis() as u64
    };
    // Usable through its expiry day in the school's zone ...
    assert_eq!(payload.validate_date(tz, at(1, 23, 59)), Ok(()));
    // ... and refused from midnight there, though UTC is still on the 1st (16:00).
    let refused = payload.validate_date(tz, at(2, 0, 0));
    assert_eq!(
        refused,
        Err(OpInvalid::LotExpired {
            lot: "20251201A".into(),
            expires
        })
    );
    // Receipts, disposals and counts of an expired lot are still recorded.
    let disposal = Payload::StockMovement(StockMovement {
        lot: lot.clone(),
        zone: zone("A"),
        quantity: 10,
        what: MovementKind::Disposal {
            reason: guardpost_domain::supplies::DisposalReason::Expired,
            note: None,
        },
    });
    assert_eq!(disposal.validate_date(tz, at(9, 9, 0)), Ok(()));
    // Marks: 90 and 30 days ahead, and past.
    let today = NaiveDate::from_ymd_opt(2026, 9, 2).unwrap();
    assert_eq!(ExpiryMark::of(Some(expires), today), ExpiryMark::Within90);
    assert_eq!(
        ExpiryMark::of(Some(expires), today - chrono::Duration::days(1)),
        ExpiryMark::Fine
    );
    assert_eq!(
        ExpiryMark::of(Some(expires), expires - chrono::Duration::days(30)),
        ExpiryMark::Within30
    );
    assert_eq!(ExpiryMark::of(Some(expires), expires), ExpiryMark::Within30);
    assert_eq!(
        ExpiryMark::of(Some(expires), expires + chrono::Duration::days(1)),
        ExpiryMark::Expired
    );
    assert_eq!(ExpiryMark::of(None, expires), ExpiryMark::Fine);
}

#[test]
fn two_offline_issues_overdrawing_a_lot_show_until_a_count() {
    let catalog = starter_catalog();
    let lot = LotRef::new("masks-surgical", "L1", Some(day(100))).unwrap();
    let receipt = StockMovement::receipt(lot.clone(), zone("A"), 100, name("某公司"));
    let first = issue(lot.clone(), "A", 80, "g1c1");
    let second = issue(lot.clone(), "A", 70, "g2c1");
    let (a, b) = (name("陈建国"), name("王芳"));
    let lines = vec![
        Line {
            hlc: hlc(1),
            by: &a,
            movement: &receipt,
        },
        Line {
            hlc: hlc(2),
            by: &a,
            movement: &first,
        },
        Line {
            hlc: hlc(3),
            by: &b,
            movement: &second,
        },
    ];
    let stock = Stock::build([(hlc(0), &catalog[0])], lines.clone());
    let found = stock.discrepancies();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].on_hand, -50);
    // Named with both issues, who wrote them and to whom.
    let named: Vec<&Name> = found[0].out_since_count.iter().map(|l| l.by).collect();
    assert_eq!(named, vec![&a, &b]);
    // The form refuses what the device can see is not there.
    assert_eq!(
        check_issue(&stock, &lot, &zone("A"), 1, day(1)),
        Err(IssueProblem::MoreThanOnHand { on_hand: -50 })
    );
    // A stocktake that finds 3 left brings the lot to 3 and clears it.
    let count = StockMovement::adjustment(
        lot.clone(),
        zone("A"),
        53,
        true,
        Variance::UsedWithoutRecord,
    );
    let mut counted = lines;
    counted.push(Line {
        hlc: hlc(4),
        by: &a,
        movement: &count,
    });
    let stock = Stock::build([(hlc(0), &catalog[0])], counted);
    assert!(stock.discrepancies().is_empty());
    assert_eq!(stock.on_hand(&lot.item), 3);
    let mut overview = Overview::build(&stock, 100, SchoolTimeZone::default(), day(1));
    // 100 people × 2 a day × 15 days = 3,000 masks; 2,997 short is 60 boxes of 50.
    assert_eq!(overview.order[0].packs, 60);
    assert_eq!(overview.order[0].item.id.as_str(), "masks-surgical");
    // A drill's corrective action that needs 120 masks adds 3 boxes on a line of its own;
    // an item the catalog doesn't know adds nothing.
    let masks = overview.order[0].item.id.clone();
    let unknown = guardpost_domain::supplies::ItemId::parse("no-such-item").unwrap();
    overview.add_needs([
        (&masks, 120, "演练：备用口罩".to_owned()),
        (&unknown, 5, "x".to_owned()),
    ]);
    assert_eq!(overview.order.len(), 2);
    assert_eq!((overview.order[1].packs, overview.order[1].units), (3, 150));
    assert_eq!(overview.order[1].note.as_deref(), Some("演练：备用口罩"));
    let csv = guardpost_domain::supplies::cover::order_csv(
        &overview.order,
        ["item", "unit", "pack", "packs", "units", "short", "note"],
    );
    assert!(
        csv.lines().nth(2).unwrap().ends_with(",演练：备用口罩"),
        "{csv}"
    );
}

#[test]
fn an_expired_lot_cannot_be_picked_by_hand() {
    let catalog = starter_catalog();
    let old = LotRef::new("masks-surgical", "OLD", Some(day(5))).unwrap();
    let new = LotRef::new("masks-surgical", "NEW", Some(day(50))).unwrap();
    let r1 = StockMovement::receipt(old.clone(), zone("A"), 100, name("某公司"));
    let r2 = StockMovement::receipt(new.clone(), zone("A"), 100, name("某公司"));
    let by = name("陈建国");
    let stock = Stock::build(
        [(hlc(0), &catalog[0])],
        [
            Line {
                hlc: hlc(1),
                by: &by,
                movement: &r1,
            },
            Line {
                hlc: hlc(2),
                by: &by,
                movement: &r2,
            },
        ],
    );
    assert_eq!(stock.fefo(&old.item, day(5)).map(|l| l.lot), Some(&old));
    assert_eq!(stock.fefo(&old.item, day(6)).map(|l| l.lot), Some(&new));
    assert_eq!(
        check_issue(&stock, &old, &zone("A"), 1, day(6)),
        Err(IssueProblem::Expired {
            lot: "OLD".into(),
            expires: day(5)
        })
    );
    assert_eq!(check_issue(&stock, &new, &zone("A"), 100, day(6)), Ok(()));
    assert!(check_issue(&stock, &new, &zone("A"), 101, day(6)).is_err());
}

#[test]
fn an_item_edited_on_two_phones_offline_keeps_one_and_shows_the_other() {
    use guardpost_domain::supplies::{item_versions, stock_of};
    use guardpost_domain::sync::Stream;
    let first = starter_catalog().remove(0);
    let id = first.id.clone();
    let mut officer = first.clone();
    officer.pack_size = 20;
    officer.replaces = vec![hlc(1)];
    let mut principal = first.clone();
    principal.reserve_days = 30;
    principal.replaces = vec![hlc(1)];
    let (zhou, chen, wang) = (name("周校长"), name("陈建国"), name("王磊"));
    let writes = [
        (hlc(1), zhou.clone(), Payload::SupplyItem(first.clone())),
        (hlc(5), chen.clone(), Payload::SupplyItem(officer.clone())),
        (hlc(9), zhou.clone(), Payload::SupplyItem(principal.clone())),
    ];
    let view = |ws: &[(Hlc, Name, Payload)]| {
        let versions = item_versions(ws.iter().map(|(h, n, p)| (*h, n, p)));
        let v = versions.get(&id).unwrap();
        (
            v.current.record.clone(),
            v.unseen
                .iter()
                .map(|u| (u.at, u.by.to_string(), u.record.pack_size))
                .collect::<Vec<_>>(),
            v.replaced(),
        )
    };
    // The later write is kept on every device; the officer's, made alongside, is shown.
    let (kept, unseen, replaced) = view(&writes);
    assert_eq!(kept, principal);
    assert_eq!(unseen, vec![(hlc(5), "陈建国".to_owned(), 20)]);
    assert_eq!(replaced, vec![hlc(9), hlc(5)]);
    // In any order the same, and the stock's catalog holds the kept one.
    let mut shuffled = writes.to_vec();
    shuffled.reverse();
    assert_eq!(view(&shuffled).0, principal);
    let stock = stock_of(shuffled.iter().map(|(h, n, p)| (*h, n, p)));
    assert_eq!(stock.items.get(&id).map(|i| i.reserve_days), Some(30));
    // Saved again by someone who saw both: nothing is shown as not kept.
    let mut merged = principal.clone();
    merged.pack_size = 20;
    merged.replaces = replaced;
    let mut after = writes.to_vec();
    after.push((hlc(12), wang, Payload::SupplyItem(merged.clone())));
    let (kept, unseen, _) = view(&after);
    assert_eq!(kept, merged);
    assert!(unseen.is_empty());
    // A write naming more versions than a person could have seen is refused.
    let mut flood = first;
    flood.replaces = (0..33).map(hlc).collect();
    assert!(matches!(
        flood.validate(&Stream::Supplies),
        Err(OpInvalid::OutOfRange { .. })
    ));
}
