//! A school's whole data as one file, and its restore into an empty namespace. The file is
//! JSON Lines: a header, then one line per KV entry (key, value, metadata) exactly as the
//! Worker stores it, so a restore gives equal projections on every device. The Worker checks
//! every entry it is asked to restore as carefully as a device's push: its key belongs to the
//! school and its value reads as what that key holds.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::accounts::DeviceIndex;
use crate::api::{ErrorCode, Refused};
use crate::notices::PublicBoard;
use crate::notices::publish::KeptEvent;
use crate::school::{SchoolId, SchoolProfile};
use crate::sync::auth::DeviceGrant;

/// The file format's version, in its header.
pub const FORMAT: u32 = 1;
/// Keys read per backup request: each is a KV read, within a Worker invocation's limits.
pub const PAGE_KEYS: usize = 100;
/// Entries per restore request (each a read and a write).
pub const RESTORE_ENTRIES: usize = 100;
/// A restore request's body.
pub const MAX_RESTORE_BODY_BYTES: usize = 8 * 1024 * 1024;
/// KV's own limits: a key of 512 bytes, metadata of 1,024 bytes of JSON.
pub const MAX_KEY_BYTES: usize = 512;
pub const MAX_METADATA_BYTES: usize = 1024;
/// The largest value a restore writes (a segment is far smaller).
pub const MAX_VALUE_BYTES: usize = 4 * 1024 * 1024;

/// The file's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: u32,
    pub school: SchoolId,
    pub taken_at_ms: u64,
    /// The Guardpost version that wrote it.
    pub version: String,
}

/// One KV entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub key: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

/// A page of a backup, as `GET /api/v1/admin/backup` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub header: Header,
    pub entries: Vec<Entry>,
    /// Where the next page starts; none after the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// `POST /api/v1/admin/restore`: entries for an empty namespace, with the setup code (the
/// school has no admin yet: restoring is setting it up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    pub setup_code: String,
    pub entries: Vec<Entry>,
}

/// What a restore request did: entries written, and entries already there with the same
/// value (a retried request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreAnswer {
    pub written: usize,
    pub unchanged: usize,
}

/// Why an entry can't be restored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    #[error("{key}: not one of this school's keys ({school})")]
    OtherSchool { key: String, school: SchoolId },
    #[error("{key}: not a key Guardpost writes")]
    UnknownKey { key: String },
    #[error("{key}: its value does not read as what this key holds: {detail}")]
    BadValue { key: String, detail: String },
    #[error("{key}: over KV's limits (key 512 bytes, metadata 1,024, value 4 MiB)")]
    TooLarge { key: String },
    #[error("the school is already set up here: a restore goes into an empty namespace")]
    NotEmpty,
    #[error("at most {RESTORE_ENTRIES} entries per request")]
    TooMany,
    #[error("the file is not a Guardpost backup of format {FORMAT}")]
    NotABackup,
    #[error("this backup is of school {found}, and this server serves {expected}")]
    WrongSchool { found: SchoolId, expected: SchoolId },
}

/// What a key of the school holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Profile,
    Board,
    Grant,
    DeviceIndex,
    Invite,
    SetupUsed,
    Segment,
    NoticeEvent,
}

fn kind(school: &SchoolId, key: &str) -> Result<Kind, Problem> {
    let Some(rest) = key.strip_prefix(&crate::keys::school_prefix(school)) else {
        return Err(Problem::OtherSchool {
            key: key.to_owned(),
            school: school.clone(),
        });
    };
    let kind = match rest {
        "profile" => Kind::Profile,
        "public" => Kind::Board,
        r if r.starts_with("device/") => Kind::Grant,
        r if r.starts_with("devices/") => Kind::DeviceIndex,
        r if r.starts_with("invite/") => Kind::Invite,
        r if r.starts_with("setup-used/") => Kind::SetupUsed,
        r if r.starts_with("seg/") => Kind::Segment,
        r if r.starts_with("notices/ev/") => Kind::NoticeEvent,
        _ => {
            return Err(Problem::UnknownKey {
                key: key.to_owned(),
            });
        }
    };
    Ok(kind)
}

/// Checks one entry for `school`: its key is the school's and one Guardpost writes, it is
/// within KV's limits, and its value reads as that key's type.
pub fn check(school: &SchoolId, entry: &Entry) -> Result<(), Problem> {
    let too_large = entry.key.len() > MAX_KEY_BYTES
        || entry.value.len() > MAX_VALUE_BYTES
        || entry
            .metadata
            .as_ref()
            .is_some_and(|m| m.to_string().len() > MAX_METADATA_BYTES);
    if too_large {
        return Err(Problem::TooLarge {
            key: entry.key.clone(),
        });
    }
    let bad = |detail: String| Problem::BadValue {
        key: entry.key.clone(),
        detail,
    };
    fn reads<T: serde::de::DeserializeOwned>(value: &str) -> Result<(), String> {
        serde_json::from_str::<T>(value)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
    match kind(school, &entry.key)? {
        Kind::Profile => reads::<SchoolProfile>(&entry.value),
        Kind::Board => reads::<PublicBoard>(&entry.value),
        Kind::Grant => reads::<DeviceGrant>(&entry.value),
        Kind::DeviceIndex => reads::<DeviceIndex>(&entry.value),
        Kind::Invite => reads::<crate::accounts::invites::Invite>(&entry.value),
        Kind::SetupUsed => entry
            .value
            .parse::<u64>()
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Kind::Segment => reads::<crate::changes::StoredSegment>(&entry.value),
        Kind::NoticeEvent => reads::<KeptEvent>(&entry.value),
    }
    .map_err(bad)
}

/// Whether a key goes into a backup: everything of the school's but invites, which are
/// single-use codes for a day or two (after a restore the office makes new ones), and the
/// sync snapshot, which the next compaction rebuilds from the segments.
pub fn kept(school: &SchoolId, key: &str) -> bool {
    !matches!(kind(school, key), Ok(Kind::Invite))
        && !key.starts_with(&crate::sync::snapshot::prefix(school))
}

/// Decides a restore request: the setup code is the configured one, the namespace has no
/// school yet, the request is within its size, and every entry checks. The same answer for
/// a retried request.
pub fn authorize_restore(
    request: &RestoreRequest,
    secret: Option<&str>,
    set_up: bool,
    school: &SchoolId,
) -> Result<(), Refused> {
    let Some(secret) = secret else {
        return Err(Refused::new(
            ErrorCode::Forbidden,
            "no setup code is configured on this server, so nothing can be restored",
        ));
    };
    if !super::setup_code_matches(&request.setup_code, secret) {
        return Err(Refused::new(
            ErrorCode::InvalidCode,
            "the setup code is not this server's",
        ));
    }
    let problem = if set_up {
        Some(Problem::NotEmpty)
    } else if request.entries.len() > RESTORE_ENTRIES {
        Some(Problem::TooMany)
    } else {
        request.entries.iter().find_map(|e| check(school, e).err())
    };
    match problem {
        None => Ok(()),
        Some(p) => {
            let code = match p {
                Problem::NotEmpty => ErrorCode::Conflict,
                Problem::TooMany => ErrorCode::TooLarge,
                _ => ErrorCode::BadRequest,
            };
            Err(Refused::new(code, p.to_string()))
        }
    }
}

/// Whether an entry is the school's profile: a restore writes it last, since a namespace
/// with a profile is no longer empty and takes no more restore requests.
pub fn is_profile(school: &SchoolId, entry: &Entry) -> bool {
    entry.key == crate::keys::profile(school)
}

/// The entries in the order a restore sends them: everything else, then the profile.
pub fn restore_order(school: &SchoolId, mut entries: Vec<Entry>) -> Vec<Entry> {
    crate::order::sort_by_key(&mut entries, |e| is_profile(school, e));
    entries
}

/// Reads a backup file: its header, then its entries; refuses one of another format or
/// another school.
pub fn read_file(text: &str, school: Option<&SchoolId>) -> Result<(Header, Vec<Entry>), Problem> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Header = lines
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or(Problem::NotABackup)?;
    if header.format != FORMAT {
        return Err(Problem::NotABackup);
    }
    if let Some(expected) = school
        && &header.school != expected
    {
        return Err(Problem::WrongSchool {
            found: header.school.clone(),
            expected: expected.clone(),
        });
    }
    let entries = lines
        .map(|l| serde_json::from_str::<Entry>(l).map_err(|_| Problem::NotABackup))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((header, entries))
}

/// A backup file's text: the header line, then one line per entry.
pub fn write_file(header: &Header, entries: &[Entry]) -> String {
    let mut out = serde_json::to_string(header).unwrap_or_default();
    out.push('\n');
    for e in entries {
        out.push_str(&serde_json::to_string(e).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, value: String) -> Entry {
        Entry {
            key: key.to_owned(),
            value,
            metadata: None,
        }
    }

    fn school() -> SchoolId {
        crate::demo::school().id
    }

    #[test]
    fn entries_are_checked_by_what_their_key_holds() {
        let s = school();
        let profile = entry(
            "v1/demo/profile",
            serde_json::to_string(&crate::demo::school()).unwrap(),
        );
        let board = entry(
            "v1/demo/public",
            serde_json::to_string(&crate::demo::public_board(crate::demo::seeded_at())).unwrap(),
        );
        assert_eq!(check(&s, &profile), Ok(()));
        assert_eq!(check(&s, &board), Ok(()));
        assert_eq!(
            check(&s, &entry("v1/demo/setup-used/ab", "17".into())),
            Ok(())
        );
        // A board where a profile goes, another school's key, a key Guardpost never writes,
        // and one over KV's limits are refused, naming the key.
        let misplaced = entry("v1/demo/profile", board.value.clone());
        assert!(matches!(
            check(&s, &misplaced),
            Err(Problem::BadValue { .. })
        ));
        assert!(matches!(
            check(&s, &entry("v1/other/profile", profile.value.clone())),
            Err(Problem::OtherSchool { .. })
        ));
        assert!(matches!(
            check(&s, &entry("v1/demo/secret", "x".into())),
            Err(Problem::UnknownKey { .. })
        ));
        let mut big = profile.clone();
        big.metadata = Some(serde_json::Value::String("m".repeat(MAX_METADATA_BYTES)));
        assert!(matches!(check(&s, &big), Err(Problem::TooLarge { .. })));
        assert!(!kept(&s, "v1/demo/invite/abc"));
        assert!(kept(&s, "v1/demo/profile"));
        assert!(!kept(&s, "v1/demo/snap/head"));
        // The profile goes last.
        let ordered = restore_order(&s, vec![profile.clone(), board.clone()]);
        assert!(is_profile(&s, &ordered[1]));
    }

    #[test]
    fn a_restore_needs_the_setup_code_and_an_empty_namespace() {
        let s = school();
        let req = |code: &str, entries: Vec<Entry>| RestoreRequest {
            setup_code: code.to_owned(),
            entries,
        };
        let good = entry("v1/demo/setup-used/ab", "1".into());
        let code = |r: Result<(), Refused>| r.err().map(|e| e.code);
        assert_eq!(
            code(authorize_restore(
                &req("secret-code-1", vec![good.clone()]),
                Some("secret-code-1"),
                false,
                &s
            )),
            None
        );
        assert_eq!(
            code(authorize_restore(
                &req("wrong", vec![good.clone()]),
                Some("secret-code-1"),
                false,
                &s
            )),
            Some(ErrorCode::InvalidCode)
        );
        assert_eq!(
            code(authorize_restore(
                &req("secret-code-1", vec![good.clone()]),
                None,
                false,
                &s
            )),
            Some(ErrorCode::Forbidden)
        );
        assert_eq!(
            code(authorize_restore(
                &req("secret-code-1", vec![good.clone()]),
                Some("secret-code-1"),
                true,
                &s
            )),
            Some(ErrorCode::Conflict)
        );
        assert_eq!(
            code(authorize_restore(
                &req("secret-code-1", vec![good.clone(); RESTORE_ENTRIES + 1]),
                Some("secret-code-1"),
                false,
                &s
            )),
            Some(ErrorCode::TooLarge)
        );
        let bad = entry("v1/demo/device/x", "{}".into());
        assert_eq!(
            code(authorize_restore(
                &req("secret-code-1", vec![good, bad]),
                Some("secret-code-1"),
                false,
                &s
            )),
            Some(ErrorCode::BadRequest)
        );
    }

    #[test]
    fn the_file_round_trips_and_names_its_school() {
        let s = school();
        let header = Header {
            format: FORMAT,
            school: s.clone(),
            taken_at_ms: 1,
            version: "0".into(),
        };
        let entries = vec![entry("v1/demo/setup-used/ab", "1".into())];
        let text = write_file(&header, &entries);
        assert_eq!(read_file(&text, Some(&s)), Ok((header, entries)));
        let other = SchoolId::parse("other").unwrap();
        assert!(matches!(
            read_file(&text, Some(&other)),
            Err(Problem::WrongSchool { .. })
        ));
        assert_eq!(read_file("not json", None), Err(Problem::NotABackup));
    }
}
