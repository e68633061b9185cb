//! A change type for sync's own tests: documents only, so the sync core is tested without
//! any area's changes and without the school's change type above it.

use serde::{Deserialize, Serialize};

use super::document::SetField;
use super::ids::Stream;
use super::op::{Change, WriteRule};
use crate::refusals::OpInvalid;
use crate::school::{ClassId, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    SetField(SetField),
}

pub type Op = super::Op<Payload>;
pub type Replica = super::replica::Replica<Payload>;
pub type StoredSegment = super::segment::StoredSegment<Payload>;
pub type Applied = super::replica::Applied<Payload>;

impl WriteRule for Payload {
    fn may_write(&self, _: Role, stream: Stream, _: &dyn Fn(&ClassId) -> bool) -> bool {
        stream != Stream::Directory
    }
}

impl Change for Payload {
    fn class(&self) -> Option<&ClassId> {
        None
    }
    fn date(&self) -> Option<chrono::NaiveDate> {
        None
    }
    fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        let Payload::SetField(set) = self;
        set.validate(stream)
    }
    fn set_field(&self) -> Option<&SetField> {
        let Payload::SetField(set) = self;
        Some(set)
    }
}
