//! Reading a change. Serde's derive for an internally tagged enum buffers each value whole
//! before it looks at the tag, and builds a reader of every kind of change for that buffer:
//! a third of the class build's decoding. Changes are written with their `type` first
//! (serde's tagged writer puts it there), so the reader takes the tag, then hands the rest
//! of the object to the kind's own reader. A change whose `type` comes later (a client of
//! its own, or a map that sorted its keys) is put in that order and read again: slower,
//! with the same result.
//!
//! The class build reads its changes in two steps (issue 13): at its start, only the kinds
//! of the streams Today shows ([`AtStart`]), so the readers of the other kinds are not in
//! what a teacher downloads before her first check; the rest once the code that reads them
//! has come ([`Payload`]'s reader, reached only from that code).

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::Payload;
use crate::sync::Stream;

/// The tags, as `Payload`'s writer spells them.
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    SessionCheck,
    StockMovement,
    SupplyItem,
    RefillRequest,
    RefillAnswer,
    Notice,
    Contact,
    #[cfg(feature = "drills")]
    DrillPlan,
    #[cfg(feature = "drills")]
    DrillTerm,
    #[cfg(feature = "drills")]
    Drill,
    SetField,
    Student,
    StaffHealth,
    Certificate,
}

const TAG: &str = "type";

/// Whether this build reads every stream's changes at its start: the office's, whose start
/// page shows every area. The class build's Today shows only the health stream (her
/// classes' checks, rosters and cases, her own report).
const ALL_AT_START: bool = cfg!(feature = "drills");

/// Whether this build reads `stream`'s changes at its start.
pub fn read_at_start(stream: Stream) -> bool {
    ALL_AT_START || stream == Stream::Health
}

/// A change as the app reads it at its start: read, or of a kind of a stream not read then
/// (see [`read_at_start`]), whose fields were passed over to be read with the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtStart {
    Read(Payload),
    Later,
}

impl AtStart {
    /// The change, if it was read.
    pub fn read(self) -> Option<Payload> {
        match self {
            Self::Read(payload) => Some(payload),
            Self::Later => None,
        }
    }
}

impl<'de> Deserialize<'de> for AtStart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PayloadVisitor::<ALL_AT_START>)
    }
}

/// The class build's reading at start, whatever this build is: the health stream's kinds.
struct HealthOnly(AtStart);

impl<'de> Deserialize<'de> for HealthOnly {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PayloadVisitor::<false>).map(Self)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_map(PayloadVisitor::<true>)? {
            AtStart::Read(payload) => Ok(payload),
            // Not made by the whole reader; here so the two readers share one visitor.
            AtStart::Later => Err(de::Error::custom("a change left to read later")),
        }
    }
}

/// Reads every kind (`ALL`), or only the health stream's.
struct PayloadVisitor<const ALL: bool>;

impl<'de, const ALL: bool> Visitor<'de> for PayloadVisitor<ALL> {
    type Value = AtStart;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change: an object with its \"type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AtStart, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Err(de::Error::missing_field(TAG));
        };
        if first != TAG {
            return reordered::<ALL, A>(first, map);
        }
        let kind: Kind = map.next_value()?;
        let rest = MapAccessDeserializer::new(map);
        Ok(AtStart::Read(match kind {
            // The health stream's kinds.
            Kind::SessionCheck => Payload::SessionCheck(Deserialize::deserialize(rest)?),
            Kind::SetField => Payload::SetField(Deserialize::deserialize(rest)?),
            Kind::Student => Payload::Student(Deserialize::deserialize(rest)?),
            Kind::StaffHealth => Payload::StaffHealth(Deserialize::deserialize(rest)?),
            Kind::Certificate => Payload::Certificate(Deserialize::deserialize(rest)?),
            // A constant guard: in the health stream's reader the arms below are never
            // reached, and their readers are left out of it.
            _ if !ALL => {
                de::IgnoredAny::deserialize(rest)?;
                return Ok(AtStart::Later);
            }
            Kind::StockMovement => Payload::StockMovement(Deserialize::deserialize(rest)?),
            Kind::SupplyItem => Payload::SupplyItem(Deserialize::deserialize(rest)?),
            Kind::RefillRequest => Payload::RefillRequest(Deserialize::deserialize(rest)?),
            Kind::RefillAnswer => Payload::RefillAnswer(Deserialize::deserialize(rest)?),
            Kind::Notice => Payload::Notice(Deserialize::deserialize(rest)?),
            Kind::Contact => Payload::Contact(Deserialize::deserialize(rest)?),
            #[cfg(feature = "drills")]
            Kind::DrillPlan => Payload::DrillPlan(Deserialize::deserialize(rest)?),
            #[cfg(feature = "drills")]
            Kind::DrillTerm => Payload::DrillTerm(Deserialize::deserialize(rest)?),
            #[cfg(feature = "drills")]
            Kind::Drill => Payload::Drill(Deserialize::deserialize(rest)?),
        }))
    }
}

/// Reads a change whose `type` is not its first key: the object is written again with
/// `type` first and read from that text.
fn reordered<'de, const ALL: bool, A: MapAccess<'de>>(
    first: String,
    mut map: A,
) -> Result<AtStart, A::Error> {
    use serde_json::Value;
    let mut tag = None;
    let mut fields = vec![(first, map.next_value::<Value>()?)];
    while let Some((key, value)) = map.next_entry::<String, Value>()? {
        if key == TAG {
            if tag.is_some() {
                return Err(de::Error::duplicate_field(TAG));
            }
            tag = Some(value);
        } else {
            fields.push((key, value));
        }
    }
    let tag = tag.ok_or_else(|| de::Error::missing_field(TAG))?;
    let mut text = format!("{{{}:{tag}", Value::from(TAG));
    for (key, value) in fields {
        text.push_str(&format!(",{}:{value}", Value::from(key)));
    }
    text.push('}');
    let read = if ALL {
        crate::json::from_str::<Payload>(&text).map(AtStart::Read)
    } else {
        crate::json::from_str::<HealthOnly>(&text).map(|read| read.0)
    };
    read.map_err(de::Error::custom)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::json;

    /// One change of each of the health stream's kinds, as devices write them.
    const HEALTH: [&str; 4] = [
        r#"{"type":"session_check","class":"g1c1","date":"2026-11-23","session":"noon","present":39,"absent":1,"fever":1,"absences":[{"student":"g1c1-2026003","cause":{"kind":"illness","symptoms":["cough"]}}],"readings":[{"student":"g1c1-2026001","temperature":382}]}"#,
        r#"{"type":"student","id":"g1c1-2026001","class":"g1c1","name":"张小明","number":"2026001","boarder":true}"#,
        r#"{"type":"certificate","student":"g1c1-2026003","class":"g1c1","date":"2026-11-24","issuer":"城关镇卫生院","note":"已康复"}"#,
        r#"{"type":"staff_health","date":"2026-11-23","temperature":365,"symptoms":["cough"]}"#,
    ];
    /// Changes of the other streams.
    const OTHERS: [&str; 2] = [
        r#"{"type":"notice","notice":"n-1","step":{"kind":"approve"}}"#,
        r#"{"type":"stock_movement","lot":{"item":"mask","lot":"L1"},"zone":"A","quantity":5,"what":{"kind":"transfer","to_zone":"B"}}"#,
    ];

    /// `text` with its `type` moved to the end.
    fn type_last(text: &str) -> String {
        let value: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).unwrap();
        let mut out: Vec<String> = value
            .iter()
            .filter(|(k, _)| *k != TAG)
            .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(k.as_str())))
            .collect();
        out.push(format!("\"type\":{}", value[TAG]));
        format!("{{{}}}", out.join(","))
    }

    /// Each sample as written, then with its `type` last.
    fn both_orders(samples: &[&str]) -> Vec<String> {
        let written = samples.iter().map(|t| t.to_string());
        written
            .chain(samples.iter().map(|t| type_last(t)))
            .collect()
    }

    fn health_only(text: &str) -> Result<AtStart, serde_json::Error> {
        json::from_str::<HealthOnly>(text).map(|read| read.0)
    }

    #[test]
    fn the_health_reader_reads_health_changes_as_the_whole_one_does() {
        for text in both_orders(&HEALTH) {
            let whole: Payload = json::from_str(&text).unwrap();
            assert_eq!(health_only(&text).unwrap(), AtStart::Read(whole), "{text}");
        }
    }

    #[test]
    fn the_health_reader_leaves_other_changes_for_later() {
        for text in both_orders(&OTHERS) {
            assert!(json::from_str::<Payload>(&text).is_ok(), "{text}");
            assert_eq!(health_only(&text).unwrap(), AtStart::Later, "{text}");
        }
        // Passed over unread: the reader with every kind judges its fields later.
        let wrong = r#"{"type":"notice","notice":"n-1","step":{"kind":"fly"}}"#;
        assert_eq!(health_only(wrong).unwrap(), AtStart::Later);
        assert!(json::from_str::<Payload>(wrong).is_err());
    }

    #[test]
    fn the_health_reader_refuses_what_the_whole_one_refuses() {
        for text in [
            r#"{"type":"session_check","class":"g1c1","nurse":"x"}"#,
            r#"{"type":"staff_health","date":"2026-11-3","temperature":365,"symptoms":[]}"#,
            r#"{"type":"fire_drill"}"#,
            r#"{"class":"g1c1"}"#,
            r#"["session_check"]"#,
        ] {
            let whole = json::from_str::<Payload>(text).expect_err(text).to_string();
            assert_eq!(health_only(text).expect_err(text).to_string(), whole);
        }
    }

    #[test]
    fn this_builds_start_reads_its_start_streams() {
        let notice = OTHERS[0];
        let expected = if read_at_start(Stream::Notices) {
            AtStart::Read(json::from_str(notice).unwrap())
        } else {
            AtStart::Later
        };
        assert_eq!(json::from_str::<AtStart>(notice).unwrap(), expected);
        assert!(read_at_start(Stream::Health));
        assert_eq!(read_at_start(Stream::Supplies), cfg!(feature = "drills"));
    }
}
