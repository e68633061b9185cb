//! A pull answers a segment too large to inline from its scope alone when the reader may see
//! none of its ops: the answer must be exactly the one reading the segment would give.
#![allow(clippy::unwrap_used)]

use guardpost_domain::changes::{Listed, PullPager, SegmentMeta, StoredSegment};
use guardpost_domain::school::{ClassId, Role};
use guardpost_domain::sync::auth::DeviceGrant;
use guardpost_domain::sync::segment::{Day, key};
use guardpost_domain::sync::wire::{PullRequest, StreamCursor};
use guardpost_domain::sync::{DeviceId, Seq, Stream};
use guardpost_domain::{demo, text::Name};
use proptest::prelude::*;

const NOW: u64 = 1_795_485_600_000;
const CLASSES: [&str; 3] = ["g1c1", "g3c2", "g5c1"];

/// One op's payload: a class's check, or a member of staff's own report (no class).
fn payload(class: Option<usize>, i: usize) -> String {
    match class {
        Some(c) => format!(
            r#"{{"type":"session_check","class":"{}","date":"2026-11-23","session":"morning","present":{},"absent":0,"fever":0}}"#,
            CLASSES[c],
            30 + i % 10
        ),
        None => format!(
            r#"{{"type":"staff_health","date":"2026-11-23","temperature":{}}}"#,
            360 + i % 5
        ),
    }
}

/// A health segment of `classes.len()` ops, each of the class given (or none), padded with a
/// long enough backlog that its metadata can't hold it whole.
fn segment(classes: &[Option<usize>]) -> StoredSegment {
    let ops: Vec<String> = classes
        .iter()
        .enumerate()
        .map(|(k, class)| {
            format!(
                r#"{{"k":{k},"hlc":[{},0],"payload":{}}}"#,
                NOW - 1_000 + k as u64,
                payload(*class, k)
            )
        })
        .collect();
    let json = format!(
        r#"{{"device":"phone-0001","stream":"health","seq":3,"received_ms":{NOW},"by":"李红","ops":[{}]}}"#,
        ops.join(",")
    );
    serde_json::from_str(&json).unwrap()
}

fn grant(role: Role, classes: Vec<ClassId>) -> DeviceGrant {
    let school = demo::school();
    DeviceGrant {
        school: school.id,
        device: DeviceId::parse("phone-9999").unwrap(),
        staff: guardpost_domain::school::StaffId::parse("s9").unwrap(),
        name: Name::parse("读者").unwrap(),
        role,
        classes,
        label: None,
        created_at_ms: 0,
        expires_at_ms: u64::MAX,
        revoked_at_ms: None,
    }
}

/// A new device's pull of the health stream, today.
fn health_pull() -> PullRequest {
    PullRequest {
        protocol: 1,
        since: Day::of_ms(NOW),
        horizon: None,
        resume: None,
        streams: [(Stream::Health, StreamCursor::default())]
            .into_iter()
            .collect(),
    }
}

/// The segment as a pull's listing shows it, with `meta`.
fn listed(reader: &DeviceGrant, seg: &StoredSegment, meta: SegmentMeta) -> Listed {
    Listed {
        key: key(
            &reader.school,
            Day::of_ms(NOW),
            Stream::Health,
            &seg.device,
            Seq::new(3).unwrap(),
        ),
        meta: Some(meta),
    }
}

/// The whole answer to a pull of the health stream over one listed segment.
fn pull(
    reader: &DeviceGrant,
    seg: &StoredSegment,
    meta: SegmentMeta,
) -> Option<Vec<StoredSegment>> {
    let req = health_pull();
    let mut pager = PullPager::new(reader, &req, Day::of_ms(NOW)).ok()?;
    let listed = listed(reader, seg, meta);
    let reads = pager.on_list(vec![listed], None);
    let json = serde_json::to_string(seg).unwrap();
    for _ in reads {
        pager.on_read(Some(&json));
    }
    while pager.next_list().is_some() {
        assert!(pager.on_list(Vec::new(), None).is_empty());
    }
    Some(pager.finish(NOW).segments)
}

fn arb_reader() -> impl Strategy<Value = DeviceGrant> {
    let classes = proptest::sample::subsequence(CLASSES.to_vec(), 0..=3).prop_map(|cs| {
        cs.into_iter()
            .map(|c| ClassId::parse(c).unwrap())
            .collect::<Vec<_>>()
    });
    (
        prop_oneof![Just(Role::Teacher), Just(Role::Health), Just(Role::Admin)],
        classes,
    )
        .prop_map(|(role, classes)| {
            grant(
                role,
                if role == Role::Teacher {
                    classes
                } else {
                    Vec::new()
                },
            )
        })
}

proptest! {
    #[test]
    fn answering_from_the_scope_is_answering_from_the_segment(
        classes in proptest::collection::vec(proptest::option::weighted(0.8, 0..3usize), 1..60),
        reader in arb_reader(),
    ) {
        let seg = segment(&classes);
        let meta = SegmentMeta::of(&seg);
        // Only a segment too large to inline is answered from its scope.
        prop_assume!(meta.seg.is_none());
        prop_assert!(meta.scope.is_some());
        let read_whole = SegmentMeta { n: meta.n, seg: None, scope: None };
        let answered = pull(&reader, &seg, meta);
        let read = pull(&reader, &seg, read_whole);
        prop_assert_eq!(answered, read);
    }
}

#[test]
fn a_teacher_is_answered_without_a_read_for_another_class_and_read_for_her_own() {
    let backlog: Vec<Option<usize>> = vec![Some(1); 40];
    let seg = segment(&backlog);
    let meta = SegmentMeta::of(&seg);
    assert!(
        meta.seg.is_none(),
        "the segment must be too large to inline"
    );
    let req = health_pull();
    for (class, reads) in [("g1c1", 0), ("g3c2", 1)] {
        let teacher = grant(Role::Teacher, vec![ClassId::parse(class).unwrap()]);
        let mut pager = PullPager::new(&teacher, &req, Day::of_ms(NOW)).unwrap();
        let listed = listed(&teacher, &seg, meta.clone());
        assert_eq!(pager.on_list(vec![listed], None).len(), reads, "{class}");
    }
}

#[test]
fn the_largest_scope_fits_in_kv_metadata() {
    // Eight classes of the longest id, every op of its own class, a few unclassed.
    let long = |i: usize| format!("class{i:011}");
    let ops: Vec<String> = (0..400)
        .map(|k| {
            let payload = if k % 50 == 0 {
                payload(None, k)
            } else {
                payload(Some(0), k).replace(CLASSES[0], &long(k % 8))
            };
            format!(
                r#"{{"k":{k},"hlc":[{},0],"payload":{payload}}}"#,
                NOW - 1_000 + k as u64
            )
        })
        .collect();
    let json = format!(
        r#"{{"device":"phone-0001","stream":"health","seq":3,"received_ms":{NOW},"by":"李红","ops":[{}]}}"#,
        ops.join(",")
    );
    let seg: StoredSegment = serde_json::from_str(&json).unwrap();
    let meta = SegmentMeta::of(&seg);
    assert_eq!(meta.scope.as_ref().map(|s| s.classes.len()), Some(8));
    assert!(serde_json::to_string(&meta).unwrap().len() <= 1_024);
}
