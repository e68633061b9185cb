//! What a segment key's KV metadata carries: the segment itself when small, otherwise its
//! scope, so a pull lists instead of reading.

use serde::{Deserialize, Serialize};

use crate::school::ClassId;
use crate::sync::op::Change;
use crate::sync::segment::{INLINE_LIMIT, StoredSegment};

/// KV metadata of a segment key: the op count always, and the whole segment when it is small
/// enough ([`INLINE_LIMIT`]), so a pull needs no read for it; otherwise its scope, so a pull
/// needs no read for a segment with nothing the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "P: Change")]
pub struct SegmentMeta<P> {
    pub n: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seg: Option<StoredSegment<P>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<SegmentScope>,
}

/// Which classes a segment's ops concern, whether some concern none, and when it was
/// received: enough to answer a teacher's pull with the segment emptied, as reading it would
/// (a teacher's phone reads the health stream of its own classes only, and every class
/// teacher's morning push is in that stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentScope {
    pub classes: Vec<ClassId>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unclassed: bool,
    pub received_ms: u64,
}

/// A segment touching more classes than this is read, keeping the metadata within KV's
/// 1,024 bytes (class ids are at most 16 bytes).
const MAX_SCOPE_CLASSES: usize = 8;

impl SegmentScope {
    fn of<P: Change>(segment: &StoredSegment<P>) -> Option<Self> {
        let mut classes: Vec<ClassId> = Vec::new();
        let mut unclassed = false;
        for op in &segment.ops {
            match op.payload.class() {
                Some(class) if !classes.contains(class) => classes.push(class.clone()),
                Some(_) => {}
                None => unclassed = true,
            }
        }
        (classes.len() <= MAX_SCOPE_CLASSES).then_some(Self {
            classes,
            unclassed,
            received_ms: segment.received_ms,
        })
    }
}

impl<P: Change> SegmentMeta<P> {
    pub fn of(segment: &StoredSegment<P>) -> Self {
        let inline = serde_json::to_string(segment).is_ok_and(|json| json.len() <= INLINE_LIMIT);
        Self {
            n: segment.ops.len(),
            seg: inline.then(|| segment.clone()),
            scope: if inline {
                None
            } else {
                SegmentScope::of(segment)
            },
        }
    }
}
