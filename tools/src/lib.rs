//! Development tools around the domain crate.

use guardpost_domain::accounts::{DeviceIndex, DeviceSummary};
use guardpost_domain::school::{ClassId, Role, StaffId};
use guardpost_domain::sync::DeviceId;
use guardpost_domain::sync::auth::{DeviceGrant, token_hash};
use guardpost_domain::text::Name;
use guardpost_domain::{demo, keys};
use serde::Serialize;
use serde::de::Error as _;

pub mod term;
pub mod year;

/// One entry of `wrangler kv bulk put`'s input file.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct KvEntry {
    pub key: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

/// A demo device: the token `make dev` prints, so a person can sign the app in as one of
/// the demo staff. Known tokens are for the local demo only; real devices join by invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDevice {
    pub token: String,
    pub grant: DeviceGrant,
}

/// One demo device per demo staff member, valid for ten years from the seed.
pub fn demo_devices() -> Vec<DemoDevice> {
    let school = demo::school();
    let expires_at_ms =
        u64::try_from(demo::seeded_at().timestamp_millis()).unwrap_or(0) + 10 * 365 * 86_400_000;
    school
        .staff
        .iter()
        .enumerate()
        .filter_map(|(i, member)| {
            let role = match member.role {
                Role::Admin => "admin",
                Role::Health => "health",
                Role::Logistics => "logistics",
                Role::Teacher => "teacher",
            };
            let device = DeviceId::parse(&format!("demo-{role}-{i}")).ok()?;
            Some(DemoDevice {
                token: format!("demo-{role}-{i}-token-for-local-use-only"),
                grant: DeviceGrant {
                    school: school.id.clone(),
                    device,
                    staff: member.id.clone(),
                    name: member.name.clone(),
                    role: member.role,
                    classes: member.classes.clone(),
                    label: Name::parse(&format!("demo-{role}-{i}")).ok(),
                    created_at_ms: expires_at_ms.saturating_sub(10 * 365 * 86_400_000),
                    expires_at_ms,
                    revoked_at_ms: None,
                },
            })
        })
        .collect()
}

/// A device of the demo school that wrote past segments (a generated term or year): it
/// never signs in, so it has no label and no expiry.
pub fn writer(
    device: &str,
    staff: StaffId,
    name: Name,
    role: Role,
    classes: Vec<ClassId>,
) -> Result<DeviceGrant, String> {
    Ok(DeviceGrant {
        school: demo::school().id,
        device: DeviceId::parse(device).map_err(|e| e.to_string())?,
        staff,
        name,
        role,
        classes,
        label: None,
        created_at_ms: 0,
        expires_at_ms: u64::MAX,
        revoked_at_ms: None,
    })
}

/// A segment of the demo admin's device on the seed day, exactly as the Worker would have
/// stored it.
fn demo_segment(
    stream: guardpost_domain::sync::Stream,
    payloads: Vec<guardpost_domain::changes::Payload>,
) -> Result<(KvEntry, guardpost_domain::changes::StoredSegment), String> {
    let admin = demo_devices()
        .into_iter()
        .find(|d| d.grant.role == Role::Admin)
        .ok_or("the demo has no admin")?;
    let at = u64::try_from(demo::seeded_at().timestamp_millis()).map_err(|e| e.to_string())?;
    segment_entry(&admin.grant, stream, 1, at, payloads)
}

/// One segment of `grant`'s device received at `at_ms`, exactly as the Worker stores it
/// (every op accepted, or an error naming the refusal).
pub(crate) fn segment_entry(
    grant: &DeviceGrant,
    stream: guardpost_domain::sync::Stream,
    seq: u32,
    at_ms: u64,
    payloads: Vec<guardpost_domain::changes::Payload>,
) -> Result<(KvEntry, guardpost_domain::changes::StoredSegment), String> {
    use guardpost_domain::changes::{OpDraft, PushRequest, SegmentMeta};
    use guardpost_domain::sync::segment::{self, Day};
    use guardpost_domain::sync::server::accept_push;
    use guardpost_domain::sync::{Hlc, Seq};

    let school = demo::school();
    let ops = payloads
        .into_iter()
        .enumerate()
        .map(|(i, payload)| {
            Ok(OpDraft {
                hlc: Hlc {
                    wall: at_ms,
                    counter: u32::try_from(i).map_err(|e| e.to_string())?,
                },
                payload,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let seq = Seq::new(seq).map_err(|e| e.to_string())?;
    let request = PushRequest {
        protocol: guardpost_domain::api::PROTOCOL_VERSION,
        stream,
        seq,
        ops,
    };
    let stored = accept_push(grant, request, school.timezone, at_ms).map_err(|r| r.message)?;
    if !stored.rejected.is_empty() {
        return Err(format!("{stream} refused: {:?}", stored.rejected));
    }
    let entry = KvEntry {
        key: segment::key(&school.id, Day::of_ms(at_ms), stream, &grant.device, seq),
        value: serde_json::to_string(&stored).map_err(|e| e.to_string())?,
        metadata: Some(serde_json::to_value(SegmentMeta::of(&stored)).map_err(|e| e.to_string())?),
    };
    Ok((entry, stored))
}

/// The demo classes' student lists, as the office would have imported them on the seed day:
/// one segment of the admin's device in the `health` stream.
pub fn demo_roster() -> Result<KvEntry, String> {
    use guardpost_domain::changes::Payload;
    use guardpost_domain::checkins::{Student, StudentNumber};

    const GIVEN: [&str; 8] = [
        "小明", "小红", "子涵", "浩然", "欣怡", "梓轩", "雨桐", "宇航",
    ];
    const FAMILY: [&str; 6] = ["张", "李", "王", "刘", "陈", "杨"];
    let school = demo::school();
    let mut students = Vec::new();
    for (c, class) in school.classes.iter().enumerate() {
        for i in 0..8usize {
            let name = format!(
                "{}{}",
                FAMILY[(i + c) % FAMILY.len()],
                GIVEN[(i * 3 + c) % GIVEN.len()]
            );
            let number = format!("2026{}{:02}", c + 1, i + 1);
            let student = Student::new(
                class.id.clone(),
                Name::parse(&name).map_err(|e| e.to_string())?,
                StudentNumber::parse(&number).map_err(|e| e.to_string())?,
                class.boarding,
            );
            students.push(Payload::Student(student));
        }
    }
    demo_segment(guardpost_domain::sync::Stream::Health, students).map(|(entry, _)| entry)
}

/// The demo's emergency contacts as the office entered them on the seed day: a segment of
/// the notices stream (so the app lists them to edit), and the copies the Worker keeps for
/// the public board.
pub fn demo_contacts() -> Result<Vec<KvEntry>, String> {
    use guardpost_domain::changes::Payload;
    use guardpost_domain::notices::publish::{self, Kept, KeptEvent};

    let school = demo::school();
    let (segment, stored) = demo_segment(
        guardpost_domain::sync::Stream::Notices,
        demo::contacts().into_iter().map(Payload::Contact).collect(),
    )?;
    let mut entries = vec![segment];
    for op in stored.ops {
        if let Payload::Contact(contact) = op.payload {
            let kept = KeptEvent {
                id: op.id,
                hlc: op.hlc,
                by: op.by,
                event: Kept::Contact(contact),
            };
            entries.push(KvEntry {
                key: publish::event_key(&school.id, &kept),
                value: serde_json::to_string(&kept).map_err(|e| e.to_string())?,
                metadata: None,
            });
        }
    }
    Ok(entries)
}

/// The demo school's KV entries: its profile, its public board and the demo devices' grants.
/// The same bytes every time, so seeding is idempotent.
pub fn demo_seed() -> Result<Vec<KvEntry>, serde_json::Error> {
    let school = demo::school();
    let mut entries = vec![
        KvEntry {
            key: keys::profile(&school.id),
            value: serde_json::to_string(&school)?,
            metadata: None,
        },
        KvEntry {
            key: keys::public_board(&school.id),
            value: serde_json::to_string(&demo::public_board(demo::seeded_at()))?,
            metadata: None,
        },
    ];
    for device in demo_devices() {
        let hash = token_hash(&device.token);
        entries.push(KvEntry {
            key: keys::device_grant(&school.id, &hash),
            value: serde_json::to_string(&device.grant)?,
            metadata: None,
        });
        entries.push(KvEntry {
            key: keys::device_index(&school.id, &device.grant.device),
            value: serde_json::to_string(&DeviceIndex { token_hash: hash })?,
            metadata: Some(serde_json::to_value(DeviceSummary::of(&device.grant))?),
        });
    }
    entries.push(demo_roster().map_err(serde_json::Error::custom)?);
    entries.extend(demo_contacts().map_err(serde_json::Error::custom)?);
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_deterministic_and_tenant_scoped() {
        let a = demo_seed().unwrap();
        assert_eq!(a, demo_seed().unwrap());
        assert!(a.iter().all(|e| e.key.starts_with("v1/demo/")));
        let devices = demo_devices();
        assert_eq!(devices.len(), guardpost_domain::demo::school().staff.len());
        assert!(
            devices
                .iter()
                .all(|d| guardpost_domain::sync::auth::token_well_formed(&d.token))
        );
        // The rosters are every op accepted, none refused.
        let roster = demo_roster().unwrap();
        let stored: guardpost_domain::changes::StoredSegment =
            serde_json::from_str(&roster.value).unwrap();
        assert_eq!(
            stored.ops.len(),
            8 * guardpost_domain::demo::school().classes.len()
        );
        assert!(stored.rejected.is_empty());
    }
}
