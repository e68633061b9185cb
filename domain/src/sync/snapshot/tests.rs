// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod world;

use super::*;
use crate::api::ErrorCode;
use crate::api::PROTOCOL_VERSION as PROTOCOL_VERSION_FOR_TESTS;
use crate::sync::segment::key;
use crate::sync::wire::{PullRequest, StreamCursor};
use world::{Kv, day, dev, noon, pull_all, school, segment};

#[test]
fn a_run_starts_where_the_head_says() {
    let today = day(20261130);
    assert_eq!(target_cut(today), day(20261128));
    assert_eq!(start(None, today), Start::FindFirstDay);
    let chunk = |part, ops| ChunkRef {
        first: day(20261101),
        last: day(20261126),
        part,
        ops,
    };
    let head = Manifest::new(day(20261127), vec![chunk(0, 10)], 0);
    assert_eq!(
        start(Some(&head), today),
        Start::Days {
            from: day(20261127),
            absorb: Some(chunk(0, 10))
        }
    );
    // A full chunk, or the last part of a split range, stays as it is.
    let full = Manifest::new(day(20261127), vec![chunk(0, 900)], 0);
    let split = Manifest::new(day(20261127), vec![chunk(0, 1_000), chunk(1, 3)], 0);
    for head in [full, split] {
        assert!(matches!(
            start(Some(&head), today),
            Start::Days { absorb: None, .. }
        ));
    }
    let done = Manifest::new(day(20261128), vec![], 0);
    assert_eq!(start(Some(&done), today), Start::Nothing);
    // The oldest key gives the first day; no key at all, an empty first manifest.
    let first = key(
        &school(),
        day(20260901),
        Stream::Notices,
        &dev(1),
        Seq::FIRST,
    );
    assert_eq!(
        start_at_first(&school(), Some(&first), today),
        Start::Days {
            from: day(20260901),
            absorb: None
        }
    );
    assert_eq!(
        start_at_first(&school(), None, today),
        Start::Days {
            from: day(20261128),
            absorb: None
        }
    );
}

#[test]
fn a_chunk_is_the_same_whoever_builds_it() {
    let segs = vec![
        segment(2, 1, 20260902, 600),
        segment(1, 1, 20260901, 500),
        segment(1, 2, 20260901, 300),
        segment(3, 1, 20260903, 10),
    ];
    let mut reversed = segs.clone();
    reversed.reverse();
    // A retried push stored again the same day.
    reversed.push(segment(1, 2, 20260901, 300));
    let a = build(
        None,
        None,
        Some((day(20260901), day(20260903), segs)),
        Day::FIRST,
        5,
    );
    let b = build(
        None,
        None,
        Some((day(20260901), day(20260903), reversed)),
        Day::FIRST,
        9,
    );
    assert_eq!(a.chunks, b.chunks);
    assert_eq!(a.manifest.id, b.manifest.id);
    assert_eq!(a.manifest.cut, day(20260904));
    // Parts close once they reach CHUNK_OPS: 500 + 300 + 600, then 10.
    let sizes: Vec<u32> = a.chunks.iter().map(|(r, _)| r.ops).collect();
    assert_eq!(sizes, vec![1_400, 10]);
    assert_eq!(a.chunks[1].0.name(), "20260901.20260903.1");
    assert_eq!(a.manifest.ops(), 1_410);
}

#[test]
fn a_small_last_chunk_is_rebuilt_with_the_next_days() {
    let first = build(
        None,
        None,
        Some((
            day(20260901),
            day(20260901),
            vec![segment(1, 1, 20260901, 5)],
        )),
        Day::FIRST,
        0,
    );
    let (r, content) = first.chunks[0].clone();
    let next = build(
        Some(&first.manifest),
        Some((r, content)),
        Some((
            day(20260902),
            day(20260903),
            vec![segment(1, 2, 20260903, 7)],
        )),
        Day::FIRST,
        0,
    );
    assert_eq!(next.manifest.chunks.len(), 1);
    assert_eq!(next.manifest.chunks[0].name(), "20260901.20260903.0");
    assert_eq!(next.manifest.ops(), 12);
    assert_eq!(next.manifest.cut, day(20260904));
    assert_ne!(next.manifest.id, first.manifest.id);
    // Built directly from the three days, the chunk is the same.
    let direct = build(
        None,
        None,
        Some((
            day(20260901),
            day(20260903),
            vec![segment(1, 2, 20260903, 7), segment(1, 1, 20260901, 5)],
        )),
        Day::FIRST,
        0,
    );
    assert_eq!(direct.chunks, next.chunks);
}

#[test]
fn a_joining_device_gets_every_op_from_a_few_lists() {
    let mut kv = Kv::default();
    // A school year: a segment on most days from September on, some of them large.
    let mut expected = Vec::new();
    let mut d = day(20260901);
    let today = day(20261130);
    let mut seq = 0;
    while d <= today {
        seq += 1;
        let seg = segment(
            1 + seq % 3,
            seq,
            d.get(),
            if seq % 10 == 0 { 400 } else { 20 },
        );
        expected.extend(seg.ops.iter().map(|o| o.id.clone()));
        kv.store(&seg);
        d = d.next();
        // Compaction runs now and then, catching up a month at a time.
        if seq % 17 == 0 {
            kv.compact(d, noon(d.get()));
        }
    }
    while kv
        .compact(today, noon(today.get()))
        .is_some_and(|m| m.cut < target_cut(today))
    {}
    let head: Manifest = serde_json::from_str(&kv.0[&head_key(&school())]).unwrap();
    assert_eq!(head.cut, target_cut(today));
    // Daily runs leave no trail of tiny chunks: 91 days fit in a few.
    assert!(head.chunks.len() <= 12, "{:?}", head.chunks);
    let (mut got, pages) = pull_all(&kv, Day::FIRST, today);
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    assert!(pages >= 3, "{pages} pages");
    // Run again, nothing changes; a device that listed yesterday never reads the snapshot.
    assert_eq!(kv.compact(today, 0), None);
    let (recent, pages) = pull_all(&kv, today.prev(), today);
    let last_two: usize = [today.prev(), today]
        .iter()
        .map(|d| kv.list(&day_prefix(&school(), *d)).len())
        .sum();
    assert_eq!((last_two, pages), (2, 1));
    assert_eq!(recent.len(), 400 + 20);
}

#[test]
fn a_pull_reading_a_manifest_keeps_to_it_while_the_head_moves() {
    let mut kv = Kv::default();
    for (i, d) in [20260901, 20260902, 20260903].into_iter().enumerate() {
        kv.store(&segment(1, i as u32 + 1, d, 700));
    }
    let today = day(20260907);
    kv.compact(day(20260906), 0).unwrap();
    let mut req = PullRequest {
        protocol: PROTOCOL_VERSION_FOR_TESTS,
        since: Day::FIRST,
        horizon: None,
        resume: None,
        streams: [(Stream::Notices, StreamCursor::default())]
            .into_iter()
            .collect(),
    };
    let first = kv.pull(&req, today).unwrap();
    let resume = first.resume.clone().unwrap();
    assert!(resume.snap.is_some());
    // Another day is compacted; the paused pull reads on in its own manifest, then lists
    // from that manifest's cut.
    kv.store(&segment(1, 4, 20260904, 10));
    kv.compact(today, 1).unwrap();
    req.resume = Some(resume);
    let second = kv.pull(&req, today).unwrap();
    let seqs: Vec<u32> = first
        .segments
        .iter()
        .chain(&second.segments)
        .map(|s| s.seq.get())
        .collect();
    assert_eq!(seqs, vec![1, 2, 3, 4]);
    // A chunk not visible yet: the device is told to retry, and nothing is skipped.
    let chunk =
        kv.0.keys()
            .find(|k| k.contains("/snap/chunk/"))
            .cloned()
            .unwrap();
    kv.0.remove(&chunk);
    req.resume = None;
    let refused = kv.pull(&req, today).unwrap_err();
    assert_eq!(refused.code, ErrorCode::TooManyRequests);
    // A made-up manifest id is refused before any read.
    req.resume = Some(crate::sync::wire::Resume {
        day: today,
        cursor: None,
        after: None,
        snap: Some(crate::sync::wire::SnapResume {
            manifest: "../../../x".into(),
            next: 0,
        }),
    });
    assert_eq!(
        kv.pull(&req, today).unwrap_err().code,
        ErrorCode::BadRequest
    );
}
