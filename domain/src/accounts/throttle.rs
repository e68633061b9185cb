//! Failure counting with lockout, for guessable secrets (invite and setup codes) and for
//! failed authentication. The Worker keeps one [`Attempts`] per client address and action.

use serde::{Deserialize, Serialize};

/// How many failures are tolerated within a window, and how long a lockout lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub max_failures: u32,
    pub window_ms: u64,
    pub lockout_ms: u64,
}

/// Redeeming invite and setup codes: a school office behind one address may mistype a few
/// codes, a guesser gets ten tries per quarter hour.
pub const REDEEM: Policy = Policy {
    max_failures: 10,
    window_ms: 15 * 60_000,
    lockout_ms: 15 * 60_000,
};

/// Unknown, revoked or expired bearer tokens. More generous: a whole school shares one
/// address and a device with a stale token tries a few times before it stops.
pub const AUTH: Policy = Policy {
    max_failures: 30,
    window_ms: 10 * 60_000,
    lockout_ms: 10 * 60_000,
};

/// Failures from one address for one action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    pub window_start_ms: u64,
    pub failures: u32,
    #[serde(default)]
    pub locked_until_ms: u64,
}

impl Attempts {
    /// While locked out, the seconds until the lock ends (at least 1).
    pub fn locked(&self, now_ms: u64) -> Option<u64> {
        (self.locked_until_ms > now_ms).then(|| (self.locked_until_ms - now_ms).div_ceil(1000))
    }

    /// Counts a failure at `now_ms`; the failure that reaches the limit starts a lockout.
    pub fn fail(&mut self, policy: Policy, now_ms: u64) {
        if now_ms.saturating_sub(self.window_start_ms) >= policy.window_ms {
            self.window_start_ms = now_ms;
            self.failures = 0;
        }
        self.failures = self.failures.saturating_add(1);
        if self.failures >= policy.max_failures {
            self.locked_until_ms = now_ms.saturating_add(policy.lockout_ms);
            self.window_start_ms = self.locked_until_ms;
            self.failures = 0;
        }
    }

    /// How long this record is worth keeping, in seconds.
    pub fn keep_seconds(&self, policy: Policy, now_ms: u64) -> u64 {
        let until = self
            .locked_until_ms
            .max(self.window_start_ms.saturating_add(policy.window_ms));
        until.saturating_sub(now_ms).div_ceil(1000).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_tenth_failure_locks_for_a_quarter_hour() {
        let mut a = Attempts::default();
        for i in 0..9 {
            a.fail(REDEEM, 1_000 + i);
            assert_eq!(a.locked(1_000 + i), None);
        }
        a.fail(REDEEM, 2_000);
        assert_eq!(a.locked(2_000), Some(15 * 60));
        assert_eq!(a.locked(2_000 + REDEEM.lockout_ms), None);
    }

    #[test]
    fn failures_spread_out_never_lock() {
        let mut a = Attempts::default();
        for i in 0..100 {
            a.fail(REDEEM, i * REDEEM.window_ms / 5);
            assert_eq!(a.locked(i * REDEEM.window_ms / 5), None);
        }
    }

    proptest! {
        /// However failures arrive, no address gets `2 × max_failures` tries into any window's
        /// length (a fixed window lets a burst at its end meet one at the next's start).
        #[test]
        fn at_most_max_failures_per_window(gaps in proptest::collection::vec(0u64..120_000, 1..200)) {
            let mut a = Attempts::default();
            let mut now = 0u64;
            let mut tries: Vec<u64> = Vec::new();
            for gap in gaps {
                now += gap;
                if a.locked(now).is_some() {
                    continue;
                }
                tries.push(now);
                a.fail(REDEEM, now);
                let recent = tries.iter().filter(|t| now - **t < REDEEM.window_ms).count();
                prop_assert!(recent < 2 * REDEEM.max_failures as usize);
            }
        }
    }
}
