//! Who a device acts for, and what that lets it write and read. The Worker enforces these on
//! every push and pull; the app uses the same functions to hide what a person can't do.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ids::{ClassId, DeviceId, Stream};
use super::op::{Op, Payload};
use crate::school::{Role, SchoolId};
use crate::text::Name;

/// What a device's bearer token grants. Stored in KV under the token's hash, never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceGrant {
    pub school: SchoolId,
    pub device: DeviceId,
    /// The person the device acts for; stamped on every op it writes.
    pub name: Name,
    pub role: Role,
    /// For teachers: the classes they are class teacher of.
    #[serde(default)]
    pub classes: Vec<ClassId>,
    /// Unix milliseconds after which the token is refused.
    pub expires_at_ms: u64,
}

/// Why a write or a read was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("a {role:?} may not write {stream}")]
    Write { role: Role, stream: String },
    #[error("a {role:?} may not read {stream}")]
    Read { role: Role, stream: String },
}

/// The hex SHA-256 of a bearer token: the KV key part under which its grant is kept, so a
/// leaked KV listing reveals no usable token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A bearer token as the app sends it: 32 to 128 URL-safe characters. Anything else is
/// refused before it is hashed or looked up.
pub fn token_well_formed(token: &str) -> bool {
    (32..=128).contains(&token.len())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl DeviceGrant {
    fn teaches(&self, class: &ClassId) -> bool {
        self.classes.contains(class)
    }

    /// Whether this device may write `payload` into `stream` (the payload's own fit to the
    /// stream is [`Payload::validate`]'s business).
    pub fn may_write(&self, stream: &Stream, payload: &Payload) -> Result<(), Denied> {
        let allowed = match (self.role, stream, payload) {
            (Role::Admin, _, _) => true,
            (Role::Teacher, Stream::Health, Payload::SessionCheck(check)) => {
                self.teaches(&check.class)
            }
            (Role::Health, Stream::Health, Payload::SessionCheck(_)) => true,
            (Role::Logistics, Stream::Supplies | Stream::Drills, _) => true,
            // Drafting notices is open to health and logistics; approval rules come with the
            // notices work, on top of this.
            (Role::Health | Role::Logistics, Stream::Notices, Payload::SetField(_)) => true,
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(Denied::Write {
                role: self.role,
                stream: stream.key().to_owned(),
            })
        }
    }

    /// Whether this device may receive (some of) the ops of `stream`; within `health`, a
    /// teacher receives only their classes' ops ([`Self::may_read_op`]).
    pub fn may_read(&self, stream: &Stream) -> Result<(), Denied> {
        let allowed = match (self.role, stream) {
            (Role::Admin, _) => true,
            (Role::Health, Stream::Supplies) => false,
            (Role::Health, _) => true,
            (Role::Teacher, Stream::Supplies) => false,
            (Role::Teacher, Stream::Health) => !self.classes.is_empty(),
            (Role::Logistics, Stream::Health) => false,
            (Role::Teacher | Role::Logistics, _) => true,
        };
        if allowed {
            Ok(())
        } else {
            Err(Denied::Read {
                role: self.role,
                stream: stream.key().to_owned(),
            })
        }
    }

    /// Whether this device may receive one op of a stream it may read.
    pub fn may_read_op(&self, op: &Op) -> bool {
        match (self.role, op.payload.class()) {
            (Role::Teacher, Some(class)) => self.teaches(class),
            _ => self.may_read(&op.id.stream).is_ok(),
        }
    }

    /// The streams this device reads.
    pub fn readable_streams(&self) -> Vec<Stream> {
        Stream::ALL
            .into_iter()
            .filter(|s| self.may_read(s).is_ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::op::{Session, SessionCheck};

    fn grant(role: Role, classes: &[&str]) -> DeviceGrant {
        DeviceGrant {
            school: SchoolId::parse("demo").unwrap(),
            device: DeviceId::parse("device-0001").unwrap(),
            name: Name::parse("李红").unwrap(),
            role,
            classes: classes.iter().map(|c| ClassId::parse(c).unwrap()).collect(),
            expires_at_ms: u64::MAX,
        }
    }

    #[test]
    fn teachers_write_and_read_only_their_classes() {
        let g1 = ClassId::parse("g1c1").unwrap();
        let check = Payload::SessionCheck(SessionCheck {
            class: g1,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            session: Session::Morning,
            present: 40,
            absent: 2,
            fever: 0,
        });
        let teacher = grant(Role::Teacher, &["g1c1"]);
        let other = grant(Role::Teacher, &["g3c2"]);
        assert!(teacher.may_write(&Stream::Health, &check).is_ok());
        assert!(other.may_write(&Stream::Health, &check).is_err());
        let op = Op {
            id: crate::sync::OpId {
                device: teacher.device.clone(),
                stream: Stream::Health,
                seq: crate::sync::Seq::FIRST,
                k: 0,
            },
            hlc: crate::sync::Hlc::default(),
            by: teacher.name.clone(),
            payload: check.clone(),
        };
        assert!(teacher.may_read_op(&op));
        assert!(!other.may_read_op(&op));
        assert!(grant(Role::Health, &[]).may_read_op(&op));
        assert!(!grant(Role::Logistics, &[]).may_read_op(&op));
        assert!(teacher.may_read(&Stream::Supplies).is_err());
        assert_eq!(
            teacher.readable_streams(),
            vec![
                Stream::Health,
                Stream::Drills,
                Stream::Notices,
                Stream::Directory
            ]
        );
        let logistics = grant(Role::Logistics, &[]);
        assert!(logistics.may_read(&Stream::Health).is_err());
        assert!(logistics.may_write(&Stream::Health, &check).is_err());
    }

    #[test]
    fn tokens() {
        assert_eq!(token_hash("abc").len(), 64);
        assert_ne!(token_hash("abc"), token_hash("abd"));
        assert!(token_well_formed(&"a".repeat(32)));
        assert!(!token_well_formed("short"));
        assert!(!token_well_formed(&format!("{}\n", "a".repeat(40))));
    }
}
