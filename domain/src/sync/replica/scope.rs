//! Whom a device's records were pulled for, and what changes when an admin changes it.

use serde::{Deserialize, Serialize};

use super::{Replica, join_horizon};
use crate::school::{ClassId, Role};
use crate::sync::auth::Actor;
use crate::sync::ids::OpId;
use crate::sync::op::Change;
use crate::sync::segment::Day;
use crate::sync::wire::SessionInfo;

/// A person's reach as the Worker grants it: their role and classes. An admin who changes
/// either changes what the device may hold and which streams it may ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub role: Role,
    pub classes: Vec<ClassId>,
}

impl Scope {
    pub fn of(session: &SessionInfo) -> Self {
        let mut classes: Vec<ClassId> = session.classes.iter().map(|c| c.id.clone()).collect();
        crate::order::sort(&mut classes);
        Self {
            role: session.role,
            classes,
        }
    }
}

impl<P: Change> Replica<P> {
    /// Whether `session` reaches other records than those held were pulled for: then the
    /// next round must take it in ([`Self::rescope`]) before its pull means anything.
    pub fn scope_changed(&self, session: &SessionInfo) -> bool {
        match &self.scope {
            Some(held) => *held != Scope::of(session),
            // Kept before scopes: only the streams tell.
            None => !self
                .cursors
                .keys()
                .copied()
                .eq(crate::order::set_of(session.streams.iter().copied())),
        }
    }

    /// Takes in the person's session: when their role or classes changed since the ops held
    /// were pulled, what others wrote that they may no longer read leaves the device (its
    /// ids are returned for the store to delete) and the device pulls again as if joining,
    /// for the streams and classes it has now; what waits in the outbox stays, to be judged
    /// by the Worker. None when nothing changed.
    pub fn rescope(&mut self, session: &SessionInfo, now_ms: u64) -> Option<Vec<OpId>> {
        let scope = Scope::of(session);
        if !self.scope_changed(session) {
            if self.scope.is_none() {
                self.scope = Some(scope);
                return Some(Vec::new());
            }
            return None;
        }
        // Its own ops stay: the person's own records (her staff health report) come back by
        // ack, never by pull, and are hers whatever her role.
        let gone: Vec<OpId> = self
            .ops
            .values()
            .filter(|op| op.id.device != self.device && !session.may_read_op(op))
            .map(|op| op.id.clone())
            .collect();
        for id in &gone {
            self.ops.remove(id);
        }
        self.cursors = super::fresh_cursors(&session.streams);
        self.held_days.clear();
        self.since = Day::FIRST;
        self.horizon = Some(join_horizon(now_ms));
        self.resume = None;
        self.pull_started_ms = None;
        self.scope = Some(scope);
        Some(gone)
    }
}
