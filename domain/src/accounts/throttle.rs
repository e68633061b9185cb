//! Failure counting with lockout, for guessable secrets (invite and setup codes) and for
//! failed authentication. The Worker keeps one [`Attempts`] per client address and action.
//!
//! A school's staff usually share one public address, so every limit here is per address
//! *and* sized for a whole staff room behind it: the codes' length, not a tight lockout, is
//! what makes guessing hopeless (the arithmetic is in the README, "Security", and in the
//! tests below).

use serde::{Deserialize, Serialize};

/// How many failures are tolerated within a window, and how long a lockout lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub max_failures: u32,
    pub window_ms: u64,
    pub lockout_ms: u64,
}

/// Redeeming invite and setup codes. A staff meeting behind one address where everyone
/// types their code by hand makes a handful of typos, not a hundred in an hour; an address
/// that does is guessing, and is locked out for an hour, right codes included (a lockout
/// that let a right code through would stop no guesser: every guess would still be tried).
pub const REDEEM: Policy = Policy {
    max_failures: 100,
    window_ms: 60 * 60_000,
    lockout_ms: 60 * 60_000,
};

/// Redemptions (of any outcome) the Worker's `JOIN_LIMITER` admits per address per minute
/// (`[[ratelimits]]` in wrangler.toml, which must say the same): a room of staff can all
/// join within the same minute. Unlike the failure count, which parallel requests can race,
/// the limiter counts atomically, so this is the bound a guesser can't get around: at most
/// this many guesses a minute, from each address.
pub const JOIN_ADMITTED_PER_MINUTE: u32 = 100;

/// Unknown, revoked or expired bearer tokens. A whole school shares one address, and its
/// devices' tokens may all go stale together (joined the same week, expiring the same week;
/// or the office signing many phones out at once); each such device fails once or twice,
/// then forgets its token. Tokens are 256 random bits, so this only sheds load: no rate
/// makes guessing one feasible, and it must not lock the school's good devices out.
pub const AUTH: Policy = Policy {
    max_failures: 300,
    window_ms: 10 * 60_000,
    lockout_ms: 10 * 60_000,
};

/// What the throttle counts as one client, from the address the runtime reports: an IPv4
/// address as it is, an IPv6 address by its /64, since one network (a home, a school's LAN)
/// gets a whole /64 and could otherwise try from 2⁶⁴ addresses of its own.
pub fn client_key(address: &str) -> String {
    match address.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        // Not an address (no header, as in some local runs): one shared client.
        Err(_) => "unknown".to_owned(),
    }
}

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

    /// `n` failures from one address, a second apart, starting at `start`.
    fn fail_n(a: &mut Attempts, policy: Policy, start: u64, n: u64) {
        for i in 0..n {
            a.fail(policy, start + i * 1_000);
        }
    }

    #[test]
    fn a_staff_rooms_typos_lock_no_one_out() {
        let mut a = Attempts::default();
        // Ten typos, then a second staff meeting's 89 more: 99 within the hour.
        fail_n(&mut a, REDEEM, 0, 10);
        assert_eq!(a.locked(10_000), None);
        fail_n(&mut a, REDEEM, 30 * 60_000, 89);
        assert_eq!(a.locked(40 * 60_000), None);
        // The next hour starts afresh.
        fail_n(&mut a, REDEEM, 61 * 60_000, 99);
        assert_eq!(a.locked(70 * 60_000), None);
    }

    #[test]
    fn the_hundredth_failure_within_an_hour_locks_for_an_hour() {
        let mut a = Attempts::default();
        fail_n(&mut a, REDEEM, 5_000, 99);
        assert_eq!(a.locked(5_000 + 98_000), None);
        a.fail(REDEEM, 200_000);
        assert_eq!(a.locked(200_000), Some(60 * 60));
        assert_eq!(a.locked(200_000 + REDEEM.lockout_ms - 1), Some(1));
        assert_eq!(a.locked(200_000 + REDEEM.lockout_ms), None);
    }

    #[test]
    fn failures_spread_out_never_lock() {
        let mut a = Attempts::default();
        for i in 0..1_000 {
            a.fail(REDEEM, i * REDEEM.window_ms / 50);
            assert_eq!(a.locked(i * REDEEM.window_ms / 50), None);
        }
    }

    #[test]
    fn an_ipv6_network_is_one_client() {
        assert_eq!(client_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(client_key("::ffff:203.0.113.7"), "203.0.113.7");
        let a = client_key("2001:db8:1:2:aaaa::1");
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(client_key("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), a);
        assert_ne!(client_key("2001:db8:1:3::1"), a);
        assert_eq!(client_key(""), "unknown");
        assert_eq!(client_key("not an address"), "unknown");
    }

    #[test]
    fn wrangler_toml_admits_what_the_policy_says() {
        let toml = include_str!("../../../wrangler.toml");
        let limiter = toml
            .split("[[ratelimits]]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_default();
        assert!(limiter.contains("name = \"JOIN_LIMITER\""), "{limiter}");
        let simple = format!("simple = {{ limit = {JOIN_ADMITTED_PER_MINUTE}, period = 60 }}");
        assert!(limiter.contains(&simple), "{limiter}");
    }

    /// The README's arithmetic, from the constants: whatever they become, guessing a pending
    /// invite or a device token from one address must stay hopeless.
    #[test]
    fn guessing_stays_infeasible() {
        let per_day = f64::from(JOIN_ADMITTED_PER_MINUTE) * 60.0 * 24.0;
        assert_eq!(per_day, 144_000.0);
        // A code is one of 32^12 = 2^60; a school has at most MAX_STAFF people, and an
        // admin rarely keeps more than one invite per person pending: allow two.
        let pending = 2.0 * crate::school::SchoolProfile::MAX_STAFF as f64;
        let codes = 2f64.powi(5 * super::super::invites::CODE_CHARS as i32);
        let per_year = per_day * 365.0 * pending / codes;
        assert!(per_year < 1e-7, "{per_year:e} per address and year");
        // An address that guesses one at a time is locked out at the hundredth failure:
        // at most 100 failures in any hour's window, so 2,500 in any day.
        let sequential_per_day = f64::from(REDEEM.max_failures) * 25.0;
        assert!(sequential_per_day * 365.0 * pending / codes < 1e-9);
        // A setup code of MIN_SETUP_SECRET random base64 characters (96 bits), against ten
        // thousand addresses for ten years.
        let setup = 2f64.powi(6 * super::super::MIN_SETUP_SECRET as i32);
        assert!(per_day * 3_650.0 * 10_000.0 / setup < 1e-9);
        // A device token: 256 bits, against a thousand times the rate from a million
        // addresses for a century, with a thousand devices signed in.
        let tokens = 2f64.powi(256);
        assert!(per_day * 1_000.0 * 1e6 * 36_500.0 * 1_000.0 / tokens < 1e-40);
    }

    proptest! {
        /// However failures arrive, no address gets `2 × max_failures` tries into any window's
        /// length (a fixed window lets a burst at its end meet one at the next's start), nor
        /// more than `max_failures` per window's length in the long run.
        #[test]
        fn at_most_max_failures_per_window(
            auth in any::<bool>(),
            gaps in proptest::collection::vec(0u64..1_000_000, 1..400),
            shift in 0u32..10,
        ) {
            let policy = if auth { AUTH } else { REDEEM };
            let mut a = Attempts::default();
            let mut now = 0u64;
            let mut tries: Vec<u64> = Vec::new();
            for gap in gaps {
                // Large shifts give bursts that reach the limit, small ones spread failures out.
                now += gap >> shift;
                if a.locked(now).is_some() {
                    continue;
                }
                tries.push(now);
                a.fail(policy, now);
                let recent = tries.iter().filter(|t| now - **t < policy.window_ms).count();
                prop_assert!(recent < 2 * policy.max_failures as usize);
                let windows = now / policy.window_ms + 1;
                prop_assert!(tries.len() as u64 <= u64::from(policy.max_failures) * windows);
            }
        }
    }
}
