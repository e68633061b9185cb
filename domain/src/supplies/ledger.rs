//! The ledger (台账): an append-only list of stock movements. A mistake is corrected by a
//! compensating entry, never by editing one; who wrote it and when is the op's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::catalog::{ItemId, Zone, short_text};
use crate::refusals::OpInvalid;
use crate::school::{ClassId, SchoolTimeZone};
use crate::sync::Stream;
use crate::text::{Name, TextError};

short_text!(LotCode, "lot", 32);

/// A lot of an item, named with its expiry date. The expiry is part of the lot's identity,
/// so an issue that names a lot also says when it expires, and the Worker can refuse an
/// expired lot without reading the ledger; an issue naming a wrong expiry names a lot that
/// was never received, which the stock shows as a discrepancy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotRef {
    pub item: ItemId,
    pub lot: LotCode,
    /// Reusable equipment (a forehead thermometer) has none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::dates::iso_opt"
    )]
    pub expires: Option<NaiveDate>,
}

impl LotRef {
    /// Whether the lot may no longer be used on `today` (it may on its expiry day).
    pub fn expired_on(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|e| e < today)
    }
}

/// Who received or returned something.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    Class(ClassId),
    Department(Name),
    /// A person on their own account (the school doctor's thermometer).
    Person,
}

/// The holder and the person who signed for it (谁签字、谁负责).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub holder: Holder,
    pub person: Name,
}

/// A hand-drawn signature as strokes of points on a 300 × 120 pad: `x,y x,y;x,y …`, which
/// an SVG polyline draws as it is. Captured on the issuer's device, offline.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Signature(String);

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("sign in the box: a signature needs a stroke")]
    Empty,
    #[error("the signature is too long: clear it and sign again")]
    TooLong,
    #[error("the signature is not in the form the pad draws")]
    Malformed,
}

impl Signature {
    pub const WIDTH: u16 = 300;
    pub const HEIGHT: u16 = 120;
    /// 4 KB: a segment of signed issues stays within the Worker's body limit.
    pub const MAX_BYTES: usize = 4_096;

    pub fn parse(raw: &str) -> Result<Self, SignatureError> {
        if raw.trim().is_empty() {
            return Err(SignatureError::Empty);
        }
        if raw.len() > Self::MAX_BYTES {
            return Err(SignatureError::TooLong);
        }
        let mut points = 0usize;
        for stroke in raw.split(';') {
            for point in stroke.split(' ') {
                let (x, y) = point.split_once(',').ok_or(SignatureError::Malformed)?;
                let coordinate = |v: &str, max: u16| {
                    v.parse::<u16>()
                        .ok()
                        .filter(|n| *n <= max && (v == "0" || !v.starts_with('0')))
                        .ok_or(SignatureError::Malformed)
                };
                coordinate(x, Self::WIDTH)?;
                coordinate(y, Self::HEIGHT)?;
                points += 1;
            }
        }
        if points < 2 {
            return Err(SignatureError::Empty);
        }
        Ok(Self(raw.to_owned()))
    }

    /// Each stroke's points, as an SVG polyline's `points` attribute.
    pub fn strokes(&self) -> impl Iterator<Item = &str> {
        self.0.split(';')
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(Signature, SignatureError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_strokes_on_the_pad() {
        assert_eq!(Signature::parse(""), Err(SignatureError::Empty));
        assert_eq!(Signature::parse("5,5"), Err(SignatureError::Empty));
        assert!(Signature::parse("5,5 6,7;0,0 300,120").is_ok());
        for bad in [
            "5,5 301,1",
            "5,5 1,121",
            "5,5  6,6",
            "5,5;",
            "a,b c,d",
            "05,5 6,6",
            "-1,5 6,6",
        ] {
            assert_eq!(
                Signature::parse(bad),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
        let long = vec!["100,100"; 600].join(" ");
        assert_eq!(Signature::parse(&long), Err(SignatureError::TooLong));
    }
}

/// Why stock is thrown away (报废).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalReason {
    Expired,
    Damaged,
    Other,
}

/// Why a count differs from the ledger (盘点差异原因), or why an entry is corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variance {
    Damaged,
    Expired,
    Miscounted,
    Lost,
    UsedWithoutRecord,
    /// A wrong entry corrected by this compensating one.
    EntryError,
}

impl Variance {
    pub const ALL: [Variance; 6] = [
        Variance::Damaged,
        Variance::Expired,
        Variance::Miscounted,
        Variance::Lost,
        Variance::UsedWithoutRecord,
        Variance::EntryError,
    ];
}

short_text!(Note, "note", 200);

/// What moved, and why.
///
/// Read through [`MovementFields`], the same JSON as one struct: serde's derive for an
/// internally tagged enum buffers the value and builds a reader per variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "MovementFields")]
pub enum MovementKind {
    /// 入库: from a supplier.
    Receipt { supplier: Name },
    /// 出库: to a class, department or person, who signs for it. Reusable items are lent
    /// until `due`.
    Issue {
        to: Recipient,
        signature: Signature,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
    },
    /// 归还: a reusable item back, signed by who returns it.
    Return {
        from: Recipient,
        signature: Signature,
    },
    /// 移库: to another storage zone.
    Transfer { to_zone: Zone },
    /// 报废.
    Disposal {
        reason: DisposalReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Note>,
    },
    /// 盘点调整 or a correction: stock found (`gain`) or missing.
    Adjustment { gain: bool, reason: Variance },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MovementFields {
    kind: MovementWord,
    supplier: Option<Name>,
    to: Option<Recipient>,
    from: Option<Recipient>,
    signature: Option<Signature>,
    #[serde(default, with = "crate::dates::iso_opt")]
    due: Option<NaiveDate>,
    to_zone: Option<Zone>,
    /// A disposal's or an adjustment's: read once the kind says which.
    reason: Option<String>,
    note: Option<Note>,
    gain: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum MovementWord {
    Receipt,
    Issue,
    Return,
    Transfer,
    Disposal,
    Adjustment,
}

impl TryFrom<MovementFields> for MovementKind {
    type Error = String;

    fn try_from(f: MovementFields) -> Result<Self, String> {
        use crate::refusals::need;
        fn reason<T: serde::de::DeserializeOwned>(v: Option<String>) -> Result<T, String> {
            use serde::de::IntoDeserializer;
            T::deserialize(need(v, "reason")?.into_deserializer())
                .map_err(|e: serde::de::value::Error| e.to_string())
        }
        let carried: &[&str] = match f.kind {
            MovementWord::Receipt => &["supplier"],
            MovementWord::Issue => &["to", "signature", "due"],
            MovementWord::Return => &["from", "signature"],
            MovementWord::Transfer => &["to_zone"],
            MovementWord::Disposal => &["reason", "note"],
            MovementWord::Adjustment => &["gain", "reason"],
        };
        let present = [
            ("supplier", f.supplier.is_some()),
            ("to", f.to.is_some()),
            ("from", f.from.is_some()),
            ("signature", f.signature.is_some()),
            ("due", f.due.is_some()),
            ("to_zone", f.to_zone.is_some()),
            ("reason", f.reason.is_some()),
            ("note", f.note.is_some()),
            ("gain", f.gain.is_some()),
        ];
        if let Some((field, _)) = present.iter().find(|(n, p)| *p && !carried.contains(n)) {
            return Err(format!("unknown field `{field}`"));
        }
        Ok(match f.kind {
            MovementWord::Receipt => Self::Receipt {
                supplier: need(f.supplier, "supplier")?,
            },
            MovementWord::Issue => Self::Issue {
                to: need(f.to, "to")?,
                signature: need(f.signature, "signature")?,
                due: f.due,
            },
            MovementWord::Return => Self::Return {
                from: need(f.from, "from")?,
                signature: need(f.signature, "signature")?,
            },
            MovementWord::Transfer => Self::Transfer {
                to_zone: need(f.to_zone, "to_zone")?,
            },
            MovementWord::Disposal => Self::Disposal {
                reason: reason(f.reason)?,
                note: f.note,
            },
            MovementWord::Adjustment => Self::Adjustment {
                gain: need(f.gain, "gain")?,
                reason: reason(f.reason)?,
            },
        })
    }
}

/// The most one movement moves.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// One line of the ledger (台账): a quantity of a lot in a zone, and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockMovement {
    pub lot: LotRef,
    /// Where it moved from (a receipt or a return: where it was put).
    pub zone: Zone,
    pub quantity: u32,
    pub what: MovementKind,
}

impl StockMovement {
    /// Checks the quantity and that it belongs in `stream`; the texts checked themselves as
    /// they were read.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Supplies {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        if !(1..=MAX_QUANTITY).contains(&self.quantity) {
            return Err(OpInvalid::QuantityOutOfRange {
                max: MAX_QUANTITY as i32,
            });
        }
        if let MovementKind::Transfer { to_zone } = &self.what
            && *to_zone == self.zone
        {
            return Err(OpInvalid::SameZone);
        }
        Ok(())
    }

    /// An issue of an expired lot is refused, judged on the day the issue was written (in the
    /// school's zone), so a retried segment gets the same verdict.
    pub fn validate_date(&self, tz: SchoolTimeZone, written_ms: u64) -> Result<(), OpInvalid> {
        if let MovementKind::Issue { .. } = self.what {
            let today = tz.date_at_ms(written_ms);
            if let Some(expires) = self.lot.expires.filter(|_| self.lot.expired_on(today)) {
                return Err(OpInvalid::LotExpired {
                    lot: self.lot.lot.to_string(),
                    expires,
                });
            }
        }
        Ok(())
    }

    /// How this movement changes its lot's stock in each zone it touches.
    pub fn deltas(&self) -> [(Option<&Zone>, i64); 2] {
        let q = i64::from(self.quantity);
        let here = Some(&self.zone);
        match &self.what {
            MovementKind::Receipt { .. } | MovementKind::Return { .. } => [(here, q), (None, 0)],
            MovementKind::Issue { .. } | MovementKind::Disposal { .. } => [(here, -q), (None, 0)],
            MovementKind::Transfer { to_zone } => [(here, -q), (Some(to_zone), q)],
            MovementKind::Adjustment { gain, .. } => {
                [(here, if *gain { q } else { -q }), (None, 0)]
            }
        }
    }
}

/// A note, or none if left blank.
pub fn optional_note(raw: &str) -> Result<Option<Note>, TextError> {
    crate::text::optional(raw, Note::parse)
}

impl StockMovement {
    /// A receipt of `quantity` of a lot into `zone` (the demo, the tests and the benches
    /// write ledgers with these).
    pub fn receipt(lot: LotRef, zone: Zone, quantity: u32, supplier: Name) -> Self {
        Self {
            lot,
            zone,
            quantity,
            what: MovementKind::Receipt { supplier },
        }
    }

    /// A count's correction of a lot in `zone`: found (`gain`) or missing.
    pub fn adjustment(
        lot: LotRef,
        zone: Zone,
        quantity: u32,
        gain: bool,
        reason: Variance,
    ) -> Self {
        Self {
            lot,
            zone,
            quantity,
            what: MovementKind::Adjustment { gain, reason },
        }
    }
}

impl LotRef {
    pub fn new(item: &str, lot: &str, expires: Option<NaiveDate>) -> Result<Self, OpInvalid> {
        Ok(Self {
            item: ItemId::parse(item)?,
            lot: LotCode::parse(lot)?,
            expires,
        })
    }
}
