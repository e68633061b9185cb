//! Who a device acts for, and what that lets it write and read. The Worker enforces these on
//! every push and pull; the app uses the same functions to hide what a person can't do.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ids::{DeviceId, Stream};
use super::op::{Change, Op, WriteRule};
use crate::school::{ClassId, Role, SchoolId, SchoolProfile, StaffId};
use crate::text::Name;

/// What a device's bearer token grants. Stored in KV under the token's hash, never the token.
///
/// `name`, `role` and `classes` are a copy of the directory entry of `staff` taken at
/// sign-in; the Worker refreshes them from the directory on every request
/// ([`Self::resolve`]), so a directory change takes effect on the person's devices at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceGrant {
    pub school: SchoolId,
    pub device: DeviceId,
    pub staff: StaffId,
    /// The person the device acts for; stamped on every op it writes.
    pub name: Name,
    pub role: Role,
    /// For teachers: the classes they are class teacher of.
    #[serde(default)]
    pub classes: Vec<ClassId>,
    /// What the device said it is when it joined ("Android · Chrome"), for the device list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Name>,
    #[serde(default)]
    pub created_at_ms: u64,
    /// Unix milliseconds after which the token is refused.
    pub expires_at_ms: u64,
    /// Set when an admin revoked the device; the token is refused from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at_ms: Option<u64>,
}

/// Why a write, a read or an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("a {role:?} may not write {stream}")]
    Write { role: Role, stream: String },
    #[error("a {role:?} may not read {stream}")]
    Read { role: Role, stream: String },
    #[error("a {role:?} may not {action}")]
    Action { role: Role, action: &'static str },
}

/// What an actor may try to do: every push op and every admin request is one of these, and
/// [`DeviceGrant::may`] is the one place that says yes or no.
#[derive(Debug, Clone, Copy)]
pub enum Operation<'a> {
    /// Append `payload` to `stream`.
    Write {
        stream: &'a Stream,
        payload: &'a dyn WriteRule,
    },
    /// Change classes, staff and who teaches which class.
    ManageDirectory,
    /// Create, list and cancel invite codes.
    ManageInvites,
    /// List devices and revoke them.
    ManageDevices,
}

impl Operation<'_> {
    fn describe(&self) -> &'static str {
        match self {
            Self::Write { .. } => "write",
            Self::ManageDirectory => "manage the directory",
            Self::ManageInvites => "manage invites",
            Self::ManageDevices => "manage devices",
        }
    }
}

/// Why a grant found for a token is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantRefused {
    #[error("this device was signed out by an administrator")]
    Revoked,
    #[error("this device's sign-in has expired")]
    Expired,
    #[error("the person this device signed in for is no longer in the school's directory")]
    NotInDirectory,
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
    /// The grant as it stands at `now_ms`: refused if revoked or expired, otherwise with the
    /// person's current name, role and classes from the directory.
    pub fn resolve(mut self, directory: &SchoolProfile, now_ms: u64) -> Result<Self, GrantRefused> {
        if self.revoked_at_ms.is_some() {
            return Err(GrantRefused::Revoked);
        }
        if self.expires_at_ms <= now_ms {
            return Err(GrantRefused::Expired);
        }
        let member = directory
            .staff_member(&self.staff)
            .ok_or(GrantRefused::NotInDirectory)?;
        self.name = member.name.clone();
        self.role = member.role;
        self.classes = member.classes.clone();
        Ok(self)
    }
}

impl Actor for DeviceGrant {
    fn role(&self) -> Role {
        self.role
    }

    fn teaches(&self, class: &ClassId) -> bool {
        self.classes.contains(class)
    }

    fn teaches_any(&self) -> bool {
        !self.classes.is_empty()
    }
}

/// Someone acting in the school: the Worker's view is a [`DeviceGrant`], the app's the
/// session the Worker told it. The permission rules are the provided methods, so both ends
/// decide the same way: the Worker to enforce, the app to hide what a person can't do.
pub trait Actor {
    fn role(&self) -> Role;
    /// Whether this person is class teacher of `class`.
    fn teaches(&self, class: &ClassId) -> bool;
    fn teaches_any(&self) -> bool;

    /// Whether this actor may do `operation`. Writes are checked per op; the payload's own
    /// fit to the stream is [`Change::validate`]'s business.
    fn may(&self, operation: Operation<'_>) -> Result<(), Denied> {
        let role = self.role();
        let allowed = match operation {
            Operation::Write { stream, payload } => {
                payload.may_write(role, *stream, &|class| self.teaches(class))
            }
            Operation::ManageDirectory | Operation::ManageInvites | Operation::ManageDevices => {
                role == Role::Admin
            }
        };
        match operation {
            _ if allowed => Ok(()),
            Operation::Write { stream, .. } => Err(Denied::Write {
                role,
                stream: stream.key().to_owned(),
            }),
            other => Err(Denied::Action {
                role,
                action: other.describe(),
            }),
        }
    }

    /// Whether this actor may receive (some of) the ops of `stream`; within `health` and
    /// `supplies`, a teacher receives only their classes' ops and, in supplies, the catalog
    /// ([`Self::may_read_op`]).
    fn may_read(&self, stream: &Stream) -> Result<(), Denied> {
        let role = self.role();
        let allowed = match (role, stream) {
            (Role::Admin, _) => true,
            (Role::Health, Stream::Supplies) => false,
            (Role::Health, _) => true,
            // Her classes' records, and in supplies her classes' kit and the catalog.
            (Role::Teacher, Stream::Health | Stream::Supplies) => self.teaches_any(),
            // Drills are planned, run and reviewed by the office, logistics and the doctor;
            // a class teacher's phone shows none, so it neither pulls nor stores them.
            (Role::Teacher, Stream::Drills) => false,
            (Role::Logistics, Stream::Health) => false,
            (Role::Teacher | Role::Logistics, _) => true,
        };
        if allowed {
            Ok(())
        } else {
            Err(Denied::Read {
                role,
                stream: stream.key().to_owned(),
            })
        }
    }

    /// Whether this actor may receive one op of a stream it may read.
    fn may_read_op<P: Change>(&self, op: &Op<P>) -> bool
    where
        Self: Sized,
    {
        match (self.role(), op.payload.class()) {
            (Role::Teacher, Some(class)) => self.teaches(class),
            // Other staff's own health reports are for the doctor and the office.
            (Role::Teacher, None) if op.id.stream == Stream::Health => false,
            // The store's own ledger is the office's; the catalog is everyone's.
            (Role::Teacher, None) if op.id.stream == Stream::Supplies => {
                op.payload.for_every_reader() && self.teaches_any()
            }
            _ => self.may_read(&op.id.stream).is_ok(),
        }
    }

    /// Whether [`Self::may_read_op`] lets through any op of a segment of `stream` whose ops
    /// concern `classes`, and also no class if `unclassed`: the same rule, from a summary.
    fn may_read_any(&self, stream: Stream, classes: &[ClassId], unclassed: bool) -> bool
    where
        Self: Sized,
    {
        match self.role() {
            Role::Teacher => {
                classes.iter().any(|class| self.teaches(class))
                    || (unclassed && stream != Stream::Health && self.may_read(&stream).is_ok())
            }
            _ => self.may_read(&stream).is_ok(),
        }
    }

    /// The streams this actor reads.
    fn readable_streams(&self) -> Vec<Stream> {
        Stream::ALL
            .into_iter()
            .filter(|s| self.may_read(s).is_ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(token_hash("abc").len(), 64);
        assert_ne!(token_hash("abc"), token_hash("abd"));
        assert!(token_well_formed(&"a".repeat(32)));
        assert!(!token_well_formed("short"));
        assert!(!token_well_formed(&format!("{}\n", "a".repeat(40))));
    }
}
