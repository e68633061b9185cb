//! The tagged enums read through a flat struct (`try_from`, to keep a teacher's download
//! small) read exactly the JSON their derived writers write, as devices and KV hold it, and
//! refuse what the derived readers refused: a missing field, a field of another kind, an
//! unknown kind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::AbsenceCause;
use guardpost_domain::json;
use guardpost_domain::notices::event::Action;
use guardpost_domain::refusals::OpInvalid;
use guardpost_domain::supplies::MovementKind;
use guardpost_domain::sync::segment::Rejection;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Each `json` is read, and written back to the same text; the app's reader
/// (`guardpost_domain::json`) reads the same value.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(json: &[&str]) {
    for text in json {
        let read: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(serde_json::to_string(&read).unwrap(), *text, "{read:?}");
        assert_eq!(json::from_str::<T>(text).unwrap(), read, "{text}");
    }
}

/// Each `(json, words)` is refused, with `words` in the error, by the app's reader with the
/// same error.
fn refuses<T: DeserializeOwned + std::fmt::Debug>(json: &[(&str, &str)]) {
    for (text, words) in json {
        let error = serde_json::from_str::<T>(text).expect_err(text).to_string();
        assert!(error.contains(words), "{text}: {error}");
        let ours = json::from_str::<T>(text).expect_err(text).to_string();
        assert_eq!(ours, error, "{text}");
    }
}

#[test]
fn refusal_reasons() {
    round_trips::<OpInvalid>(&[
        r#"{"kind":"wrong_stream","stream":"health"}"#,
        r#"{"kind":"headcount_too_large","max":300}"#,
        r#"{"kind":"fever_over_present"}"#,
        r#"{"kind":"absences_mismatch"}"#,
        r#"{"kind":"fever_undercounted"}"#,
        r#"{"kind":"bad_id","what":"class"}"#,
        r#"{"kind":"quantity_out_of_range","max":1000000}"#,
        r#"{"kind":"out_of_range","what":"present","max":3000}"#,
        r#"{"kind":"lot_expired","lot":"lot-1","expires":"2026-10-01"}"#,
        r#"{"kind":"same_zone"}"#,
        r#"{"kind":"too_many_supersedes","max":16}"#,
        r#"{"kind":"value_too_large","max":4096}"#,
        r#"{"kind":"text","problem":"a name is 1 to 40 characters"}"#,
        r#"{"kind":"date_out_of_range","date":"2030-01-01"}"#,
        r#"{"kind":"unreadable","detail":"expected value"}"#,
    ]);
    refuses::<OpInvalid>(&[
        (r#"{"kind":"out_of_range","max":3}"#, "missing field `what`"),
        (
            r#"{"kind":"headcount_too_large","max":70000}"#,
            "`max` out of range",
        ),
        (
            r#"{"kind":"lot_expired","lot":"l","expires":"soon"}"#,
            "a date is YYYY-MM-DD, not “soon”",
        ),
        (r#"{"kind":"renamed"}"#, "unknown variant `renamed`"),
        (r#"{"stream":"health"}"#, "missing field `kind`"),
    ]);
}

#[test]
fn push_rejections() {
    round_trips::<Rejection>(&[
        r#"{"code":"forbidden","message":"a teacher may not write supplies"}"#,
        r#"{"code":"invalid","problem":{"kind":"same_zone"}}"#,
    ]);
    refuses::<Rejection>(&[
        (r#"{"code":"forbidden"}"#, "missing field `message`"),
        (
            r#"{"code":"invalid","message":"x"}"#,
            "missing field `problem`",
        ),
        (
            r#"{"code":"invalid","problem":{"kind":"nope"}}"#,
            "unknown variant `nope`",
        ),
    ]);
}

#[test]
fn absence_causes() {
    round_trips::<AbsenceCause>(&[
        r#"{"kind":"illness","symptoms":["fever","cough"]}"#,
        r#"{"kind":"illness","symptoms":[]}"#,
        r#"{"kind":"personal"}"#,
        r#"{"kind":"other"}"#,
    ]);
    refuses::<AbsenceCause>(&[
        (r#"{"kind":"illness"}"#, "missing field `symptoms`"),
        (
            r#"{"kind":"personal","symptoms":["cough"]}"#,
            "unknown field `symptoms`",
        ),
        (r#"{"kind":"other","note":"x"}"#, "unknown field `note`"),
        (
            r#"{"kind":"illness","symptoms":["hiccups"]}"#,
            "unknown variant `hiccups`",
        ),
    ]);
}

#[test]
fn notice_steps() {
    round_trips::<Action>(&[
        r#"{"kind":"edit","content":{"title_zh":"停课通知","body_zh":"明日停课。","category":"situation","audience":"public","pinned":false}}"#,
        r#"{"kind":"submit"}"#,
        r#"{"kind":"return","comment":"请写明日期"}"#,
        r#"{"kind":"approve"}"#,
        r#"{"kind":"withdraw"}"#,
    ]);
    refuses::<Action>(&[
        (r#"{"kind":"edit"}"#, "missing field `content`"),
        (r#"{"kind":"return"}"#, "missing field `comment`"),
        (
            r#"{"kind":"approve","comment":"ok"}"#,
            "unknown field `comment`",
        ),
        (
            r#"{"kind":"submit","content":{"title_zh":"t","body_zh":"b","category":"drill","audience":"staff"}}"#,
            "unknown field `content`",
        ),
        (r#"{"kind":"withdraw","by":"me"}"#, "unknown field `by`"),
        (r#"{"kind":"return","comment":""}"#, "comment"),
    ]);
}

#[test]
fn stock_movements() {
    round_trips::<MovementKind>(&[
        r#"{"kind":"receipt","supplier":"县医药公司"}"#,
        r#"{"kind":"issue","to":{"holder":{"class":"g1c1"},"person":"李红"},"signature":"1,1 5,5"}"#,
        r#"{"kind":"issue","to":{"holder":"person","person":"王医生"},"signature":"1,1 5,5","due":"2026-12-01"}"#,
        r#"{"kind":"return","from":{"holder":{"department":"保卫处"},"person":"张伟"},"signature":"2,2 9,9;3,3 4,4"}"#,
        r#"{"kind":"transfer","to_zone":"B区"}"#,
        r#"{"kind":"disposal","reason":"expired"}"#,
        r#"{"kind":"disposal","reason":"other","note":"受潮"}"#,
        r#"{"kind":"adjustment","gain":false,"reason":"used_without_record"}"#,
        r#"{"kind":"adjustment","gain":true,"reason":"entry_error"}"#,
    ]);
    refuses::<MovementKind>(&[
        (r#"{"kind":"receipt"}"#, "missing field `supplier`"),
        (
            r#"{"kind":"issue","to":{"holder":"person","person":"王"}}"#,
            "missing field `signature`",
        ),
        (
            r#"{"kind":"transfer","to_zone":"B","signature":"1,1 5,5"}"#,
            "unknown field `signature`",
        ),
        (
            r#"{"kind":"receipt","supplier":"s","due":"2026-12-01"}"#,
            "unknown field `due`",
        ),
        (
            r#"{"kind":"disposal","reason":"miscounted"}"#,
            "unknown variant `miscounted`",
        ),
        (
            r#"{"kind":"adjustment","gain":true,"reason":"other"}"#,
            "unknown variant `other`",
        ),
        (
            r#"{"kind":"adjustment","reason":"lost"}"#,
            "missing field `gain`",
        ),
        (
            r#"{"kind":"disposal","reason":"expired","count":3}"#,
            "unknown field `count`",
        ),
        (
            r#"{"kind":"issue","to":{"holder":"person","person":"王"},"signature":"5,5"}"#,
            "stroke",
        ),
    ]);
}

/// A change is read with its `type` anywhere: first as written (the fast way), last, or in a
/// map that sorted its keys (the Worker's KV metadata).
#[test]
fn changes_with_their_type_anywhere() {
    let first = r#"{"type":"session_check","class":"g1c1","date":"2026-11-23","session":"noon","present":39,"absent":1,"fever":1,"absences":[{"student":"g1c1-2026003","cause":{"kind":"illness","symptoms":["cough"]}}],"readings":[{"student":"g1c1-2026001","temperature":382}]}"#;
    let read: Payload = serde_json::from_str(first).unwrap();
    assert!(matches!(read, Payload::SessionCheck(_)));
    let written = serde_json::to_string(&read).unwrap();
    assert!(
        written.starts_with(r#"{"type":"session_check","#),
        "{written}"
    );
    assert_eq!(serde_json::from_str::<Payload>(&written).unwrap(), read);
    let last = format!(
        "{{{},\"type\":\"session_check\"}}",
        &first[r#"{"type":"session_check","#.len()..first.len() - 1]
    );
    assert_eq!(serde_json::from_str::<Payload>(&last).unwrap(), read);
    let sorted: serde_json::Value = serde_json::from_str(first).unwrap();
    assert_eq!(serde_json::from_value::<Payload>(sorted).unwrap(), read);
    round_trips::<Payload>(&[
        r#"{"type":"notice","notice":"n-1","step":{"kind":"approve"}}"#,
        r#"{"type":"stock_movement","lot":{"item":"mask","lot":"L1"},"zone":"A","quantity":5,"what":{"kind":"transfer","to_zone":"B"}}"#,
    ]);
    refuses::<Payload>(&[
        (r#"{"class":"g1c1"}"#, "missing field `type`"),
        (r#"{}"#, "missing field `type`"),
        (
            r#"{"type":"session_check","class":"g1c1","nurse":"x"}"#,
            "unknown field `nurse`",
        ),
        (
            r#"{"class":"g1c1","type":"session_check","nurse":"x"}"#,
            "unknown field `nurse`",
        ),
        (r#"{"type":"fire_drill"}"#, "unknown variant `fire_drill`"),
        (
            r#"{"type":"staff_health","date":"2026-11-3","temperature":365,"symptoms":[]}"#,
            "a date is YYYY-MM-DD, not “2026-11-3”",
        ),
        (
            r#"{"present":1,"type":"student","type":"student"}"#,
            "duplicate field `type`",
        ),
        (r#"["session_check"]"#, "expected a change"),
        (r#""session_check""#, "expected a change"),
    ]);
}
