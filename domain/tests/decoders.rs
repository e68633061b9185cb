//! Every request decoder the Worker runs on untrusted bytes, fed arbitrary and mutated
//! bodies: nothing panics, and every refusal — by the decoder or by the decision the Worker
//! runs on what decoded — is a 4xx error code, never a 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guardpost_domain::accounts::directory::{self, DirectoryUpdate, MAX_DIRECTORY_BODY_BYTES};
use guardpost_domain::accounts::invites::{self, CancelInvite, CreateInvite, InviteCode};
use guardpost_domain::accounts::{
    self, DEVICE_RANDOM_BYTES, MAX_JOIN_BODY_BYTES, NewDevice, RedeemRequest, RevokeRequest,
    SetupRequest,
};
use guardpost_domain::api::{ErrorCode, Refused, decode, decode_versioned};
use guardpost_domain::changes::{PullPager, PushRequest};
use guardpost_domain::demo;
use guardpost_domain::school::{Role, StaffId};
use guardpost_domain::sync::DeviceId;
use guardpost_domain::sync::auth::DeviceGrant;
use guardpost_domain::sync::segment::Day;
use guardpost_domain::sync::server::accept_push;
use guardpost_domain::sync::wire::{MAX_BODY_BYTES, PullRequest};
use proptest::prelude::*;

/// 2026-11-24 10:00 in Asia/Shanghai: the samples' records are dated 2026-11-23 and -24, so
/// they are valid when written now (a record may not be dated after the day it is written).
const NOW: u64 = 1_795_485_600_000;

/// The invite code the redeem sample carries, and the one invite the judged KV holds.
const SAMPLE_CODE: &str = "ABCD-EFGH-JKMN";
/// The device the revoke sample names, the one other device the judged KV holds.
const SAMPLE_DEVICE: &str = "d0011223344556677";
const SETUP_SECRET: &str = "a-long-enough-setup-secret";

fn grant(role: Role) -> DeviceGrant {
    let school = demo::school();
    let member = school.staff.iter().find(|m| m.role == role).unwrap();
    NewDevice::for_member(&school.id, member, None, &[3; DEVICE_RANDOM_BYTES], 0).grant
}

/// Valid bodies of every endpoint, as starting points for mutation.
fn samples() -> Vec<(&'static str, String)> {
    let school = demo::school();
    vec![
        (
            "push",
            format!(
                r#"{{"protocol":1,"stream":"health","seq":1,"ops":[{{"hlc":[{NOW},0],"payload":{{"type":"session_check","class":"g1c1","date":"2026-11-23","session":"morning","present":40,"absent":2,"fever":0}}}}]}}"#
            ),
        ),
        (
            "push",
            format!(
                r#"{{"protocol":1,"stream":"health","seq":2,"ops":[{{"hlc":[{NOW},1],"payload":{{"type":"session_check","class":"g1c1","date":"2026-11-23","session":"noon","present":39,"absent":1,"fever":1,"absences":[{{"student":"g1c1-2026003","cause":{{"kind":"illness","symptoms":["cough","fever"]}}}}],"readings":[{{"student":"g1c1-2026001","temperature":382}}]}}}},{{"hlc":[{NOW},2],"payload":{{"type":"student","id":"g1c1-2026001","class":"g1c1","name":"张小明","number":"2026001","boarder":true}}}},{{"hlc":[{NOW},3],"payload":{{"type":"certificate","student":"g1c1-2026003","class":"g1c1","date":"2026-11-24","issuer":"城关镇卫生院","note":"已康复"}}}},{{"hlc":[{NOW},4],"payload":{{"type":"staff_health","date":"2026-11-23","temperature":365,"symptoms":["cough"]}}}}]}}"#
            ),
        ),
        (
            "pull",
            r#"{"protocol":1,"since":20261101,"streams":{"health":{"vector":{"d0011223344556677":3}},"drills":{}}}"#
                .to_owned(),
        ),
        (
            "pull",
            r#"{"protocol":1,"since":20261101,"resume":{"day":20261105,"after":"v1/demo/seg/20261105/health/d0011223344556677.0000000003"},"streams":{"health":{"held":{"d0011223344556677":[5]}}}}"#
                .to_owned(),
        ),
        ("redeem", format!(r#"{{"code":"{SAMPLE_CODE}","label":"Android · Chrome"}}"#)),
        (
            "setup",
            format!(r#"{{"code":"{SETUP_SECRET}","name":"周校长","school_name":"新学校"}}"#),
        ),
        (
            "directory",
            serde_json::to_string(&DirectoryUpdate::from_profile(&school)).unwrap(),
        ),
        ("invite", r#"{"staff":"s1","hours":24}"#.to_owned()),
        ("revoke", format!(r#"{{"device":"{SAMPLE_DEVICE}"}}"#)),
        ("cancel", format!(r#"{{"id":"{}"}}"#, "ab".repeat(32))),
    ]
}

/// What the Worker answers a body with.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Decoded, and the decision after it went through (a push may still refuse single ops).
    Accepted,
    /// Refused by the decoder.
    Malformed(ErrorCode),
    /// Decoded, then refused by the decision.
    Refused(ErrorCode),
}

/// A refusal must be the client's fault: a 5xx would tell the app to retry a body that can
/// never succeed, and would hide a server bug behind "the network".
fn client_error(endpoint: &str, r: &Refused) -> ErrorCode {
    let status = r.code.status();
    assert!(
        (400..500).contains(&status),
        "{endpoint}: refused with {status} ({:?}: {})",
        r.code,
        r.message
    );
    r.code
}

/// Both the decoding and the decision, each refusal checked to be a 4xx.
fn judged<T>(
    endpoint: &str,
    decoded: Result<T, Refused>,
    decide: impl FnOnce(T) -> Result<(), Refused>,
) -> Verdict {
    match decoded {
        Err(r) => Verdict::Malformed(client_error(endpoint, &r)),
        Ok(body) => match decide(body) {
            Ok(()) => Verdict::Accepted,
            Err(r) => Verdict::Refused(client_error(endpoint, &r)),
        },
    }
}

/// Decodes `bytes` as the body of `endpoint` and runs the decision the Worker runs on it,
/// against the demo school with one invite (for [`SAMPLE_CODE`]) and one other device
/// ([`SAMPLE_DEVICE`]) in KV, the caller being the admin (a push also a teacher's; a pull the
/// doctor's).
fn judge(endpoint: &str, bytes: &[u8]) -> Verdict {
    let school = demo::school();
    let admin = grant(Role::Admin);
    let teacher = grant(Role::Teacher);
    let random = [9; DEVICE_RANDOM_BYTES];
    match endpoint {
        "push" => judged(
            endpoint,
            decode_versioned::<PushRequest>(bytes, MAX_BODY_BYTES),
            |req| {
                // The teacher's verdict must be a 4xx too, but whether the body is accepted
                // is the admin's (who may write every op of the samples).
                if let Err(r) = accept_push(&teacher, req.clone(), school.timezone, NOW) {
                    client_error(endpoint, &r);
                }
                let seg = accept_push(&admin, req, school.timezone, NOW)?;
                assert!(
                    seg.ops.len() + seg.rejected.len() > 0,
                    "a stored segment holds every op, accepted or refused"
                );
                Ok(())
            },
        ),
        "pull" => judged(
            endpoint,
            decode_versioned::<PullRequest>(bytes, MAX_BODY_BYTES),
            |req| {
                // The whole pull over an empty KV: every day listed, nothing found. The doctor
                // pulls: supplies are the stream she may not read.
                let doctor = grant(Role::Health);
                let mut pager = PullPager::new(&doctor, &req, Day::of_ms(NOW))?;
                let mut lists = 0;
                while pager.next_list().is_some() {
                    lists += 1;
                    assert!(lists <= 100, "a pull that never ends");
                    let reads = pager.on_list(Vec::new(), None);
                    assert!(reads.is_empty());
                }
                let answer = pager.finish(NOW);
                assert!(answer.segments.is_empty());
                Ok(())
            },
        ),
        "redeem" => judged(
            endpoint,
            decode::<RedeemRequest>(bytes, MAX_JOIN_BODY_BYTES),
            |req| {
                let code = InviteCode::parse(&req.code).ok_or_else(accounts::invalid_code)?;
                let sample = InviteCode::parse(SAMPLE_CODE).unwrap();
                let invite = (code.hash() == sample.hash()).then(|| {
                    let staff = CreateInvite {
                        staff: StaffId::parse("s1").unwrap(),
                        hours: 24,
                    };
                    invites::create(&staff, &school, &admin.name, NOW - 1).unwrap()
                });
                invites::redeem(invite, &school.id, &school, req.label, &random, NOW).map(drop)
            },
        ),
        "setup" => judged(
            endpoint,
            decode::<SetupRequest>(bytes, MAX_JOIN_BODY_BYTES),
            |req| {
                // Once on an empty school, and once on the demo school (which has a directory).
                if let Err(r) = accounts::setup(
                    req.clone(),
                    Some(SETUP_SECRET),
                    false,
                    &school.id,
                    Some(school.clone()),
                    &random,
                    NOW,
                ) {
                    client_error(endpoint, &r);
                }
                accounts::setup(
                    req,
                    Some(SETUP_SECRET),
                    false,
                    &school.id,
                    None,
                    &random,
                    NOW,
                )
                .map(drop)
            },
        ),
        "directory" => judged(
            endpoint,
            decode::<DirectoryUpdate>(bytes, MAX_DIRECTORY_BODY_BYTES),
            |update| directory::apply(&school, update, &admin).map(drop),
        ),
        "invite" => judged(
            endpoint,
            decode::<CreateInvite>(bytes, MAX_JOIN_BODY_BYTES),
            |req| invites::create(&req, &school, &admin.name, NOW).map(drop),
        ),
        "revoke" => judged(
            endpoint,
            decode::<RevokeRequest>(bytes, MAX_JOIN_BODY_BYTES),
            |req| {
                // The Worker finds the device's grant by its id (404 when none), then decides.
                let mut other = teacher.clone();
                other.device = DeviceId::parse(SAMPLE_DEVICE).unwrap();
                let found = [admin.clone(), other]
                    .into_iter()
                    .find(|g| g.device == req.device)
                    .ok_or_else(|| Refused::new(ErrorCode::NotFound, "no such device"))?;
                accounts::revoke(&admin, found, NOW).map(drop)
            },
        ),
        "cancel" => judged(
            endpoint,
            decode::<CancelInvite>(bytes, MAX_JOIN_BODY_BYTES),
            |req| {
                if invites::invite_id_well_formed(&req.id) {
                    Ok(())
                } else {
                    Err(Refused::new(ErrorCode::BadRequest, "not an invite id"))
                }
            },
        ),
        other => unreachable!("no endpoint {other}"),
    }
}

#[test]
fn the_samples_are_accepted() {
    for (endpoint, body) in samples() {
        assert_eq!(
            judge(endpoint, body.as_bytes()),
            Verdict::Accepted,
            "{endpoint}: {body}"
        );
    }
    // Every op of the push samples is accepted for the admin: valid, dated on or before NOW.
    let school = demo::school();
    for (_, body) in samples().iter().filter(|(e, _)| *e == "push") {
        let req: PushRequest = decode_versioned(body.as_bytes(), MAX_BODY_BYTES).unwrap();
        let n = req.ops.len();
        let seg = accept_push(&grant(Role::Admin), req, school.timezone, NOW).unwrap();
        assert!(seg.rejected.is_empty(), "{:?}", seg.rejected);
        assert_eq!(seg.ops.len(), n);
    }
}

/// `body` with `"extra": true` added to the top-level object, and to every object at
/// `nested` (a JSON pointer), so each is still well-formed JSON.
fn with_unknown_field(body: &str, nested: Option<&str>) -> String {
    let mut value: serde_json::Value = serde_json::from_str(body).unwrap();
    let target = match nested {
        Some(pointer) => value.pointer_mut(pointer).unwrap(),
        None => &mut value,
    };
    target
        .as_object_mut()
        .unwrap()
        .insert("extra".into(), true.into());
    serde_json::to_string(&value).unwrap()
}

#[test]
fn unknown_fields_and_oversize_bodies_are_refused() {
    for (endpoint, body) in samples() {
        let extra = with_unknown_field(&body, None);
        assert_eq!(
            judge(endpoint, extra.as_bytes()),
            Verdict::Malformed(ErrorCode::BadRequest),
            "{endpoint} kept an unknown field: {extra}"
        );
    }
    // Nested too: in an op, its payload, a pull's stream cursor.
    for (endpoint, pointer) in [
        ("push", "/ops/0"),
        ("push", "/ops/0/payload"),
        ("pull", "/streams/health"),
    ] {
        let (_, body) = samples().into_iter().find(|(e, _)| *e == endpoint).unwrap();
        let extra = with_unknown_field(&body, Some(pointer));
        assert_eq!(
            judge(endpoint, extra.as_bytes()),
            Verdict::Malformed(ErrorCode::BadRequest),
            "{endpoint} kept an unknown field at {pointer}: {extra}"
        );
    }
    let huge = vec![b' '; MAX_BODY_BYTES + 1];
    let refused = decode_versioned::<PushRequest>(&huge, MAX_BODY_BYTES).unwrap_err();
    assert_eq!(refused.code, ErrorCode::TooLarge);
}

#[test]
fn decisions_refuse_with_4xx() {
    // Bodies that decode but that the decision refuses, one per endpoint: proof that the
    // decisions run (and are judged) rather than only the decoders.
    let cases = [
        (
            "push",
            format!(
                r#"{{"protocol":1,"stream":"health","seq":1,"ops":[{{"hlc":[{},0],"payload":{{"type":"staff_health","date":"2026-11-23"}}}}]}}"#,
                NOW + 3_600_000
            ),
            ErrorCode::ClockAhead,
        ),
        (
            "pull",
            r#"{"protocol":1,"since":20261101,"streams":{"supplies":{}}}"#.to_owned(),
            ErrorCode::Forbidden,
        ),
        (
            "redeem",
            r#"{"code":"ABCD-EFGH-JKMP"}"#.to_owned(),
            ErrorCode::InvalidCode,
        ),
        (
            "setup",
            r#"{"code":"a-wrong-but-long-setup-code","name":"周校长","school_name":"新学校"}"#
                .to_owned(),
            ErrorCode::InvalidCode,
        ),
        (
            "invite",
            r#"{"staff":"s99"}"#.to_owned(),
            ErrorCode::BadRequest,
        ),
        (
            "revoke",
            r#"{"device":"d9999999999999999"}"#.to_owned(),
            ErrorCode::NotFound,
        ),
        ("cancel", r#"{"id":"AB"}"#.to_owned(), ErrorCode::BadRequest),
    ];
    for (endpoint, body, code) in cases {
        assert_eq!(
            judge(endpoint, body.as_bytes()),
            Verdict::Refused(code),
            "{endpoint}: {body}"
        );
    }
    let mut stale = DirectoryUpdate::from_profile(&demo::school());
    stale.revision += 1;
    let body = serde_json::to_string(&stale).unwrap();
    assert_eq!(
        judge("directory", body.as_bytes()),
        Verdict::Refused(ErrorCode::Conflict)
    );
}

/// A mutation of a valid body: bytes replaced, removed or inserted at positions.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Remove(usize),
    Insert(usize, u8),
    Truncate(usize),
}

fn apply(body: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = body.as_bytes().to_vec();
    for edit in edits {
        let at = |i: usize| if bytes.is_empty() { 0 } else { i % bytes.len() };
        match *edit {
            Edit::Replace(i, b) => {
                if !bytes.is_empty() {
                    let i = at(i);
                    bytes[i] = b;
                }
            }
            Edit::Remove(i) => {
                if !bytes.is_empty() {
                    let i = at(i);
                    bytes.remove(i);
                }
            }
            Edit::Insert(i, b) => {
                let i = at(i);
                bytes.insert(i, b);
            }
            Edit::Truncate(i) => {
                let i = at(i);
                bytes.truncate(i);
            }
        }
    }
    bytes
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to JSON more often than chance would pick them.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[]\":,0123456789-.eE \\tnul".to_vec()),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Replace(i, b)),
        any::<usize>().prop_map(Edit::Remove),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for (endpoint, _) in samples() {
            judge(endpoint, &bytes);
        }
    }

    #[test]
    fn mutated_bodies_never_panic(
        which in any::<usize>(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let samples = samples();
        let (endpoint, body) = &samples[which % samples.len()];
        judge(endpoint, &apply(body, &edits));
    }
}

#[test]
fn mutations_reach_the_decisions() {
    // The property tests above are only a proof if mutated bodies get past the decoders and
    // are judged by the decisions too; count, over a fixed set of mutations, where they end.
    let mut state: u64 = 20_261_124;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as usize
    };
    let interesting = b"{}[]\":,0123456789-.eE \\tnul";
    let samples = samples();
    let mut seen: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for _ in 0..4_000 {
        let (endpoint, body) = &samples[next() % samples.len()];
        let edits: Vec<Edit> = (0..1 + next() % 2)
            .map(|_| {
                let b = interesting[next() % interesting.len()];
                match next() % 3 {
                    0 => Edit::Replace(next(), b),
                    1 => Edit::Remove(next()),
                    _ => Edit::Insert(next(), b),
                }
            })
            .collect();
        let verdict = match judge(endpoint, &apply(body, &edits)) {
            Verdict::Accepted => "accepted",
            Verdict::Malformed(_) => "malformed",
            Verdict::Refused(_) => "refused",
        };
        *seen.entry((endpoint, verdict)).or_default() += 1;
    }
    println!("{seen:?}");
    for endpoint in [
        "push",
        "pull",
        "redeem",
        "setup",
        "directory",
        "invite",
        "revoke",
        "cancel",
    ] {
        for verdict in ["accepted", "malformed", "refused"] {
            assert!(
                seen.get(&(endpoint, verdict)).is_some_and(|&n| n > 0),
                "no mutated {endpoint} body was {verdict}: {seen:?}"
            );
        }
    }
}
