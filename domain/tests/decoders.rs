//! Every request decoder the Worker runs on untrusted bytes, fed arbitrary and mutated
//! bodies: nothing panics, and what decodes is then judged without panicking either.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guardpost_domain::accounts::directory::{self, DirectoryUpdate, MAX_DIRECTORY_BODY_BYTES};
use guardpost_domain::accounts::invites::{self, CancelInvite, CreateInvite, InviteCode};
use guardpost_domain::accounts::{
    DEVICE_RANDOM_BYTES, MAX_JOIN_BODY_BYTES, NewDevice, RedeemRequest, RevokeRequest, SetupRequest,
};
use guardpost_domain::api::{ErrorCode, decode, decode_versioned};
use guardpost_domain::demo;
use guardpost_domain::school::Role;
use guardpost_domain::sync::segment::Day;
use guardpost_domain::sync::server::{PullPager, accept_push};
use guardpost_domain::sync::wire::{MAX_BODY_BYTES, PullRequest, PushRequest};
use proptest::prelude::*;

const NOW: u64 = 1_790_000_000_000;

fn grant(role: Role) -> guardpost_domain::sync::auth::DeviceGrant {
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
        ("redeem", r#"{"code":"ABCD-EFGH-JKMN","label":"Android · Chrome"}"#.to_owned()),
        (
            "setup",
            r#"{"code":"a-long-enough-setup-secret","name":"周校长","school_name":"新学校"}"#.to_owned(),
        ),
        (
            "directory",
            serde_json::to_string(&DirectoryUpdate::from_profile(&school)).unwrap(),
        ),
        ("invite", r#"{"staff":"s1","hours":24}"#.to_owned()),
        ("revoke", r#"{"device":"d0011223344556677"}"#.to_owned()),
        ("cancel", format!(r#"{{"id":"{}"}}"#, "ab".repeat(32))),
    ]
}

/// Decodes `bytes` as the body of `endpoint` and, if it decodes, runs the decision the
/// Worker would run on it. Returns whether the body was accepted as well-formed.
fn judge(endpoint: &str, bytes: &[u8]) -> bool {
    let school = demo::school();
    let admin = grant(Role::Admin);
    let teacher = grant(Role::Teacher);
    let random = [9; DEVICE_RANDOM_BYTES];
    match endpoint {
        "push" => match decode_versioned::<PushRequest>(bytes, MAX_BODY_BYTES) {
            Ok(req) => {
                let _ = accept_push(&teacher, req.clone(), school.timezone, NOW);
                let _ = accept_push(&admin, req, school.timezone, NOW);
                true
            }
            Err(e) => {
                assert!(e.code.status() >= 400 && e.code.status() < 500);
                false
            }
        },
        "pull" => match decode_versioned::<PullRequest>(bytes, MAX_BODY_BYTES) {
            Ok(req) => {
                if let Ok(pager) = PullPager::new(&teacher, &req, Day::of_ms(NOW)) {
                    let _ = pager.next_list();
                }
                true
            }
            Err(e) => {
                assert!(e.code.status() >= 400 && e.code.status() < 500);
                false
            }
        },
        "redeem" => match decode::<RedeemRequest>(bytes, MAX_JOIN_BODY_BYTES) {
            Ok(req) => {
                if let Some(code) = InviteCode::parse(&req.code) {
                    let _ = code.hash();
                }
                let _ = invites::redeem(None, &school.id, &school, req.label, &random, NOW);
                true
            }
            Err(e) => {
                assert!(e.code.status() >= 400 && e.code.status() < 500);
                false
            }
        },
        "setup" => match decode::<SetupRequest>(bytes, MAX_JOIN_BODY_BYTES) {
            Ok(req) => {
                let secret = Some("a-long-enough-setup-secret");
                let _ = guardpost_domain::accounts::setup(
                    req, secret, false, &school.id, None, &random, NOW,
                );
                true
            }
            Err(_) => false,
        },
        "directory" => match decode::<DirectoryUpdate>(bytes, MAX_DIRECTORY_BODY_BYTES) {
            Ok(update) => {
                let _ = directory::apply(&school, update, &admin);
                true
            }
            Err(_) => false,
        },
        "invite" => match decode::<CreateInvite>(bytes, MAX_JOIN_BODY_BYTES) {
            Ok(req) => {
                let _ = invites::create(&req, &school, &admin.name, NOW);
                true
            }
            Err(_) => false,
        },
        "revoke" => decode::<RevokeRequest>(bytes, MAX_JOIN_BODY_BYTES).is_ok(),
        "cancel" => decode::<CancelInvite>(bytes, MAX_JOIN_BODY_BYTES)
            .is_ok_and(|c| invites::invite_id_well_formed(&c.id)),
        other => unreachable!("no endpoint {other}"),
    }
}

#[test]
fn the_samples_are_well_formed() {
    for (endpoint, body) in samples() {
        assert!(judge(endpoint, body.as_bytes()), "{endpoint}: {body}");
    }
}

#[test]
fn unknown_fields_and_oversize_bodies_are_refused() {
    for (endpoint, body) in samples() {
        let extra = format!("{},\"extra\":true}}", body.trim_end_matches('}'));
        assert!(
            !judge(endpoint, extra.as_bytes()),
            "{endpoint} kept an unknown field"
        );
    }
    let huge = vec![b' '; MAX_BODY_BYTES + 1];
    let refused = decode_versioned::<PushRequest>(&huge, MAX_BODY_BYTES).unwrap_err();
    assert_eq!(refused.code, ErrorCode::TooLarge);
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
        which in 0usize..9,
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let samples = samples();
        let (endpoint, body) = &samples[which % samples.len()];
        judge(endpoint, &apply(body, &edits));
    }
}
