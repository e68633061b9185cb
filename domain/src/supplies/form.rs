//! The receipt and issue forms: what a person typed becomes a ledger line, or the one thing
//! to fix. The app renders the fields and the problem; the rules are here.

use chrono::NaiveDate;

use super::catalog::{ItemId, Zone};
use super::cover::{IssueProblem, Loan, LotRow, check_issue};
use super::ledger::{
    DisposalReason, Holder, LotCode, LotRef, MovementKind, Recipient, Signature, SignatureError,
    StockMovement, optional_note,
};
use super::stock::ExpiryMark;
use super::stock::Stock;
use crate::school::ClassId;
use crate::text::Name;

/// What to fix before a form can be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormProblem {
    Item,
    Lot,
    /// A used-up item's lot needs its expiry date.
    ExpiryNeeded,
    /// Receiving a lot that has already expired.
    AlreadyExpired,
    Quantity,
    Zone,
    Supplier,
    Person,
    Department,
    Class,
    Signature(SignatureError),
    Issue(IssueProblem),
    /// A disposal needs its reason.
    Reason,
    Note,
}

/// A receipt as typed.
#[derive(Debug, Clone, Default)]
pub struct ReceiptInput {
    pub item: String,
    pub lot: String,
    /// `yyyy-mm-dd` from a date field, or empty.
    pub expires: String,
    pub quantity: String,
    pub zone: String,
    pub supplier: String,
}

fn quantity(raw: &str) -> Result<u32, FormProblem> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|q| (1..=super::ledger::MAX_QUANTITY).contains(q))
        .ok_or(FormProblem::Quantity)
}

fn item<'s>(stock: &'s Stock, raw: &str) -> Result<&'s super::Item, FormProblem> {
    let id = ItemId::parse(raw).map_err(|_| FormProblem::Item)?;
    stock
        .items
        .get(&id)
        .copied()
        .filter(|i| !i.retired)
        .ok_or(FormProblem::Item)
}

/// A receipt (入库) of a lot, on `today`.
pub fn receipt(
    stock: &Stock,
    input: &ReceiptInput,
    today: NaiveDate,
) -> Result<StockMovement, FormProblem> {
    let item = item(stock, &input.item)?;
    let lot = LotCode::parse(&input.lot).map_err(|_| FormProblem::Lot)?;
    let expires = match input.expires.trim() {
        "" if item.reusable => None,
        "" => return Err(FormProblem::ExpiryNeeded),
        raw => Some(crate::dates::parse(raw).ok_or(FormProblem::ExpiryNeeded)?),
    };
    if expires.is_some_and(|e| e < today) {
        return Err(FormProblem::AlreadyExpired);
    }
    let quantity = quantity(&input.quantity)?;
    let zone = if input.zone.trim().is_empty() {
        item.zone.clone()
    } else {
        Zone::parse(&input.zone).map_err(|_| FormProblem::Zone)?
    };
    let supplier = Name::parse(&input.supplier).map_err(|_| FormProblem::Supplier)?;
    Ok(StockMovement {
        lot: LotRef {
            item: item.id.clone(),
            lot,
            expires,
        },
        zone,
        quantity,
        what: MovementKind::Receipt { supplier },
    })
}

/// To whom an issue goes, as the form's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HolderKind {
    #[default]
    Class,
    Department,
    Person,
}

/// An issue as typed: the lot picked (the FEFO proposal or another), and who signs.
#[derive(Debug, Clone, Default)]
pub struct IssueInput {
    pub lot: Option<(LotRef, Zone)>,
    pub quantity: String,
    pub holder: HolderKind,
    pub class: String,
    pub department: String,
    pub person: String,
    /// For reusable items: when it is due back, `yyyy-mm-dd` or empty.
    pub due: String,
    pub signature: String,
}

/// An issue (出库) on `today`: never of an expired lot, never more than the lot holds here.
pub fn issue(
    stock: &Stock,
    input: &IssueInput,
    today: NaiveDate,
) -> Result<StockMovement, FormProblem> {
    let (lot, zone) = input.lot.clone().ok_or(FormProblem::Lot)?;
    let item = item(stock, lot.item.as_str())?;
    let quantity = quantity(&input.quantity)?;
    check_issue(stock, &lot, &zone, quantity, today).map_err(FormProblem::Issue)?;
    let holder = match input.holder {
        HolderKind::Class => {
            Holder::Class(ClassId::parse(input.class.trim()).map_err(|_| FormProblem::Class)?)
        }
        HolderKind::Department => {
            Holder::Department(Name::parse(&input.department).map_err(|_| FormProblem::Department)?)
        }
        HolderKind::Person => Holder::Person,
    };
    let person = Name::parse(&input.person).map_err(|_| FormProblem::Person)?;
    let due = match input.due.trim() {
        "" => None,
        _ if !item.reusable => None,
        raw => crate::dates::parse(raw),
    };
    let signature = Signature::parse(&input.signature).map_err(FormProblem::Signature)?;
    Ok(StockMovement {
        lot,
        zone,
        quantity,
        what: MovementKind::Issue {
            to: Recipient { holder, person },
            signature,
            due,
        },
    })
}

/// A lot and zone picked on a form, with at most what it holds there.
fn from_lot(
    stock: &Stock,
    lot: &Option<(LotRef, Zone)>,
    raw_quantity: &str,
) -> Result<(LotRef, Zone, u32), FormProblem> {
    let (lot, zone) = lot.clone().ok_or(FormProblem::Lot)?;
    let quantity = quantity(raw_quantity)?;
    let on_hand = stock.lots.get(&(&lot, &zone)).map_or(0, |l| l.on_hand);
    if i64::from(quantity) > on_hand {
        return Err(FormProblem::Issue(IssueProblem::MoreThanOnHand { on_hand }));
    }
    Ok((lot, zone, quantity))
}

/// A disposal (报废) as typed: expired or damaged stock thrown away, with a reason.
#[derive(Debug, Clone, Default)]
pub struct DisposalInput {
    pub lot: Option<(LotRef, Zone)>,
    pub quantity: String,
    pub reason: Option<DisposalReason>,
    pub note: String,
}

pub fn disposal(stock: &Stock, input: &DisposalInput) -> Result<StockMovement, FormProblem> {
    let (lot, zone, quantity) = from_lot(stock, &input.lot, &input.quantity)?;
    let reason = input.reason.ok_or(FormProblem::Reason)?;
    let note = optional_note(&input.note).map_err(|_| FormProblem::Note)?;
    Ok(StockMovement {
        lot,
        zone,
        quantity,
        what: MovementKind::Disposal { reason, note },
    })
}

/// A transfer (移库) as typed: stock of a lot moved to another zone.
#[derive(Debug, Clone, Default)]
pub struct TransferInput {
    pub lot: Option<(LotRef, Zone)>,
    pub quantity: String,
    pub to_zone: String,
}

pub fn transfer(stock: &Stock, input: &TransferInput) -> Result<StockMovement, FormProblem> {
    let (lot, zone, quantity) = from_lot(stock, &input.lot, &input.quantity)?;
    let to_zone = Zone::parse(&input.to_zone).map_err(|_| FormProblem::Zone)?;
    if to_zone == zone {
        return Err(FormProblem::Zone);
    }
    Ok(StockMovement {
        lot,
        zone,
        quantity,
        what: MovementKind::Transfer { to_zone },
    })
}

/// A return (归还) of a reusable item on loan, signed by who brings it back. It goes back
/// to the lot and zone it was last issued from to that holder.
#[derive(Debug, Clone, Default)]
pub struct ReturnInput {
    pub quantity: String,
    pub person: String,
    pub signature: String,
}

pub fn return_of(
    stock: &Stock,
    loan: &Loan,
    input: &ReturnInput,
) -> Result<StockMovement, FormProblem> {
    let quantity = quantity(&input.quantity)?;
    if i64::from(quantity) > loan.quantity {
        return Err(FormProblem::Issue(IssueProblem::MoreThanOnHand {
            on_hand: loan.quantity,
        }));
    }
    let issued = stock
        .lines
        .iter()
        .rev()
        .find(|l| {
            l.movement.lot.item == loan.item.id
                && matches!(&l.movement.what, MovementKind::Issue { to, .. } if to.holder == loan.holder && to.person == loan.person)
        })
        .ok_or(FormProblem::Lot)?;
    let person = Name::parse(&input.person).map_err(|_| FormProblem::Person)?;
    let signature = Signature::parse(&input.signature).map_err(FormProblem::Signature)?;
    Ok(StockMovement {
        lot: issued.movement.lot.clone(),
        zone: issued.movement.zone.clone(),
        quantity,
        what: MovementKind::Return {
            from: Recipient {
                holder: loan.holder.clone(),
                person,
            },
            signature,
        },
    })
}

/// The lots an issue form offers for an item: those with stock, soonest expiry first
/// (expired ones listed, marked, so a person sees why they are not proposed), and the FEFO
/// proposal among them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssueChoices {
    pub lots: Vec<LotRow>,
    pub proposed: Option<usize>,
}

pub fn issue_choices(stock: &Stock, item: &str, today: NaiveDate) -> IssueChoices {
    let Ok(id) = ItemId::parse(item) else {
        return IssueChoices::default();
    };
    let mut lots: Vec<LotRow> = stock
        .lots_of(&id)
        .filter(|l| l.on_hand > 0)
        .map(|l| LotRow {
            lot: l.lot.clone(),
            zone: l.zone.clone(),
            on_hand: l.on_hand,
            mark: ExpiryMark::of(l.lot.expires, today),
        })
        .collect();
    crate::order::sort_by(&mut lots, |a, b| {
        (a.lot.expires.is_none(), a.lot.expires, &a.lot.lot, &a.zone).cmp(&(
            b.lot.expires.is_none(),
            b.lot.expires,
            &b.lot.lot,
            &b.zone,
        ))
    });
    let proposed = stock.fefo(&id, today).and_then(|f| {
        lots.iter()
            .position(|l| &l.lot == f.lot && &l.zone == f.zone)
    });
    IssueChoices { lots, proposed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supplies::{Line, starter_catalog};
    use crate::sync::Hlc;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_receipt_then_an_issue_from_the_forms() {
        let catalog = starter_catalog();
        let stock = Stock::build(catalog.iter().map(|i| (Hlc::default(), i)), []);
        let mut input = ReceiptInput {
            item: "masks-surgical".into(),
            lot: "20261101A".into(),
            expires: "2027-05-01".into(),
            quantity: "500".into(),
            zone: String::new(),
            supplier: "城关医药公司".into(),
        };
        let receipt = receipt(&stock, &input, day(30)).unwrap();
        assert_eq!(receipt.zone.as_str(), "A区货架");
        input.expires = String::new();
        assert_eq!(
            super::receipt(&stock, &input, day(30)),
            Err(FormProblem::ExpiryNeeded)
        );
        input.expires = "2026-11-29".into();
        assert_eq!(
            super::receipt(&stock, &input, day(30)),
            Err(FormProblem::AlreadyExpired)
        );
        input.expires = "2027-05-01".into();
        input.quantity = "0".into();
        assert_eq!(
            super::receipt(&stock, &input, day(30)),
            Err(FormProblem::Quantity)
        );

        let by = Name::parse("陈建国").unwrap();
        let stock = Stock::build(
            catalog.iter().map(|i| (Hlc::default(), i)),
            [Line {
                hlc: Hlc::default(),
                by: &by,
                movement: &receipt,
            }],
        );
        let lot = stock
            .fefo(&receipt.lot.item, day(30))
            .map(|l| (l.lot.clone(), l.zone.clone()));
        let mut issue_input = IssueInput {
            lot,
            quantity: "100".into(),
            class: "g1c1".into(),
            person: "李红".into(),
            signature: "1,1 5,5".into(),
            ..IssueInput::default()
        };
        assert!(issue(&stock, &issue_input, day(30)).is_ok());
        issue_input.signature = String::new();
        assert!(matches!(
            issue(&stock, &issue_input, day(30)),
            Err(FormProblem::Signature(_))
        ));
        issue_input.signature = "1,1 5,5".into();
        let mut thermometers = issue_input.clone();
        issue_input.quantity = "501".into();
        assert!(matches!(
            issue(&stock, &issue_input, day(30)),
            Err(FormProblem::Issue(IssueProblem::MoreThanOnHand {
                on_hand: 500
            }))
        ));

        // Disposal and transfer take at most what the lot holds there.
        let lot = thermometers.lot.clone();
        let dispose = |q: &str, reason| DisposalInput {
            lot: lot.clone(),
            quantity: q.into(),
            reason,
            note: String::new(),
        };
        assert!(disposal(&stock, &dispose("500", Some(DisposalReason::Damaged))).is_ok());
        assert_eq!(
            disposal(&stock, &dispose("5", None)),
            Err(FormProblem::Reason)
        );
        assert!(disposal(&stock, &dispose("501", Some(DisposalReason::Damaged))).is_err());
        let move_to = |z: &str| TransferInput {
            lot: lot.clone(),
            quantity: "10".into(),
            to_zone: z.into(),
        };
        assert!(transfer(&stock, &move_to("B区")).is_ok());
        assert_eq!(
            transfer(&stock, &move_to("A区货架")),
            Err(FormProblem::Zone)
        );

        // A reusable item lent to a class comes back to the lot it left, signed.
        let lot = LotRef::new("thermometer", "T1", None).unwrap();
        let zone = Zone::parse("D区").unwrap();
        let got = StockMovement::receipt(lot.clone(), zone.clone(), 10, by.clone());
        thermometers.lot = Some((lot.clone(), zone.clone()));
        thermometers.quantity = "2".into();
        let first = Line {
            hlc: Hlc::default(),
            by: &by,
            movement: &got,
        };
        let stock = Stock::build(catalog.iter().map(|i| (Hlc::default(), i)), [first]);
        let lent = issue(&stock, &thermometers, day(30)).unwrap();
        let second = Line {
            hlc: Hlc {
                wall: 1,
                counter: 0,
            },
            by: &by,
            movement: &lent,
        };
        let stock = Stock::build(catalog.iter().map(|i| (Hlc::default(), i)), [first, second]);
        let loans = crate::supplies::Overview::build(
            &stock,
            10,
            crate::school::SchoolTimeZone::default(),
            day(30),
        )
        .held_out;
        assert_eq!(loans.len(), 1);
        let back = ReturnInput {
            quantity: "2".into(),
            person: "李红".into(),
            signature: "1,1 5,5".into(),
        };
        let returned = return_of(&stock, &loans[0], &back).unwrap();
        assert_eq!((&returned.lot, &returned.zone), (&lot, &zone));
        let too_many = ReturnInput {
            quantity: "3".into(),
            ..back
        };
        assert!(return_of(&stock, &loans[0], &too_many).is_err());
    }
}
