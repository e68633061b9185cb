//! Documents (a notice, a drill plan, a catalog item): changes of one field each, merged
//! last-writer-wins per field, the losing values kept as a conflict to resolve.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ids::{OpId, Stream};
use super::op::{Change, Op, short_id};
use crate::refusals::OpInvalid;
use crate::text::{TextError, bounded};

/// A change of one field of a document (a notice, a drill plan, a catalog item, a directory
/// entry). Documents merge last-writer-wins per field; the losing value is kept as a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetField {
    pub doc: String,
    pub field: String,
    pub value: serde_json::Value,
    /// The values of this field, written on other devices, that the writer saw and replaces
    /// (resolving a conflict names all sides). A device's own earlier writes are replaced
    /// implicitly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<OpId>,
}

/// The most values one write may replace.
pub const MAX_SUPERSEDES: usize = 8;
/// Keeps one op small enough for many to fit in a segment.
pub const MAX_VALUE_BYTES: usize = 2_048;

impl SetField {
    /// Checks the content and that it belongs in `stream`: any stream but `health`, whose
    /// records are not documents.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream == Stream::Health {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        short_id("doc", &self.doc)?;
        short_id("field", &self.field)?;
        if self.supersedes.len() > MAX_SUPERSEDES {
            return Err(OpInvalid::TooManySupersedes {
                max: MAX_SUPERSEDES,
            });
        }
        let size = serde_json::to_string(&self.value).map_or(usize::MAX, |s| s.len());
        if size > MAX_VALUE_BYTES {
            return Err(OpInvalid::ValueTooLarge {
                max: MAX_VALUE_BYTES,
            });
        }
        if let serde_json::Value::String(text) = &self.value {
            bounded("value", text, MAX_VALUE_BYTES, true)
                .map(drop)
                .or_else(|e| match e {
                    // An empty string is how a field is cleared.
                    TextError::Empty { .. } => Ok(()),
                    other => Err(other),
                })?;
        }
        Ok(())
    }
}

/// A document field's merged value: the winner by (HLC, device) among the values no other
/// write replaced, and the other such values, shown to people as a conflict to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register<'a, P> {
    pub winner: &'a Op<P>,
    pub conflicts: Vec<&'a Op<P>>,
}

/// Merges every `set_field` op into per-field registers, keyed by (stream, doc, field).
pub fn documents<P: Change>(
    ops: &BTreeMap<OpId, Op<P>>,
) -> BTreeMap<(Stream, &str, &str), Register<'_, P>> {
    let mut writes: BTreeMap<(Stream, &str, &str), Vec<&Op<P>>> = BTreeMap::new();
    for op in ops.values() {
        if let Some(set) = op.payload.set_field() {
            writes
                .entry((op.id.stream, set.doc.as_str(), set.field.as_str()))
                .or_default()
                .push(op);
        }
    }
    writes
        .into_iter()
        .filter_map(|(key, ops)| {
            let replaced: BTreeSet<&OpId> = crate::order::set_of(
                ops.iter()
                    .flat_map(|op| op.payload.set_field().map(|set| set.supersedes.iter()))
                    .flatten(),
            );
            let mut live: Vec<&Op<P>> = ops
                .iter()
                .copied()
                .filter(|op| !replaced.contains(&op.id))
                // A device's later write replaces its own earlier ones.
                .filter(|op| {
                    !ops.iter()
                        .any(|other| other.id.device == op.id.device && other.hlc > op.hlc)
                })
                .collect();
            crate::order::sort_by(&mut live, |a, b| {
                (b.hlc, &b.id.device).cmp(&(a.hlc, &a.id.device))
            });
            let mut live = live.into_iter();
            let winner = live.next()?;
            Some((
                key,
                Register {
                    winner,
                    conflicts: live.collect(),
                },
            ))
        })
        .collect()
}
