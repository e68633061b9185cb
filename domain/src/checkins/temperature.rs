//! Body temperatures: kept in tenths of a degree Celsius, so 37.3 °C is exactly 373 and the
//! fever line is an integer comparison.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a temperature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemperatureError {
    #[error("a temperature is a number of degrees Celsius, like 36.8")]
    NotANumber,
    #[error("a body temperature is between 34.0 and 43.0 °C")]
    OutOfRange,
}

/// A measured body temperature, 34.0 to 43.0 °C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Temperature(u16);

impl Temperature {
    pub const MIN_TENTHS: u16 = 340;
    pub const MAX_TENTHS: u16 = 430;
    /// 37.3 °C: at or above this is a fever (DOMAIN.md, 003 篇一 §12).
    pub const FEVER_TENTHS: u16 = 373;

    pub fn from_tenths(tenths: u16) -> Result<Self, TemperatureError> {
        if (Self::MIN_TENTHS..=Self::MAX_TENTHS).contains(&tenths) {
            Ok(Self(tenths))
        } else {
            Err(TemperatureError::OutOfRange)
        }
    }

    /// Reads what a person typed: `37.5`, `37,5` or `37` (degrees Celsius, one decimal).
    pub fn parse(raw: &str) -> Result<Self, TemperatureError> {
        let text = raw.trim().replace(',', ".");
        let (whole, tenth) = match text.split_once('.') {
            Some((whole, tenth)) => (whole, tenth),
            None => (text.as_str(), "0"),
        };
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(tenth) || tenth.len() != 1 {
            return Err(TemperatureError::NotANumber);
        }
        let whole: u16 = whole.parse().map_err(|_| TemperatureError::NotANumber)?;
        let tenth: u16 = tenth.parse().map_err(|_| TemperatureError::NotANumber)?;
        Self::from_tenths(whole.saturating_mul(10).saturating_add(tenth))
    }

    pub fn tenths(self) -> u16 {
        self.0
    }

    pub fn is_fever(self) -> bool {
        self.0 >= Self::FEVER_TENTHS
    }
}

impl std::fmt::Display for Temperature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl TryFrom<u16> for Temperature {
    type Error = TemperatureError;
    fn try_from(value: u16) -> Result<Self, Self::Error> {
        Self::from_tenths(value)
    }
}

impl From<Temperature> for u16 {
    fn from(value: Temperature) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fever_starts_at_37_3() {
        assert!(!Temperature::parse("37.2").unwrap().is_fever());
        assert!(Temperature::parse("37.3").unwrap().is_fever());
        assert!(Temperature::parse(" 38,1 ").unwrap().is_fever());
        assert_eq!(Temperature::parse("37").unwrap().to_string(), "37.0");
    }

    #[test]
    fn out_of_range_and_garbage_are_clear_errors() {
        assert_eq!(Temperature::parse("45"), Err(TemperatureError::OutOfRange));
        assert_eq!(
            Temperature::parse("33.9"),
            Err(TemperatureError::OutOfRange)
        );
        assert_eq!(Temperature::parse("43.0").map(|t| t.tenths()), Ok(430));
        for bad in ["", "abc", "37.", ".5", "37.55", "-37", "3 7", "99999"] {
            assert_eq!(
                Temperature::parse(bad),
                Err(TemperatureError::NotANumber),
                "{bad}"
            );
        }
        assert!(serde_json::from_str::<Temperature>("450").is_err());
        assert_eq!(
            serde_json::from_str::<Temperature>("373")
                .unwrap()
                .to_string(),
            "37.3"
        );
    }

    proptest! {
        #[test]
        fn shown_temperatures_read_back(tenths in 340u16..=430) {
            let t = Temperature::from_tenths(tenths).unwrap();
            prop_assert_eq!(Temperature::parse(&t.to_string()), Ok(t));
        }
    }
}
