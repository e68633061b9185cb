//! Bounded text: every string a person types is trimmed and has a length limit, so a field
//! can't grow a KV value or a page without bound.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} contains control characters")]
    ControlCharacters { field: &'static str },
}

/// Trims `raw` and checks it is 1..=`max` characters without control characters
/// (newlines and tabs are allowed only when `multiline`).
pub fn bounded(
    field: &'static str,
    raw: &str,
    max: usize,
    multiline: bool,
) -> Result<String, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(TextError::Empty { field });
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong { field, max });
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t' || c == '\r');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(TextError::ControlCharacters { field });
    }
    Ok(text.to_owned())
}

/// A field a form may leave blank: nothing typed is `None`, and text that `parse` refuses
/// (too long, a control character) is its error, to show to the person, never dropped.
pub fn optional<T, E>(raw: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<Option<T>, E> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// The serde and display plumbing of a validated string newtype whose `parse(&str)` checks
/// it: deserializing goes through `parse`, so an invalid value can't enter from the wire.
macro_rules! validated_string {
    ($ty:ident, $err:ty) => {
        impl TryFrom<String> for $ty {
            type Error = $err;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use validated_string;

/// A one-line name (of a school, class, person or contact): at most 60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub const MAX: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("name", raw, Self::MAX, false).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(Name, TextError);

/// A fresh key-safe id `{prefix}-{base 36 of now_ms}` that `taken` does not hold: made from
/// the time, as names are Chinese and ids ASCII.
pub fn fresh_id(prefix: &str, taken: impl Fn(&str) -> bool, now_ms: u64) -> String {
    let mut n = now_ms;
    loop {
        let id = format!("{prefix}-{}", base36(n));
        if !taken(&id) {
            return id;
        }
        n = n.wrapping_add(1);
    }
}

/// A number in base 36 (0-9, a-z): short key-safe ids made from a time.
pub fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_optional_field_is_none_and_a_bad_one_is_refused_not_dropped() {
        fn name(raw: &str) -> Result<Option<String>, TextError> {
            optional(raw, Name::parse).map(|n| n.map(|n| n.to_string()))
        }
        assert_eq!(name("  "), Ok(None));
        assert_eq!(
            name(" 城关镇第一中心小学 "),
            Ok(Some("城关镇第一中心小学".to_owned()))
        );
        assert_eq!(
            name(&"校".repeat(Name::MAX + 1)),
            Err(TextError::TooLong {
                field: "name",
                max: Name::MAX
            })
        );
        assert!(name(&"校".repeat(Name::MAX)).is_ok_and(|n| n.is_some()));
    }

    #[test]
    fn trims_and_accepts_chinese() {
        assert_eq!(
            Name::parse("  城关第一小学 ").map(String::from),
            Ok("城关第一小学".into())
        );
    }

    #[test]
    fn refuses_empty_long_and_control() {
        assert_eq!(Name::parse("   "), Err(TextError::Empty { field: "name" }));
        let long = "校".repeat(Name::MAX + 1);
        assert_eq!(
            Name::parse(&long),
            Err(TextError::TooLong {
                field: "name",
                max: Name::MAX
            })
        );
        assert!(Name::parse(&"校".repeat(Name::MAX)).is_ok());
        assert_eq!(
            Name::parse("a\u{0}b"),
            Err(TextError::ControlCharacters { field: "name" })
        );
        assert_eq!(
            Name::parse("a\nb"),
            Err(TextError::ControlCharacters { field: "name" })
        );
        assert_eq!(bounded("body", "a\nb", 10, true), Ok("a\nb".into()));
    }

    #[test]
    fn deserializing_validates() {
        assert!(serde_json::from_str::<Name>("\"\"").is_err());
        assert!(serde_json::from_str::<Name>("\"三年级二班\"").is_ok());
    }
}
