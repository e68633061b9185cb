//! Identifiers of the sync protocol.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("a device id is 8 to 40 characters of a-z, 0-9 and '-'")]
    Device,
    #[error("unknown stream {0:?}")]
    Stream(String),
    #[error("sequence numbers start at 1")]
    Seq,
}

fn id_chars(raw: &str, extra: &[char]) -> bool {
    raw.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(&c))
}

/// A device (a phone's browser, the office PC's app) that writes operations. Chosen randomly
/// by the device on first start and kept in its storage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceId(String);

impl DeviceId {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        if (8..=40).contains(&raw.len()) && id_chars(raw, &['-']) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IdError::Device)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(DeviceId, IdError);

/// A partition of the school's operations by area: who may write and read them is decided
/// per stream, and within `health` per class (a teacher sees only their own classes' ops).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Stream {
    Health,
    Supplies,
    Drills,
    Notices,
    Directory,
}

impl Stream {
    pub const ALL: [Stream; 5] = [
        Stream::Health,
        Stream::Supplies,
        Stream::Drills,
        Stream::Notices,
        Stream::Directory,
    ];

    /// The stream's name in keys and on the wire.
    pub fn key(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::Supplies => "supplies",
            Self::Drills => "drills",
            Self::Notices => "notices",
            Self::Directory => "directory",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, IdError> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == raw)
            .ok_or_else(|| IdError::Stream(raw.chars().take(40).collect()))
    }
}

impl TryFrom<String> for Stream {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<Stream> for String {
    fn from(value: Stream) -> Self {
        value.key().to_owned()
    }
}
impl std::fmt::Display for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// A segment's number within its (device, stream): 1, 2, 3 … with no gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Seq(u32);

impl Seq {
    pub const FIRST: Seq = Seq(1);
    pub fn new(n: u32) -> Result<Self, IdError> {
        if n == 0 {
            Err(IdError::Seq)
        } else {
            Ok(Self(n))
        }
    }
    pub fn get(self) -> u32 {
        self.0
    }
    pub fn next(self) -> Seq {
        Seq(self.0.saturating_add(1))
    }
}

impl TryFrom<u32> for Seq {
    type Error = IdError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}
impl From<Seq> for u32 {
    fn from(value: Seq) -> Self {
        value.0
    }
}

/// An operation's identity: the k-th op of segment `seq` that `device` wrote to `stream`.
/// Globally unique without coordination, which is what makes applying twice harmless.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpId {
    pub device: DeviceId,
    pub stream: Stream,
    pub seq: Seq,
    pub k: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_round_trip() {
        for s in ["health", "supplies", "drills", "notices", "directory"] {
            assert_eq!(Stream::parse(s).unwrap().key(), s);
        }
        for bad in ["health.g3c2", "Health", "stock", ""] {
            assert!(Stream::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn device_ids_and_seqs() {
        assert!(DeviceId::parse("d-0123456789abcdef").is_ok());
        for bad in ["short", "UPPERCASE-device", "dev/ice-123", &"a".repeat(41)] {
            assert!(DeviceId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Seq::new(0).is_err());
        assert_eq!(Seq::FIRST.next().get(), 2);
        assert!(serde_json::from_str::<Seq>("0").is_err());
    }
}
