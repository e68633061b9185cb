//! A change as the check-in projections see it, whatever else the school's changes hold.

use super::{ReturnCertificate, SessionCheck, StaffHealth, Student};
use crate::sync::hlc::Hlc;
use crate::sync::replica::Replica;
use crate::sync::{Change, Op};

/// A check-in record inside a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record<'a> {
    Check(&'a SessionCheck),
    Student(&'a Student),
    StaffHealth(&'a StaffHealth),
    Certificate(&'a ReturnCertificate),
}

/// Which changes are check-in records: the school's one change type says so for its kinds,
/// so this area reads ops without knowing the others.
pub trait AsCheckin: std::fmt::Debug {
    fn checkin(&self) -> Option<Record<'_>>;
}

/// A change as the projections see it: held (synced) or still waiting on this device. Its
/// payload is the school's change type where the replica hands it out (so a screen can
/// compare it with a change it holds), or any check-in record behind `dyn`.
#[derive(Debug)]
pub struct Entry<'a, P: ?Sized = dyn AsCheckin> {
    pub hlc: Hlc,
    pub payload: &'a P,
}

// Written out: derived ones would ask the payload to be `Copy`, which only its reference is.
impl<P: ?Sized> Clone for Entry<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P: ?Sized> Copy for Entry<'_, P> {}

impl<'a, P: AsCheckin + ?Sized> Entry<'a, P> {
    /// The check-in record this change holds, if any.
    pub fn record(&self) -> Option<Record<'a>> {
        let payload: &'a P = self.payload;
        payload.checkin()
    }
}

impl<'a, P: AsCheckin> From<&'a Op<P>> for Entry<'a, P> {
    fn from(op: &'a Op<P>) -> Self {
        Self {
            hlc: op.hlc,
            payload: &op.payload,
        }
    }
}

impl<P: Change + AsCheckin> Replica<P> {
    /// Every change this device knows as the projections see it: the ops held, then those
    /// still waiting to sync.
    pub fn entries(&self) -> Vec<Entry<'_, P>> {
        self.changes()
            .into_iter()
            .map(|(hlc, payload)| Entry { hlc, payload })
            .collect()
    }
}
