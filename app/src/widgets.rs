//! Small pieces shared by pages.

use guardpost_domain::sync::Payload;
use guardpost_domain::sync::op::{OpInvalid, Session};
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};

/// The name of a check of the day, in the person's language.
pub fn session_label(i18n: I18nContext<Locale>, session: Session) -> &'static str {
    match session {
        Session::Morning => t_string!(i18n, checkins.morning),
        Session::Noon => t_string!(i18n, checkins.noon),
        Session::Evening => t_string!(i18n, checkins.evening),
    }
}

/// A one-line description of a change, for lists of changes.
pub fn describe(i18n: I18nContext<Locale>, payload: &Payload) -> String {
    match payload {
        Payload::SessionCheck(c) => format!(
            "{} {} {} · {} {} · {} {} · {} {}",
            c.class,
            c.date,
            session_label(i18n, c.session),
            t_string!(i18n, checkins.present),
            c.present,
            t_string!(i18n, checkins.absent),
            c.absent,
            t_string!(i18n, checkins.fever),
            c.fever
        ),
        Payload::StockMovement(m) => format!("{} {:+}", m.item, m.delta),
        Payload::SetField(s) => format!("{} · {}", s.doc, s.field),
    }
}

/// Why a change is invalid, in the person's language.
pub fn invalid_text(i18n: I18nContext<Locale>, problem: &OpInvalid) -> &'static str {
    match problem {
        OpInvalid::WrongStream { .. }
        | OpInvalid::BadId { .. }
        | OpInvalid::TooManySupersedes { .. } => {
            t_string!(i18n, invalid.malformed)
        }
        OpInvalid::HeadcountTooLarge { .. } => t_string!(i18n, invalid.headcount),
        OpInvalid::FeverOverPresent => t_string!(i18n, invalid.fever),
        OpInvalid::QuantityOutOfRange { .. } => t_string!(i18n, invalid.quantity),
        OpInvalid::ValueTooLarge { .. } | OpInvalid::Text { .. } => t_string!(i18n, invalid.text),
        OpInvalid::Unreadable { .. } => t_string!(i18n, invalid.unreadable),
    }
}
