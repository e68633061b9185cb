//! The catalog: what the store keeps, in which unit and pack, how dangerous it is, where it
//! is stored, how much a person uses a day and how many days' reserve the school holds.

use serde::{Deserialize, Serialize};

use crate::refusals::OpInvalid;
use crate::sync::op::short_id;
use crate::sync::{Hlc, Stream, versions};
use crate::text::Name;

pub use super::item_input::{ItemInput, ItemProblem, new_item_id};

/// An item's id (`masks-surgical`): short and key-safe, chosen when it enters the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ItemId(pub(super) String);

impl ItemId {
    pub fn parse(raw: &str) -> Result<Self, OpInvalid> {
        short_id("item", raw).map(|()| Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(ItemId, OpInvalid);

/// A short label typed by a person (a unit, a storage zone, a lot number).
macro_rules! short_text {
    ($ty:ident, $field:literal, $max:literal) => {
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
        #[serde(try_from = "String", into = "String")]
        pub struct $ty(String);

        impl $ty {
            pub const MAX: usize = $max;
            pub fn parse(raw: &str) -> Result<Self, $crate::text::TextError> {
                $crate::text::bounded($field, raw, Self::MAX, false).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        $crate::text::validated_string!($ty, $crate::text::TextError);
    };
}
pub(crate) use short_text;

short_text!(Unit, "unit", 8);
short_text!(Zone, "zone", 20);

/// What kind of supply an item is: the office reads the stock by these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Masks,
    Gloves,
    Disinfectant,
    Alcohol,
    HandSanitiser,
    Thermometers,
    Medicine,
    Protective,
    Equipment,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Masks,
        Category::Gloves,
        Category::Disinfectant,
        Category::Alcohol,
        Category::HandSanitiser,
        Category::Thermometers,
        Category::Medicine,
        Category::Protective,
        Category::Equipment,
    ];
}

/// How an item must be stored and handled: 75% alcohol is flammable, chlorine disinfectant
/// (84 消毒液) and peracetic acid are corrosive. The handling note is each hazard's, in the
/// app's words, so every item of a hazard says the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hazard {
    None,
    Flammable,
    Corrosive,
}

impl Hazard {
    pub const ALL: [Hazard; 3] = [Hazard::None, Hazard::Flammable, Hazard::Corrosive];
}

/// How much one person uses a day, as units per so many people (masks: 2 per 1; a bottle of
/// hand sanitiser: 1 per 50), so no fraction is ever stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyNorm {
    pub units: u16,
    pub per_people: u16,
}

impl DailyNorm {
    pub const MAX: u16 = 10_000;

    pub fn new(units: u16, per_people: u16) -> Result<Self, OpInvalid> {
        let norm = Self { units, per_people };
        norm.validate()?;
        Ok(norm)
    }

    fn validate(&self) -> Result<(), OpInvalid> {
        if (1..=Self::MAX).contains(&self.units) && (1..=Self::MAX).contains(&self.per_people) {
            Ok(())
        } else {
            Err(OpInvalid::OutOfRange {
                what: "norm".into(),
                max: u32::from(Self::MAX),
            })
        }
    }

    /// Units a day for `people`, rounded up: a school never plans half a mask short.
    pub fn per_day(&self, people: u32) -> u64 {
        (u64::from(people) * u64::from(self.units)).div_ceil(u64::from(self.per_people))
    }
}

/// The reserve the school holds by default: one week of use (002 篇1).
pub const DEFAULT_RESERVE_DAYS: u16 = 7;
/// The longest reserve: a year.
pub const MAX_RESERVE_DAYS: u16 = 365;
/// The largest pack and the largest class kit quantity.
pub const MAX_PACK: u32 = 100_000;

/// A catalog entry. A later write of the same id replaces it; an item is never deleted,
/// only retired, so the ledger's lines keep their name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: ItemId,
    pub name: Name,
    pub category: Category,
    pub unit: Unit,
    /// Units in one pack (a box of 50): orders are in whole packs.
    pub pack_size: u32,
    pub hazard: Hazard,
    /// Where it is stored by default (receipts propose it).
    pub zone: Zone,
    /// Thermometers and sprayers are lent and come back; masks are used up.
    pub reusable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm: Option<DailyNorm>,
    /// Days of use the school keeps in reserve.
    pub reserve_days: u16,
    /// How many each class's standard kit holds (0: not in the kit).
    #[serde(default)]
    pub class_kit: u32,
    #[serde(default)]
    pub retired: bool,
    /// The versions this write was made over: the one the editor's form began from, and any
    /// other shown beside it as not kept. See [`crate::sync::versions`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<Hlc>,
}

impl Item {
    /// Checks the numbers and that it belongs in `stream` (its texts checked themselves as
    /// they were read).
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Supplies {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        let range = |what: &str, value: u32, min: u32, max: u32| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(OpInvalid::OutOfRange {
                    what: what.into(),
                    max,
                })
            }
        };
        range("pack_size", self.pack_size, 1, MAX_PACK)?;
        range("class_kit", self.class_kit, 0, MAX_PACK)?;
        range(
            "reserve_days",
            u32::from(self.reserve_days),
            1,
            u32::from(MAX_RESERVE_DAYS),
        )?;
        if let Some(norm) = &self.norm {
            norm.validate()?;
        }
        let replaced = u32::try_from(self.replaces.len()).unwrap_or(u32::MAX);
        range("replaces", replaced, 0, versions::MAX_REPLACES)?;
        Ok(())
    }
}

/// The starter catalog, from the schools' plans (002 篇1 and 篇6, 003 篇二): what a school's
/// store keeps, with the norms and reserves they name. Names are in Chinese, as the store's
/// labels are; the office edits or retires what it does not keep.
pub fn starter_catalog() -> Vec<Item> {
    let item = |id: &str,
                name: &str,
                category,
                unit: &str,
                pack_size,
                hazard,
                zone: &str,
                reusable,
                norm: Option<(u16, u16)>,
                reserve_days,
                class_kit| {
        Item {
            id: ItemId(id.to_owned()),
            name: Name::parse(name).unwrap_or_else(|_| unreachable!("a starter name fits")),
            category,
            unit: Unit(unit.to_owned()),
            pack_size,
            hazard,
            zone: Zone(zone.to_owned()),
            reusable,
            norm: norm.map(|(units, per_people)| DailyNorm { units, per_people }),
            reserve_days,
            class_kit,
            retired: false,
            replaces: Vec::new(),
        }
    };
    use Category as C;
    use Hazard as H;
    vec![
        // Masks 2 per person per day, 15 days (002 篇6).
        item(
            "masks-surgical",
            "医用外科口罩",
            C::Masks,
            "只",
            50,
            H::None,
            "A区货架",
            false,
            Some((2, 1)),
            15,
            100,
        ),
        item(
            "gloves",
            "一次性医用手套",
            C::Gloves,
            "副",
            100,
            H::None,
            "A区货架",
            false,
            Some((1, 20)),
            7,
            0,
        ),
        item(
            "disinfectant-84",
            "84消毒液",
            C::Disinfectant,
            "瓶",
            12,
            H::Corrosive,
            "C区防腐柜",
            false,
            Some((1, 100)),
            7,
            1,
        ),
        item(
            "peracetic-acid",
            "0.5%过氧乙酸",
            C::Disinfectant,
            "瓶",
            10,
            H::Corrosive,
            "C区防腐柜",
            false,
            None,
            7,
            0,
        ),
        item(
            "alcohol-75",
            "75%医用酒精",
            C::Alcohol,
            "瓶",
            20,
            H::Flammable,
            "B区防火柜",
            false,
            Some((1, 100)),
            7,
            0,
        ),
        item(
            "hand-sanitiser",
            "免洗手消毒液",
            C::HandSanitiser,
            "瓶",
            24,
            H::Flammable,
            "B区防火柜",
            false,
            Some((1, 50)),
            7,
            1,
        ),
        item(
            "forehead-thermometer",
            "额温枪",
            C::Thermometers,
            "把",
            1,
            H::None,
            "D区器械柜",
            true,
            None,
            7,
            1,
        ),
        item(
            "thermometer",
            "体温计",
            C::Thermometers,
            "支",
            10,
            H::None,
            "D区器械柜",
            true,
            None,
            7,
            1,
        ),
        item(
            "sprayer",
            "手持喷壶",
            C::Equipment,
            "个",
            1,
            H::None,
            "D区器械柜",
            true,
            None,
            7,
            1,
        ),
        item(
            "protective-suit",
            "医用防护服",
            C::Protective,
            "套",
            10,
            H::None,
            "A区货架",
            false,
            None,
            30,
            0,
        ),
        item(
            "fever-medicine",
            "退烧药（布洛芬）",
            C::Medicine,
            "盒",
            10,
            H::None,
            "E区药品柜",
            false,
            None,
            30,
            0,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_catalog_is_valid_and_has_the_class_kit() {
        let catalog = starter_catalog();
        for item in &catalog {
            assert_eq!(item.validate(&Stream::Supplies), Ok(()), "{}", item.id);
            let json = serde_json::to_string(item).unwrap();
            assert_eq!(serde_json::from_str::<Item>(&json).unwrap(), *item);
        }
        // 002 篇1: a forehead thermometer, a thermometer, hand sanitiser, disinfectant and a
        // sprayer per class.
        let kit: Vec<&str> = catalog
            .iter()
            .filter(|i| i.class_kit > 0)
            .map(|i| i.id.as_str())
            .collect();
        for needed in [
            "forehead-thermometer",
            "thermometer",
            "hand-sanitiser",
            "disinfectant-84",
            "sprayer",
        ] {
            assert!(kit.contains(&needed), "{needed}");
        }
    }

    #[test]
    fn norms_round_up_and_numbers_are_bounded() {
        assert_eq!(DailyNorm::new(2, 1).unwrap().per_day(250), 500);
        assert_eq!(DailyNorm::new(1, 50).unwrap().per_day(251), 6);
        assert!(DailyNorm::new(0, 1).is_err());
        assert!(DailyNorm::new(1, 0).is_err());
        let mut item = starter_catalog().remove(0);
        item.pack_size = 0;
        assert!(item.validate(&Stream::Supplies).is_err());
        item.pack_size = 50;
        item.reserve_days = 0;
        assert!(item.validate(&Stream::Supplies).is_err());
        item.reserve_days = 7;
        assert!(item.validate(&Stream::Drills).is_err());
        assert!(serde_json::from_str::<ItemId>("\"Masks!\"").is_err());
        assert!(serde_json::from_str::<Zone>("\"\"").is_err());
    }
}
