//! A class's identity.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a class id was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("a class id is 1 to 16 characters of a-z and 0-9")]
pub struct ClassIdError;

/// A class's id as used in streams and scopes (`g3c2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClassId(String);

impl ClassId {
    pub fn parse(raw: &str) -> Result<Self, ClassIdError> {
        let ok = (1..=16).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ClassIdError)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(ClassId, ClassIdError);
