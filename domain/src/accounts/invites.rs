//! Single-use, expiring invite codes: an admin creates one for a person in the directory, the
//! person's phone redeems it once for a device token.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{DEVICE_RANDOM_BYTES, NewDevice, hex, invalid_code};
use crate::api::{ErrorCode, Refused};
use crate::school::{Role, SchoolId, SchoolProfile, StaffId};
use crate::text::Name;

/// Crockford's base 32: no I, L, O or U, so a code read aloud or off paper is typed right.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code: 60 random bits. At the most [`super::throttle`] lets one address
/// try, hitting any of a full school's pending codes would take it about 18 million years
/// (the arithmetic is in the README, "Security").
pub const CODE_CHARS: usize = 12;
/// How long an invite may live, in hours: from one hour to a week.
pub const MAX_INVITE_HOURS: u16 = 168;
pub const DEFAULT_INVITE_HOURS: u16 = 72;
/// The most random bytes a code needs.
pub const CODE_RANDOM_BYTES: usize = 8;

/// An invite code, normalized: 12 characters of Crockford base 32, shown as `ABCD-EFGH-JKMN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCode(String);

impl InviteCode {
    pub fn from_random(random: &[u8; CODE_RANDOM_BYTES]) -> Self {
        let bits = u64::from_be_bytes(*random);
        let code = (0..CODE_CHARS)
            .map(|i| {
                let index = (bits >> (i * 5)) & 0x1f;
                char::from(ALPHABET[usize::try_from(index).unwrap_or(0)])
            })
            .collect();
        Self(code)
    }

    /// Reads a code as a person typed it: case, spaces and dashes don't matter, and the
    /// letters O, I and L are read as the digits they look like.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() > 64 {
            return None;
        }
        let code: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        let valid = code.len() == CODE_CHARS && code.bytes().all(|b| ALPHABET.contains(&b));
        valid.then_some(Self(code))
    }

    /// The hex SHA-256 under which the invite is stored: KV never holds a usable code.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The code grouped in fours for reading and typing.
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// An invite as stored (under the code's hash) and listed (as the key's metadata).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    pub staff: StaffId,
    /// The person's name and role when the invite was made, for the admin's list.
    pub name: Name,
    pub role: Role,
    pub created_by: Name,
    pub created_at_ms: u64,
    pub expires_at_ms: u64,
}

/// `POST /api/v1/admin/invites`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInvite {
    pub staff: StaffId,
    #[serde(default = "default_hours")]
    pub hours: u16,
}

fn default_hours() -> u16 {
    DEFAULT_INVITE_HOURS
}

/// The answer to a created invite: the code, shown once, as text and as a QR code of the
/// link that opens the app's join page with the code filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCreated {
    pub id: String,
    pub code: String,
    pub link: String,
    /// The link as a QR code, an SVG document.
    pub qr_svg: String,
    pub invite: Invite,
}

/// One pending invite in the admin's list; `id` is the code's hash (enough to cancel it,
/// useless for joining).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteSummary {
    pub id: String,
    #[serde(flatten)]
    pub invite: Invite,
}

/// `POST /api/v1/admin/invites/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelInvite {
    pub id: String,
}

/// Whether `id` has the shape of an invite id (a hex SHA-256), before it goes into a key.
pub fn invite_id_well_formed(id: &str) -> bool {
    id.len() == 64
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Decides a new invite for a person in the directory.
pub fn create(
    req: &CreateInvite,
    directory: &SchoolProfile,
    created_by: &Name,
    now_ms: u64,
) -> Result<Invite, Refused> {
    if !(1..=MAX_INVITE_HOURS).contains(&req.hours) {
        return Err(Refused::new(
            ErrorCode::BadRequest,
            format!("an invite lasts 1 to {MAX_INVITE_HOURS} hours"),
        ));
    }
    let member = directory.staff_member(&req.staff).ok_or_else(|| {
        Refused::new(
            ErrorCode::BadRequest,
            format!("no one with staff id {} is in the directory", req.staff),
        )
    })?;
    Ok(Invite {
        staff: member.id.clone(),
        name: member.name.clone(),
        role: member.role,
        created_by: created_by.clone(),
        created_at_ms: now_ms,
        expires_at_ms: now_ms.saturating_add(u64::from(req.hours) * 3_600_000),
    })
}

/// Decides a redemption: the invite found under the code's hash must be live and its
/// person still in the directory. The caller deletes the invite when this succeeds.
pub fn redeem(
    invite: Option<Invite>,
    school: &SchoolId,
    directory: &SchoolProfile,
    label: Option<Name>,
    random: &[u8; DEVICE_RANDOM_BYTES],
    now_ms: u64,
) -> Result<NewDevice, Refused> {
    let invite = invite
        .filter(|i| i.expires_at_ms > now_ms)
        .ok_or_else(invalid_code)?;
    let member = directory.staff_member(&invite.staff).ok_or_else(|| {
        Refused::new(
            ErrorCode::InvalidCode,
            "the person this code was made for is no longer in the directory",
        )
    })?;
    Ok(NewDevice::for_member(school, member, label, random, now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn invite_for(staff: &str, now: u64) -> Invite {
        let demo = crate::demo::school();
        let admin = Name::parse("周校长").unwrap();
        let req = CreateInvite {
            staff: StaffId::parse(staff).unwrap(),
            hours: 1,
        };
        create(&req, &demo, &admin, now).unwrap()
    }

    #[test]
    fn codes_read_back_however_typed() {
        let code = InviteCode::from_random(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]);
        let shown = code.display();
        assert_eq!(shown.len(), 14);
        assert_eq!(InviteCode::parse(&shown), Some(code.clone()));
        assert_eq!(InviteCode::parse(&shown.to_lowercase()), Some(code.clone()));
        assert_eq!(
            InviteCode::parse(&format!(" {} ", shown.replace('-', " "))),
            Some(code)
        );
        assert_eq!(
            InviteCode::parse("oooo-iiii-llll").map(|c| c.display()),
            Some("0000-1111-1111".into())
        );
        for bad in [
            "",
            "ABCD-EFGH",
            "ABCD-EFGH-JKMU",
            "ABCD-EFGH-JKMNP",
            "ÄBCD-EFGH-JKMN",
        ] {
            assert_eq!(InviteCode::parse(bad), None, "{bad}");
        }
        assert!(invite_id_well_formed(
            &InviteCode::parse("0000-0000-0000").unwrap().hash()
        ));
    }

    #[test]
    fn invites_last_their_hours_and_name_the_person() {
        let invite = invite_for("s1", 1_000);
        assert_eq!(invite.expires_at_ms, 1_000 + 3_600_000);
        assert_eq!(invite.role, Role::Teacher);
        let demo = crate::demo::school();
        let admin = Name::parse("周校长").unwrap();
        for hours in [0, MAX_INVITE_HOURS + 1] {
            let req = CreateInvite {
                staff: StaffId::parse("s1").unwrap(),
                hours,
            };
            assert!(create(&req, &demo, &admin, 0).is_err());
        }
        let nobody = CreateInvite {
            staff: StaffId::parse("s99").unwrap(),
            hours: 1,
        };
        assert!(create(&nobody, &demo, &admin, 0).is_err());
    }

    #[test]
    fn redeeming_gives_the_directory_role_and_classes() {
        let demo = crate::demo::school();
        let random = [7; DEVICE_RANDOM_BYTES];
        let device = redeem(
            Some(invite_for("s2", 0)),
            &demo.id,
            &demo,
            None,
            &random,
            10,
        )
        .unwrap();
        assert_eq!(device.grant.role, Role::Teacher);
        assert_eq!(device.grant.classes, demo.staff[1].classes);
        let expired = redeem(
            Some(invite_for("s2", 0)),
            &demo.id,
            &demo,
            None,
            &random,
            3_600_000,
        );
        let unknown = redeem(None, &demo.id, &demo, None, &random, 10);
        assert_eq!(expired.unwrap_err(), unknown.unwrap_err());
        let mut gone = demo.clone();
        gone.staff.retain(|m| m.id.as_str() != "s2");
        let left = redeem(
            Some(invite_for("s2", 0)),
            &demo.id,
            &gone,
            None,
            &random,
            10,
        );
        assert_eq!(left.unwrap_err().code, ErrorCode::InvalidCode);
    }

    proptest! {
        #[test]
        fn every_random_code_round_trips(random in any::<[u8; CODE_RANDOM_BYTES]>()) {
            let code = InviteCode::from_random(&random);
            prop_assert_eq!(InviteCode::parse(&code.display()), Some(code));
        }

        #[test]
        fn parsing_any_text_never_panics(raw in ".{0,80}") {
            if let Some(code) = InviteCode::parse(&raw) {
                prop_assert_eq!(code.display().len(), 14);
            }
        }
    }
}
