//! A person whose role or classes an admin changes: the device lets go of what they may no
//! longer read, asks only for the streams they may read now, and pulls again for what they
//! gained; what waits in its outbox stays.
#![allow(clippy::unwrap_used)]

use guardpost_domain::changes::{Payload, Replica};
use guardpost_domain::sync::op::Op;
use guardpost_domain::sync::segment::Day;
use guardpost_domain::sync::wire::SessionInfo;
use guardpost_domain::sync::{DeviceId, OpId, Seq, Stream};
use guardpost_domain::text::Name;

const NOW: u64 = 1_795_485_600_000;

fn session(role: &str, classes: &[&str], streams: &[&str]) -> SessionInfo {
    let classes: Vec<String> = classes
        .iter()
        .map(|c| format!(r#"{{"id":"{c}","name":"{c}","students":30}}"#))
        .collect();
    let streams: Vec<String> = streams.iter().map(|s| format!(r#""{s}""#)).collect();
    serde_json::from_str(&format!(
        r#"{{"protocol":1,"device":"phone-0001","name":"李红","role":"{role}","classes":[{}],"streams":[{}],"server_ms":{NOW}}}"#,
        classes.join(","),
        streams.join(",")
    ))
    .unwrap()
}

fn check(class: &str) -> Payload {
    serde_json::from_str(&format!(
        r#"{{"type":"session_check","class":"{class}","date":"2026-11-23","session":"morning","present":30,"absent":0,"fever":0}}"#
    ))
    .unwrap()
}

fn held(r: &mut Replica, stream: Stream, seq: u32, payload: Payload) -> OpId {
    let id = OpId {
        device: DeviceId::parse("phone-0002").unwrap(),
        stream,
        seq: Seq::new(seq).unwrap(),
        k: 0,
    };
    r.ops.insert(
        id.clone(),
        Op {
            id: id.clone(),
            hlc: (NOW - 1_000, 0).into(),
            by: Name::parse("王老师").unwrap(),
            payload,
        },
    );
    id
}

const TEACHER_STREAMS: [&str; 4] = ["health", "supplies", "notices", "directory"];

fn teacher_replica() -> (Replica, OpId, OpId) {
    let s = session("teacher", &["g1c1", "g1c2"], &TEACHER_STREAMS);
    let mut r = Replica::joining(s.device.clone(), s.name.clone(), &s.streams, Day::FIRST);
    assert_eq!(
        r.rescope(&s, NOW),
        Some(vec![]),
        "a new replica learns its scope"
    );
    let mine = held(&mut r, Stream::Health, 1, check("g1c1"));
    let other = held(&mut r, Stream::Health, 2, check("g1c2"));
    r.since = Day::of_ms(NOW);
    r.horizon = None;
    r.last_pull_ms = Some(NOW);
    (r, mine, other)
}

#[test]
fn the_same_session_changes_nothing() {
    let (mut r, _, _) = teacher_replica();
    let before = r.clone();
    let s = session("teacher", &["g1c2", "g1c1"], &TEACHER_STREAMS);
    assert!(
        !r.scope_changed(&s),
        "the classes in another order are the same scope"
    );
    assert_eq!(r.rescope(&s, NOW + 60_000), None);
    assert_eq!(r, before);
}

#[test]
fn a_changed_scope_is_told_before_it_is_taken_in() {
    let (mut r, _, _) = teacher_replica();
    for (role, classes) in [
        ("teacher", &["g1c1"][..]),
        ("teacher", &["g1c1", "g1c2", "g1c3"]),
        ("health", &["g1c1", "g1c2"]),
    ] {
        let s = session(role, classes, &TEACHER_STREAMS);
        assert!(r.scope_changed(&s), "{role} {classes:?}");
    }
    let s = session("teacher", &["g1c1"], &TEACHER_STREAMS);
    assert!(r.rescope(&s, NOW + 60_000).is_some());
    assert!(!r.scope_changed(&s), "taken in, it is the scope held");
}

#[test]
fn a_class_taken_away_leaves_the_device_and_the_device_pulls_again() {
    let (mut r, kept, gone) = teacher_replica();
    r.record(Stream::Health, check("g1c2"), NOW).unwrap();
    let s = session("teacher", &["g1c1"], &TEACHER_STREAMS);
    assert_eq!(r.rescope(&s, NOW + 60_000), Some(vec![gone.clone()]));
    assert!(r.ops.contains_key(&kept));
    assert!(!r.ops.contains_key(&gone));
    // Pulled again from the school's snapshot, with the horizon of a joining device.
    assert_eq!(r.since, Day::FIRST);
    assert!(r.horizon.is_some());
    assert!(r.resume.is_none());
    // The change that waits is the Worker's to judge: it is not dropped here.
    assert_eq!(r.pending_count(), 1);
    assert_eq!(r.rescope(&s, NOW + 120_000), None);
}

#[test]
fn the_persons_own_records_stay() {
    let (mut r, _, _) = teacher_replica();
    // Her own staff health report, acked: an op of this device, with no class.
    let own = OpId {
        device: r.device.clone(),
        stream: Stream::Health,
        seq: Seq::new(1).unwrap(),
        k: 0,
    };
    r.ops.insert(
        own.clone(),
        Op {
            id: own.clone(),
            hlc: (NOW - 500, 0).into(),
            by: r.me.clone(),
            payload: serde_json::from_str(
                r#"{"type":"staff_health","date":"2026-11-23","temperature":365}"#,
            )
            .unwrap(),
        },
    );
    let s = session("teacher", &["g1c1"], &TEACHER_STREAMS);
    let gone = r.rescope(&s, NOW + 60_000).unwrap();
    assert!(!gone.contains(&own));
    assert!(r.ops.contains_key(&own));
}

#[test]
fn a_new_role_asks_only_for_the_streams_it_may_read() {
    let (mut r, a, b) = teacher_replica();
    let item = guardpost_domain::supplies::starter_catalog().remove(0);
    let catalog = held(&mut r, Stream::Supplies, 3, Payload::SupplyItem(item));
    // The doctor reads health, drills and notices, not the store.
    let s = session("health", &[], &["health", "drills", "notices", "directory"]);
    assert_eq!(r.rescope(&s, NOW + 60_000), Some(vec![catalog]));
    assert!(
        r.ops.contains_key(&a) && r.ops.contains_key(&b),
        "the doctor reads every class's checks"
    );
    assert_eq!(
        r.cursors.keys().copied().collect::<Vec<_>>(),
        vec![
            Stream::Health,
            Stream::Drills,
            Stream::Notices,
            Stream::Directory
        ]
    );
    assert_eq!(r.pull_request().streams.len(), 4);
}

#[test]
fn a_store_kept_before_scopes_takes_its_session_when_the_streams_agree() {
    let s = session("teacher", &["g1c1"], &TEACHER_STREAMS);
    let mut r = Replica::new(
        s.device.clone(),
        s.name.clone(),
        &s.streams,
        Day::of_ms(NOW),
    );
    r.scope = None;
    assert_eq!(r.rescope(&s, NOW), Some(vec![]));
    assert!(r.scope.is_some());
    assert_eq!(r.since, Day::of_ms(NOW), "nothing to pull again");
    // One whose streams disagree (the role changed before scopes were kept) pulls again.
    let mut old = Replica::new(
        s.device.clone(),
        s.name.clone(),
        &s.streams,
        Day::of_ms(NOW),
    );
    let doctor = session("health", &[], &["health", "drills", "notices", "directory"]);
    assert_eq!(old.rescope(&doctor, NOW), Some(vec![]));
    assert_eq!(old.since, Day::FIRST);
}
