//! Reading a change. Serde's derive for an internally tagged enum buffers each value whole
//! before it looks at the tag, and builds a reader of every kind of change for that buffer:
//! a third of the class build's decoding. Changes are written with their `type` first
//! (serde's tagged writer puts it there), so the reader takes the tag, then hands the rest
//! of the object to the kind's own reader. A change whose `type` comes later (a client of
//! its own, or a map that sorted its keys) is put in that order and read again: slower,
//! with the same result.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::Payload;

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

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PayloadVisitor)
    }
}

struct PayloadVisitor;

impl<'de> Visitor<'de> for PayloadVisitor {
    type Value = Payload;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change: an object with its \"type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Payload, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Err(de::Error::missing_field(TAG));
        };
        if first != TAG {
            return reordered(first, map);
        }
        let kind: Kind = map.next_value()?;
        let rest = MapAccessDeserializer::new(map);
        Ok(match kind {
            Kind::SessionCheck => Payload::SessionCheck(Deserialize::deserialize(rest)?),
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
            Kind::SetField => Payload::SetField(Deserialize::deserialize(rest)?),
            Kind::Student => Payload::Student(Deserialize::deserialize(rest)?),
            Kind::StaffHealth => Payload::StaffHealth(Deserialize::deserialize(rest)?),
            Kind::Certificate => Payload::Certificate(Deserialize::deserialize(rest)?),
        })
    }
}

/// Reads a change whose `type` is not its first key: the object is written again with
/// `type` first and read from that text.
fn reordered<'de, A: MapAccess<'de>>(first: String, mut map: A) -> Result<Payload, A::Error> {
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
    crate::json::from_str(&text).map_err(de::Error::custom)
}
