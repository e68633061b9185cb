//! Who belongs to the school and how a device joins it: the directory an admin edits, the
//! one-time setup code that creates the first admin, single-use invite codes, device tokens
//! and their revocation, and the throttle that makes guessing codes hopeless.
//!
//! Pure functions of what the Worker read from KV, the time and the random bytes it drew;
//! the Worker does the I/O ([`crate::sync::auth`] holds what a grant permits).

pub mod backup;
pub mod directory;
pub mod invites;
pub mod throttle;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::api::{ErrorCode, Refused};
use crate::school::{Role, SchoolId, SchoolProfile, SchoolTimeZone, StaffId, StaffMember};
use crate::sync::auth::DeviceGrant;
use crate::sync::ids::DeviceId;
use crate::text::Name;

/// How long a device stays signed in after joining: a school year and a little.
pub const DEVICE_TTL_MS: u64 = 400 * 86_400_000;
/// The most random bytes a new device needs: 32 for its token, 8 for its id.
pub const DEVICE_RANDOM_BYTES: usize = 40;

/// The largest body the join endpoints read.
pub const MAX_JOIN_BODY_BYTES: usize = 4 * 1024;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A newly joined device: the bearer token to hand over once, and the grant to store under
/// its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub token: String,
    pub grant: DeviceGrant,
}

impl NewDevice {
    /// A device for `member`, its token and id drawn from `random`.
    pub fn for_member(
        school: &SchoolId,
        member: &StaffMember,
        label: Option<Name>,
        random: &[u8; DEVICE_RANDOM_BYTES],
        now_ms: u64,
    ) -> Self {
        let (token, id) = random.split_at(32);
        let device = DeviceId::parse(&format!("d{}", hex(id)))
            .unwrap_or_else(|_| unreachable!("'d' and 16 hex digits is a device id"));
        Self {
            token: hex(token),
            grant: DeviceGrant {
                school: school.clone(),
                device,
                staff: member.id.clone(),
                name: member.name.clone(),
                role: member.role,
                classes: member.classes.clone(),
                label,
                created_at_ms: now_ms,
                expires_at_ms: now_ms.saturating_add(DEVICE_TTL_MS),
                revoked_at_ms: None,
            },
        }
    }
}

/// `POST /api/v1/auth/redeem`: a phone turns an invite code into a device token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    pub code: String,
    /// A short description of the device, for the admin's device list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Name>,
}

/// `POST /api/v1/auth/setup`: the first admin joins with the school's setup code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub code: String,
    /// The admin's own name, as the directory will list it.
    pub name: Name,
    /// The school's name: needed only when the school has no directory yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_name: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<SchoolTimeZone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Name>,
}

/// The answer to a redeemed invite or setup code: the device's token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    pub token: String,
    pub device: DeviceId,
}

/// The same refusal for an unknown, used or expired code, so a guesser learns nothing.
pub fn invalid_code() -> Refused {
    Refused::new(
        ErrorCode::InvalidCode,
        "this code is unknown, already used or expired",
    )
}

/// The hex SHA-256 of the setup secret: the part of the KV key that marks it used, so the
/// same secret works once and a rotated secret works once again.
pub fn setup_secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.trim().as_bytes()))
}

/// Whether `given` is the setup secret, compared in constant time (over digests, so the
/// length of the secret doesn't leak either).
pub fn setup_code_matches(given: &str, secret: &str) -> bool {
    let given = Sha256::digest(given.trim().as_bytes());
    let secret = Sha256::digest(secret.trim().as_bytes());
    given.ct_eq(&secret).into()
}

/// A setup secret is refused as a configuration error when shorter than this.
pub const MIN_SETUP_SECRET: usize = 16;

/// Decides a setup request: the code must match the configured secret, which must not have
/// been used. Adds the new admin to the directory (creating the directory if the school has
/// none) and returns the directory to store with the new device.
pub fn setup(
    req: SetupRequest,
    secret: Option<&str>,
    secret_used: bool,
    school: &SchoolId,
    directory: Option<SchoolProfile>,
    random: &[u8; DEVICE_RANDOM_BYTES],
    now_ms: u64,
) -> Result<(SchoolProfile, NewDevice), Refused> {
    let Some(secret) = secret.filter(|s| s.trim().len() >= MIN_SETUP_SECRET) else {
        return Err(Refused::new(
            ErrorCode::NotSeeded,
            format!(
                "no setup code is configured: set the SETUP_CODE secret (at least {MIN_SETUP_SECRET} characters)"
            ),
        ));
    };
    if req.code.len() > 256 || !setup_code_matches(&req.code, secret) || secret_used {
        return Err(invalid_code());
    }
    let mut directory = match directory {
        Some(directory) => directory,
        None => SchoolProfile {
            id: school.clone(),
            name: req.school_name.clone().ok_or_else(|| {
                Refused::new(
                    ErrorCode::BadRequest,
                    "the school has no directory yet: give the school's name",
                )
            })?,
            timezone: req.timezone.unwrap_or_default(),
            revision: 0,
            staff_seq: 0,
            class_seq: 0,
            checkins: crate::school::CheckinSettings::default(),
            classes: Vec::new(),
            staff: Vec::new(),
        },
    };
    let member = StaffMember {
        id: directory.next_staff_id(),
        name: req.name,
        role: Role::Admin,
        classes: Vec::new(),
    };
    directory.staff_seq = directory.staff_high_water().saturating_add(1);
    directory.staff.push(member.clone());
    directory.revision += 1;
    directory
        .validate()
        .map_err(|e| Refused::new(ErrorCode::BadRequest, e.to_string()))?;
    let device = NewDevice::for_member(school, &member, req.label, random, now_ms);
    Ok((directory, device))
}

/// One line of the admin's device list (also the KV listing metadata of the device index,
/// so the list costs one KV list and no reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSummary {
    pub device: DeviceId,
    pub staff: StaffId,
    pub name: Name,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Name>,
    pub created_at_ms: u64,
    pub expires_at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at_ms: Option<u64>,
}

impl DeviceSummary {
    pub fn of(grant: &DeviceGrant) -> Self {
        Self {
            device: grant.device.clone(),
            staff: grant.staff.clone(),
            name: grant.name.clone(),
            role: grant.role,
            label: grant.label.clone(),
            created_at_ms: grant.created_at_ms,
            expires_at_ms: grant.expires_at_ms,
            revoked_at_ms: grant.revoked_at_ms,
        }
    }
}

/// What the device index keeps per device: where its grant is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceIndex {
    pub token_hash: String,
}

/// `POST /api/v1/admin/devices/revoke`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    pub device: DeviceId,
}

/// Decides a revocation: marks the grant revoked, refusing the admin's own device (signing
/// yourself out here would leave no way back in from this device).
pub fn revoke(
    actor: &DeviceGrant,
    mut grant: DeviceGrant,
    now_ms: u64,
) -> Result<DeviceGrant, Refused> {
    if grant.device == actor.device {
        return Err(Refused::new(
            ErrorCode::BadRequest,
            "this is the device you are using; revoke it from another admin device",
        ));
    }
    if grant.revoked_at_ms.is_none() {
        grant.revoked_at_ms = Some(now_ms);
    }
    Ok(grant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(seed: u8) -> [u8; DEVICE_RANDOM_BYTES] {
        std::array::from_fn(|i| seed.wrapping_add(i as u8))
    }

    fn setup_req(code: &str) -> SetupRequest {
        SetupRequest {
            code: code.into(),
            name: Name::parse("周校长").unwrap(),
            school_name: Some(Name::parse("新学校").unwrap()),
            timezone: None,
            label: None,
        }
    }

    const SECRET: &str = "a-long-enough-setup-secret";

    #[test]
    fn setup_creates_the_first_admin_once() {
        let school = SchoolId::parse("new").unwrap();
        let (dir, device) = setup(
            setup_req(SECRET),
            Some(SECRET),
            false,
            &school,
            None,
            &random(1),
            5,
        )
        .unwrap();
        assert_eq!(dir.staff.len(), 1);
        assert_eq!(dir.staff[0].role, Role::Admin);
        assert_eq!(device.grant.role, Role::Admin);
        assert_eq!(device.grant.staff, dir.staff[0].id);
        assert_eq!(device.token.len(), 64);
        assert!(crate::sync::auth::token_well_formed(&device.token));
        assert_eq!(device.grant.expires_at_ms, 5 + DEVICE_TTL_MS);
        // Used: the same secret is refused, with the same answer as a wrong one.
        let used = setup(
            setup_req(SECRET),
            Some(SECRET),
            true,
            &school,
            None,
            &random(1),
            5,
        );
        let wrong = setup(
            setup_req("guess"),
            Some(SECRET),
            false,
            &school,
            None,
            &random(1),
            5,
        );
        assert_eq!(used.unwrap_err(), wrong.unwrap_err());
        // Not configured, or configured too short: a clear configuration error.
        let none = setup(setup_req(SECRET), None, false, &school, None, &random(1), 5);
        assert_eq!(none.unwrap_err().code, ErrorCode::NotSeeded);
        let short = setup(
            setup_req("short"),
            Some("short"),
            false,
            &school,
            None,
            &random(1),
            5,
        );
        assert_eq!(short.unwrap_err().code, ErrorCode::NotSeeded);
    }

    #[test]
    fn setup_joins_an_existing_directory() {
        let demo = crate::demo::school();
        let mut req = setup_req(SECRET);
        req.school_name = None;
        let (dir, device) = setup(
            req,
            Some(SECRET),
            false,
            &demo.id,
            Some(demo.clone()),
            &random(2),
            5,
        )
        .unwrap();
        assert_eq!(dir.staff.len(), demo.staff.len() + 1);
        assert_eq!(dir.revision, demo.revision + 1);
        assert_eq!(dir.name, demo.name);
        assert!(dir.staff_member(&device.grant.staff).is_some());
    }

    #[test]
    fn devices_get_distinct_tokens_and_ids() {
        let demo = crate::demo::school();
        let a = NewDevice::for_member(&demo.id, &demo.staff[0], None, &random(1), 0);
        let b = NewDevice::for_member(&demo.id, &demo.staff[0], None, &random(2), 0);
        assert_ne!(a.token, b.token);
        assert_ne!(a.grant.device, b.grant.device);
    }

    #[test]
    fn revoking_marks_once_and_spares_the_actor() {
        let demo = crate::demo::school();
        let admin = NewDevice::for_member(&demo.id, &demo.staff[5], None, &random(1), 0).grant;
        let phone = NewDevice::for_member(&demo.id, &demo.staff[0], None, &random(2), 0).grant;
        let revoked = revoke(&admin, phone, 10).unwrap();
        assert_eq!(revoked.revoked_at_ms, Some(10));
        assert_eq!(revoke(&admin, revoked, 20).unwrap().revoked_at_ms, Some(10));
        assert!(revoke(&admin, admin.clone(), 10).is_err());
    }
}
