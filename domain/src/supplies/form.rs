//! The receipt and issue forms: what a person typed becomes a ledger line, or the one thing
//! to fix. The app renders the fields and the problem; the rules are here.

use chrono::NaiveDate;

use super::catalog::{ItemId, Zone};
use super::cover::{IssueProblem, LotRow, check_issue};
use super::ledger::{
    Holder, LotCode, LotRef, MovementKind, Recipient, Signature, SignatureError, StockMovement,
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
        raw => Some(
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FormProblem::ExpiryNeeded)?,
        ),
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
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok(),
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
    lots.sort_by(|a, b| {
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
        issue_input.quantity = "501".into();
        assert!(matches!(
            issue(&stock, &issue_input, day(30)),
            Err(FormProblem::Issue(IssueProblem::MoreThanOnHand {
                on_hand: 500
            }))
        ));
    }
}
