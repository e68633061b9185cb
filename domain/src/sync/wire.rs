//! The push and pull bodies, and their limits. Every limit here is enforced by the Worker
//! before anything is stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::hlc::Hlc;
use super::ids::{DeviceId, Seq, Stream};
use super::op::Change;
use super::segment::{Day, Rejected, StoredSegment};
use crate::school::{CheckinSettings, ClassGroup, ClassId, Role};
use crate::text::Name;

/// The largest request body the Worker reads: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// The most ops one segment may carry.
pub const MAX_OPS_PER_SEGMENT: usize = 500;
/// The most devices one stream's vector may name.
pub const MAX_VECTOR_DEVICES: usize = 2_000;
/// The most days one pull lists; older days need a resumed pull.
pub const MAX_DAYS_PER_PULL: usize = 31;
/// A pull page stops once it holds about this many ops; the client continues with `resume`.
/// The Worker spends about 4.5 ms of CPU per 1,000 ops on a page (bench/server-cost.mjs), and
/// the free plan stops a request at 10 ms: a page ends before 1,500 ops even when its last
/// segment is a full one of 500.
pub const PULL_PAGE_OPS: usize = 1_000;

/// An op as the device sends it: the Worker adds its identity (from the segment) and who
/// wrote it (from the device's credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>")
)]
pub struct OpDraft<P> {
    pub hlc: Hlc,
    pub payload: P,
}

impl<P> OpDraft<P> {
    /// The same draft with its change put through `f`; `None` when `f` gives none.
    pub fn try_map<Q>(self, f: impl FnOnce(P) -> Option<Q>) -> Option<OpDraft<Q>> {
        Some(OpDraft {
            hlc: self.hlc,
            payload: f(self.payload)?,
        })
    }
}

/// `POST /api/v1/sync/push`: one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound = "P: Change")]
pub struct PushRequest<P> {
    pub protocol: u32,
    pub stream: Stream,
    pub seq: Seq,
    pub ops: Vec<OpDraft<P>>,
}

/// The answer to a push: which ops were refused and why; every other op is accepted.
/// The same segment pushed again gets the same ack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAck {
    pub protocol: u32,
    pub stream: Stream,
    pub seq: Seq,
    pub accepted: usize,
    pub rejected: Vec<Rejected>,
    pub server_ms: u64,
}

/// Where a paged pull continues: the day to list next and, if that day itself was cut,
/// KV's list cursor of the page to list and the last key already answered in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    pub day: Day,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Set while the pull is reading the snapshot's chunks (then `day` is its cut).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snap: Option<SnapResume>,
}

/// The snapshot manifest a paged pull is reading, and its next chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapResume {
    pub manifest: String,
    pub next: u32,
}

/// What the caller already has of one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamCursor {
    /// Per device, the highest seq up to which the caller has every segment.
    #[serde(default)]
    pub vector: BTreeMap<DeviceId, u32>,
    /// Segments above the vector the caller already holds (received past a gap).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub held: BTreeMap<DeviceId, Vec<u32>>,
}

impl StreamCursor {
    /// Whether the caller already has this segment.
    pub fn covers(&self, device: &DeviceId, seq: Seq) -> bool {
        self.vector.get(device).is_some_and(|&top| seq.get() <= top)
            || self
                .held
                .get(device)
                .is_some_and(|held| held.contains(&seq.get()))
    }

    /// How many entries the cursor carries, for the size limit.
    pub fn entries(&self) -> usize {
        self.vector.len() + self.held.values().map(|h| h.len().max(1)).sum::<usize>()
    }
}

/// `POST /api/v1/sync/pull`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    pub protocol: u32,
    /// The oldest receive day the caller still needs listed.
    pub since: Day,
    /// A joining device's horizon: daily records dated before it are not wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<Day>,
    /// Set to continue a page that was cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
    /// The streams wanted, with what the caller has of each.
    pub streams: BTreeMap<Stream, StreamCursor>,
}

impl PullRequest {
    /// The request for the page after an answer that said `resume`, made before the answer
    /// is read in full and taken in ([`resume_of`]), so that a device fetches the next page
    /// while it takes this one in. Its cursors are the ones this request was made with: the
    /// Worker reads them only to leave out segments the device holds, and the next page
    /// lists past the resume point, so it asks for the same segments, and for any it would
    /// have left out (a compaction between the pages copies segments into the snapshot)
    /// the device ignores what it holds. None on the last page.
    pub fn next_page(&self, resume: Option<Resume>) -> Option<Self> {
        Some(Self {
            resume: Some(resume?),
            ..self.clone()
        })
    }
}

/// Where a pull's answer (its JSON) says to continue, read without building its segments.
pub fn resume_of(answer: &str) -> Result<Option<Resume>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Cut {
        #[serde(default)]
        resume: Option<Resume>,
    }
    crate::json::from_str::<Cut>(answer).map(|cut| cut.resume)
}

/// The answer to a pull: segments the caller lacks, in key order. A segment of a stream
/// the caller reads only in part (a teacher's view of `health`) carries only the ops the
/// caller may see, possibly none, so its vector still advances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "P: Change")]
pub struct PullResponse<P> {
    pub protocol: u32,
    pub server_ms: u64,
    pub segments: Vec<StoredSegment<P>>,
    /// Set when the answer was cut: pull again with it to continue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
}

/// A class as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassRef {
    pub id: ClassId,
    pub name: Name,
    /// The directory's head count, used when the class has no roster yet.
    #[serde(default)]
    pub students: u16,
    #[serde(default)]
    pub boarding: bool,
}

impl ClassRef {
    pub fn of(class: &ClassGroup) -> Self {
        Self {
            id: class.id.clone(),
            name: class.name.clone(),
            students: class.students,
            boarding: class.boarding,
        }
    }

    /// The class as the check-in rules see it.
    pub fn group(&self) -> ClassGroup {
        ClassGroup {
            id: self.id.clone(),
            name: self.name.clone(),
            students: self.students,
            boarding: self.boarding,
        }
    }
}

/// `GET /api/v1/sync/session`: who the device's token says it is, and what it may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub protocol: u32,
    pub device: DeviceId,
    pub name: Name,
    pub role: Role,
    /// For teachers, the classes they may record checks for.
    pub classes: Vec<ClassRef>,
    pub streams: Vec<Stream>,
    pub server_ms: u64,
    /// Every class of the school, for those who see the class list (`Role::sees_class_list`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_classes: Vec<ClassRef>,
    /// How many staff the directory lists, for those who see the class list: reserves are
    /// counted for students and staff.
    #[serde(default)]
    pub staff: u16,
    #[serde(default)]
    pub checkins: CheckinSettings,
}

impl super::auth::Actor for SessionInfo {
    fn role(&self) -> Role {
        self.role
    }

    fn teaches(&self, class: &ClassId) -> bool {
        self.classes.iter().any(|c| &c.id == class)
    }

    fn teaches_any(&self) -> bool {
        !self.classes.is_empty()
    }
}
