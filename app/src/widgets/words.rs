//! The punctuation that joins words differs by language (a Chinese full-width colon and list
//! comma, an English colon and comma): every label, list and aside is joined here.

use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};

/// `label: value`, with the person's language's colon.
pub fn labelled(
    i18n: I18nContext<Locale>,
    label: impl std::fmt::Display,
    value: impl std::fmt::Display,
) -> String {
    format!("{label}{}{value}", t_string!(i18n, widgets.colon))
}

/// The items as one list, with the person's language's list comma.
pub fn listed<S: AsRef<str>>(i18n: I18nContext<Locale>, items: &[S]) -> String {
    let sep = t_string!(i18n, widgets.list_sep);
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// `text (aside)`, with the person's language's brackets.
pub fn aside(
    i18n: I18nContext<Locale>,
    text: impl std::fmt::Display,
    aside: impl std::fmt::Display,
) -> String {
    format!(
        "{text}{}{aside}{}",
        t_string!(i18n, widgets.open_paren),
        t_string!(i18n, widgets.close_paren)
    )
}
