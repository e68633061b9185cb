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

/// One request and its answer, on this device's clock: sent at `sent_ms`, the answer in at
/// `received_ms`. The server read its clock somewhere between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    sent_ms: u64,
    received_ms: u64,
}

impl Exchange {
    /// An answer to a request sent at `sent_ms`, received at `received_ms` (a clock that
    /// stepped back in between is taken as an instant round trip).
    pub fn new(sent_ms: u64, received_ms: u64) -> Self {
        Self {
            sent_ms: sent_ms.min(received_ms),
            received_ms,
        }
    }

    /// When the answer arrived.
    pub fn received_ms(self) -> u64 {
        self.received_ms
    }

    /// Server clock minus device clock, as close to `current` as this exchange allows: the
    /// server read `server_ms` between sending and receiving, so the offset lies between
    /// `server_ms - received_ms` and `server_ms - sent_ms`. An offset already inside that
    /// range is kept, so phones whose clocks agree with the server's within a round trip are
    /// not moved by how slow their last answer was, and order their changes by their own
    /// clocks; one set wrong is corrected to within the round trip.
    pub fn offset_ms(self, server_ms: u64, current: i64) -> i64 {
        let ms = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let server = ms(server_ms);
        let low = server.saturating_sub(ms(self.received_ms));
        let high = server.saturating_sub(ms(self.sent_ms));
        current.clamp(low, high)
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

    #[test]
    fn an_offset_inside_the_round_trip_is_kept() {
        // The server read 1_000_500 during a request sent at 1_000_000 and answered at
        // 1_002_000 (a slow answer): a clock that agrees with the server stays as it is.
        let slow = Exchange::new(1_000_000, 1_002_000);
        assert_eq!(slow.offset_ms(1_000_500, 0), 0);
        // A clock two hours slow is moved to within the round trip, and no further.
        let behind = Exchange::new(1_000_000, 1_000_300);
        let offset = behind.offset_ms(1_000_100 + 7_200_000, 0);
        assert!((7_199_800..=7_200_100).contains(&offset), "{offset}");
        // One ahead is moved back the same way; an instant exchange pins the offset.
        assert_eq!(Exchange::new(5_000, 5_000).offset_ms(4_000, 0), -1_000);
        assert_eq!(Exchange::new(5_000, 5_000).offset_ms(4_000, 77), -1_000);
        // A clock stepped back between send and answer is an instant exchange.
        assert_eq!(Exchange::new(9_000, 5_000), Exchange::new(5_000, 5_000));
    }
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
