//! This area's words: categories, hazards and their handling, movements, expiry marks and
//! why a form can't be recorded, in the person's language.

use guardpost_domain::supplies::{Category, ExpiryMark, Hazard, Holder, MovementKind, Variance};
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};

pub fn category(i18n: I18nContext<Locale>, c: Category) -> &'static str {
    match c {
        Category::Masks => t_string!(i18n, supplies.cat_masks),
        Category::Gloves => t_string!(i18n, supplies.cat_gloves),
        Category::Disinfectant => t_string!(i18n, supplies.cat_disinfectant),
        Category::Alcohol => t_string!(i18n, supplies.cat_alcohol),
        Category::HandSanitiser => t_string!(i18n, supplies.cat_hand_sanitiser),
        Category::Thermometers => t_string!(i18n, supplies.cat_thermometers),
        Category::Medicine => t_string!(i18n, supplies.cat_medicine),
        Category::Protective => t_string!(i18n, supplies.cat_protective),
        Category::Equipment => t_string!(i18n, supplies.cat_equipment),
    }
}

pub fn hazard(i18n: I18nContext<Locale>, h: Hazard) -> &'static str {
    match h {
        Hazard::None => t_string!(i18n, supplies.hazard_none),
        Hazard::Flammable => t_string!(i18n, supplies.hazard_flammable),
        Hazard::Corrosive => t_string!(i18n, supplies.hazard_corrosive),
    }
}

/// How an item of this hazard is stored and handled; nothing for the harmless.
pub fn handling(i18n: I18nContext<Locale>, h: Hazard) -> Option<&'static str> {
    match h {
        Hazard::None => None,
        Hazard::Flammable => Some(t_string!(i18n, supplies.handle_flammable)),
        Hazard::Corrosive => Some(t_string!(i18n, supplies.handle_corrosive)),
    }
}

pub fn kind(i18n: I18nContext<Locale>, k: &MovementKind) -> &'static str {
    match k {
        MovementKind::Receipt { .. } => t_string!(i18n, supplies.k_receipt),
        MovementKind::Issue { .. } => t_string!(i18n, supplies.k_issue),
        MovementKind::Return { .. } => t_string!(i18n, supplies.k_return),
        MovementKind::Transfer { .. } => t_string!(i18n, supplies.k_transfer),
        MovementKind::Disposal { .. } => t_string!(i18n, supplies.k_disposal),
        MovementKind::Adjustment { .. } => t_string!(i18n, supplies.k_adjustment),
    }
}

pub fn variance(i18n: I18nContext<Locale>, v: Variance) -> &'static str {
    match v {
        Variance::Damaged => t_string!(i18n, supplies.v_damaged),
        Variance::Expired => t_string!(i18n, supplies.v_expired),
        Variance::Miscounted => t_string!(i18n, supplies.v_miscounted),
        Variance::Lost => t_string!(i18n, supplies.v_lost),
        Variance::UsedWithoutRecord => t_string!(i18n, supplies.v_unrecorded),
        Variance::EntryError => t_string!(i18n, supplies.v_entry_error),
    }
}

pub fn mark(i18n: I18nContext<Locale>, m: ExpiryMark) -> &'static str {
    match m {
        ExpiryMark::Fine => "",
        ExpiryMark::Within90 => t_string!(i18n, supplies.mark_within90),
        ExpiryMark::Within30 => t_string!(i18n, supplies.mark_within30),
        ExpiryMark::Expired => t_string!(i18n, supplies.mark_expired),
    }
}

/// The CSS class of a mark, so a flag reads as one at a glance.
pub fn mark_class(m: ExpiryMark) -> &'static str {
    match m {
        ExpiryMark::Fine => "mark",
        ExpiryMark::Within90 => "mark soon",
        ExpiryMark::Within30 => "mark near",
        ExpiryMark::Expired => "mark expired",
    }
}

/// Who holds something: the class's or department's name, or the person's own account.
pub fn holder(
    i18n: I18nContext<Locale>,
    h: &Holder,
    class_name: impl Fn(&str) -> String,
) -> String {
    match h {
        Holder::Class(c) => class_name(c.as_str()),
        Holder::Department(d) => d.to_string(),
        Holder::Person => t_string!(i18n, supplies.holder_person).to_owned(),
    }
}

/// A whole number of days, or a dash where nothing is used.
pub fn days(d: Option<f64>) -> String {
    d.map(|d| format!("{:.0}", d.floor()))
        .unwrap_or_else(|| "—".into())
}
