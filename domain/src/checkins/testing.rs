//! A change type for check-ins' own tests: its records only, so the projections are tested
//! without the school's change type above this area.

use super::{AsCheckin, Record, ReturnCertificate, SessionCheck, StaffHealth};
use crate::refusals::OpInvalid;
use crate::sync::Stream;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    SessionCheck(SessionCheck),
    StaffHealth(StaffHealth),
    Certificate(ReturnCertificate),
}

impl Payload {
    /// The check's own rule, as the school's change type applies it.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        match self {
            Payload::SessionCheck(check) => check.validate(stream),
            _ => Ok(()),
        }
    }
}

impl AsCheckin for Payload {
    fn checkin(&self) -> Option<Record<'_>> {
        Some(match self {
            Payload::SessionCheck(check) => Record::Check(check),
            Payload::StaffHealth(report) => Record::StaffHealth(report),
            Payload::Certificate(cert) => Record::Certificate(cert),
        })
    }
}
