//! A hybrid logical clock: physical milliseconds plus a counter, so that every op a device
//! writes orders after everything it has seen, even when its wall clock is behind.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How far ahead of the receiver's clock a timestamp may be before it is refused: a phone
/// whose clock is set days ahead would otherwise win every last-writer-wins merge.
pub const MAX_SKEW_MS: u64 = 5 * 60 * 1000;

/// A timestamp: `(wall_ms, counter)`, ordered lexicographically.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch.
    pub wall: u64,
    /// Breaks ties between events in the same millisecond.
    pub counter: u32,
}

impl From<(u64, u32)> for Hlc {
    fn from((wall, counter): (u64, u32)) -> Self {
        Self { wall, counter }
    }
}

impl From<Hlc> for (u64, u32) {
    fn from(hlc: Hlc) -> Self {
        (hlc.wall, hlc.counter)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("timestamp {remote_ms} is more than {MAX_SKEW_MS} ms ahead of {now_ms}")]
pub struct ClockAhead {
    pub remote_ms: u64,
    pub now_ms: u64,
}

impl Hlc {
    /// The timestamp for a new local event, given the last one issued and the wall clock.
    pub fn tick(last: Hlc, now_ms: u64) -> Hlc {
        if now_ms > last.wall {
            Hlc {
                wall: now_ms,
                counter: 0,
            }
        } else {
            Hlc {
                wall: last.wall,
                counter: last.counter.saturating_add(1),
            }
        }
    }

    /// Folds a received timestamp into the local clock so later local events order after it.
    /// A timestamp too far ahead of `now_ms` is refused and leaves the clock as it was.
    pub fn observe(last: Hlc, remote: Hlc, now_ms: u64) -> Result<Hlc, ClockAhead> {
        check_skew(remote, now_ms)?;
        Ok(last.max(remote).max(Hlc {
            wall: now_ms,
            counter: 0,
        }))
    }
}

/// Refuses a timestamp more than [`MAX_SKEW_MS`] ahead of `now_ms`.
pub fn check_skew(remote: Hlc, now_ms: u64) -> Result<(), ClockAhead> {
    if remote.wall > now_ms.saturating_add(MAX_SKEW_MS) {
        Err(ClockAhead {
            remote_ms: remote.wall,
            now_ms,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tick_is_monotonic_when_the_clock_goes_back() {
        let a = Hlc::tick(Hlc::default(), 1_000);
        let b = Hlc::tick(a, 900);
        assert!(b > a);
        assert_eq!(
            b,
            Hlc {
                wall: 1_000,
                counter: 1
            }
        );
    }

    #[test]
    fn observe_refuses_far_future() {
        let now = 10_000_000;
        let far = Hlc {
            wall: now + MAX_SKEW_MS + 1,
            counter: 0,
        };
        assert!(Hlc::observe(Hlc::default(), far, now).is_err());
        let near = Hlc {
            wall: now + MAX_SKEW_MS,
            counter: 3,
        };
        assert_eq!(Hlc::observe(Hlc::default(), near, now), Ok(near));
    }

    proptest! {
        #[test]
        fn tick_after_observe_orders_after_both(
            last_wall in 0u64..1_000_000, last_c in 0u32..10,
            remote_wall in 0u64..1_000_000, remote_c in 0u32..10,
            now in 0u64..1_000_000,
        ) {
            let last = Hlc { wall: last_wall, counter: last_c };
            let remote = Hlc { wall: remote_wall, counter: remote_c };
            if let Ok(seen) = Hlc::observe(last, remote, now) {
                let next = Hlc::tick(seen, now);
                prop_assert!(next > last && next > remote);
            }
        }
    }
}
