//! Emergency contacts (应急联系电话): who to call, shown publicly and in the app.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::{Name, TextError};

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("a phone number has 3 to 20 digits, optionally with +, - and spaces")]
    Malformed,
}

/// A dialable phone number: digits with optional `+`, `-` and spaces, so it can be put in a
/// `tel:` link without escaping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let text = raw.trim();
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let plus_only_first = text.chars().skip(1).all(|c| c != '+');
        let ok_chars = text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '+' || c == '-' || c == ' ');
        if (3..=20).contains(&digits) && ok_chars && plus_only_first && text.len() <= 30 {
            Ok(Self(text.to_owned()))
        } else {
            Err(PhoneError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as a `tel:` URI target: digits and a leading `+` only.
    pub fn dial(&self) -> String {
        self.0
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }
}

crate::text::validated_string!(Phone, PhoneError);

/// Who a contact is, so the page can say when to call them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// The school's own prevention office.
    School,
    /// Township clinic or hospital (乡镇卫生院).
    Clinic,
    /// Police station (派出所).
    Police,
    /// Government duty phone, nights and weekends (政府值班电话).
    GovernmentDuty,
}

/// One emergency contact as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyContact {
    pub kind: ContactKind,
    pub name: Name,
    pub phone: Phone,
}

impl EmergencyContact {
    pub fn new(kind: ContactKind, name: &str, phone: &str) -> Result<Self, ContactError> {
        Ok(Self {
            kind,
            name: Name::parse(name)?,
            phone: Phone::parse(phone)?,
        })
    }
}

/// Why an emergency contact was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContactError {
    #[error(transparent)]
    Name(#[from] TextError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse(" 0571-8888 1234 ").unwrap().dial(),
            "057188881234"
        );
        assert_eq!(Phone::parse("+86 110").unwrap().dial(), "+86110");
        for bad in ["", "12", "abc", "110; DROP", "1+10", &"1".repeat(21)] {
            assert!(Phone::parse(bad).is_err(), "{bad:?}");
        }
    }
}
