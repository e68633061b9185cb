//! The catalog's item form: what a person typed becomes an item, or the one thing to fix;
//! and a fresh id for a new item.

use super::catalog::{
    Category, DEFAULT_RESERVE_DAYS, DailyNorm, Hazard, Item, ItemId, MAX_PACK, MAX_RESERVE_DAYS,
    Unit, Zone,
};
use crate::text::Name;

/// What to fix on the item form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemProblem {
    Name,
    Unit,
    PackSize,
    Zone,
    /// Units per so many people a day: both whole numbers from 1, or both blank.
    Norm,
    ReserveDays,
    ClassKit,
}

/// An item as typed on the catalog form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemInput {
    pub name: String,
    pub category: Option<Category>,
    pub unit: String,
    pub pack_size: String,
    pub hazard: Option<Hazard>,
    pub zone: String,
    pub reusable: bool,
    pub norm_units: String,
    pub norm_people: String,
    pub reserve_days: String,
    pub class_kit: String,
    pub retired: bool,
}

impl ItemInput {
    /// The form filled in with an item, to edit it.
    pub fn of(item: &Item) -> Self {
        Self {
            name: item.name.to_string(),
            category: Some(item.category),
            unit: item.unit.to_string(),
            pack_size: item.pack_size.to_string(),
            hazard: Some(item.hazard),
            zone: item.zone.to_string(),
            reusable: item.reusable,
            norm_units: item.norm.map(|n| n.units.to_string()).unwrap_or_default(),
            norm_people: item
                .norm
                .map(|n| n.per_people.to_string())
                .unwrap_or_default(),
            reserve_days: item.reserve_days.to_string(),
            class_kit: item.class_kit.to_string(),
            retired: item.retired,
        }
    }

    /// The catalog entry for `id`: a new item's fresh id, or the edited item's own.
    pub fn item(&self, id: ItemId) -> Result<Item, ItemProblem> {
        let number = |raw: &str, min: u32, max: u32, problem| {
            raw.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or(problem)
        };
        let norm = match (self.norm_units.trim(), self.norm_people.trim()) {
            ("", "") => None,
            (units, people) => {
                let units = number(units, 1, u32::from(DailyNorm::MAX), ItemProblem::Norm)?;
                let people = if people.is_empty() {
                    1
                } else {
                    number(people, 1, u32::from(DailyNorm::MAX), ItemProblem::Norm)?
                };
                Some(DailyNorm {
                    units: u16::try_from(units).map_err(|_| ItemProblem::Norm)?,
                    per_people: u16::try_from(people).map_err(|_| ItemProblem::Norm)?,
                })
            }
        };
        let reserve_days = if self.reserve_days.trim().is_empty() {
            DEFAULT_RESERVE_DAYS
        } else {
            u16::try_from(number(
                &self.reserve_days,
                1,
                u32::from(MAX_RESERVE_DAYS),
                ItemProblem::ReserveDays,
            )?)
            .map_err(|_| ItemProblem::ReserveDays)?
        };
        let class_kit = if self.class_kit.trim().is_empty() {
            0
        } else {
            number(&self.class_kit, 0, MAX_PACK, ItemProblem::ClassKit)?
        };
        Ok(Item {
            id,
            name: Name::parse(&self.name).map_err(|_| ItemProblem::Name)?,
            category: self.category.unwrap_or(Category::Equipment),
            unit: Unit::parse(&self.unit).map_err(|_| ItemProblem::Unit)?,
            pack_size: number(&self.pack_size, 1, MAX_PACK, ItemProblem::PackSize)?,
            hazard: self.hazard.unwrap_or(Hazard::None),
            zone: Zone::parse(&self.zone).map_err(|_| ItemProblem::Zone)?,
            reusable: self.reusable,
            norm,
            reserve_days,
            class_kit,
            retired: self.retired,
            replaces: Vec::new(),
        })
    }
}

/// A fresh id for a new item, unlike any in `taken`: from the time it was made, as item
/// names are Chinese and ids are key-safe ASCII.
pub fn new_item_id(taken: impl Fn(&ItemId) -> bool, now_ms: u64) -> ItemId {
    ItemId(crate::text::fresh_id(
        "item",
        |id| taken(&ItemId(id.to_owned())),
        now_ms,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supplies::catalog::starter_catalog;

    #[test]
    fn the_item_form_round_trips_and_says_what_to_fix() {
        for item in starter_catalog() {
            assert_eq!(ItemInput::of(&item).item(item.id.clone()), Ok(item));
        }
        let mut input = ItemInput::of(&starter_catalog()[0]);
        input.norm_people = String::new();
        assert_eq!(
            input.item(ItemId::parse("x").unwrap()).unwrap().norm,
            Some(DailyNorm {
                units: 2,
                per_people: 1
            })
        );
        input.norm_units = String::new();
        assert_eq!(input.item(ItemId::parse("x").unwrap()).unwrap().norm, None);
        input.norm_people = "50".into();
        assert_eq!(
            input.item(ItemId::parse("x").unwrap()),
            Err(ItemProblem::Norm)
        );
        input.norm_people = String::new();
        for (field, problem) in [
            ("pack", ItemProblem::PackSize),
            ("reserve", ItemProblem::ReserveDays),
            ("kit", ItemProblem::ClassKit),
        ] {
            let mut bad = input.clone();
            match field {
                "pack" => bad.pack_size = "0".into(),
                "reserve" => bad.reserve_days = "366".into(),
                _ => bad.class_kit = "-1".into(),
            }
            assert_eq!(bad.item(ItemId::parse("x").unwrap()), Err(problem));
        }
        input.name = " ".into();
        assert_eq!(
            input.item(ItemId::parse("x").unwrap()),
            Err(ItemProblem::Name)
        );
        let first = new_item_id(|_| false, 1_795_392_000_000);
        assert!(ItemId::parse(first.as_str()).is_ok());
        assert_ne!(new_item_id(|id| *id == first, 1_795_392_000_000), first);
    }
}
