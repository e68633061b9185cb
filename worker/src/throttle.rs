//! Throttling guessers: failed attempts counted per client address in the data centre's cache,
//! with lockout, and the runtime's rate limiter in front of every code redemption. The
//! policies (how many, how long) are the domain's (`guardpost_domain::accounts::throttle`).

use guardpost_domain::accounts::throttle::{self, Attempts, Policy};
use guardpost_domain::api::Refused;
use sha2::{Digest, Sha256};
use worker::{Cache, Env, Request, Response};

use crate::config;
use crate::reply::internal;

/// Failed attempts of one client (an address, or an IPv6 /64: [`throttle::client_key`]) at
/// one action, kept in the data centre's cache: free (no KV writes an attacker could use up)
/// and close to where the attempts arrive.
pub struct Throttle {
    url: String,
    address: String,
    policy: Policy,
    attempts: Attempts,
}

impl Throttle {
    pub async fn load(req: &Request, action: &str, policy: Policy) -> Self {
        let address = req
            .headers()
            .get("CF-Connecting-IP")
            .ok()
            .flatten()
            .unwrap_or_default();
        // Hashed, so the cache and the limiter hold no addresses.
        let digest = Sha256::digest(throttle::client_key(&address).as_bytes());
        let id: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let url = format!("https://throttle.guardpost.invalid/{action}/{id}");
        let attempts = match Cache::default().get(url.as_str(), false).await {
            Ok(Some(mut hit)) => hit.json::<Attempts>().await.unwrap_or_default(),
            _ => Attempts::default(),
        };
        Self {
            url,
            address: id,
            policy,
            attempts,
        }
    }

    /// The throttle of code redemptions, before a code is looked at: a locked-out address is
    /// refused, right codes included (checking them would let a guesser go on guessing), and
    /// every attempt passes the rate limiter.
    pub async fn redemption(req: &Request, env: &Env, now_ms: u64) -> Result<Self, Refused> {
        let attempts = Self::load(req, "redeem", throttle::REDEEM).await;
        attempts.check(now_ms)?;
        attempts.admit(env).await?;
        Ok(attempts)
    }

    /// Admits one attempt through the runtime's rate limiter ([`config::JOIN_LIMITER`]),
    /// which counts every attempt, atomically: the failure count above is read, bumped and
    /// written back, so guesses sent in parallel could slip past it; this can't be raced.
    async fn admit(&self, env: &Env) -> Result<(), Refused> {
        let limiter = env
            .rate_limiter(config::JOIN_LIMITER)
            .map_err(|e| internal("the rate limiter binding", e))?;
        let outcome = limiter
            .limit(self.address.clone())
            .await
            .map_err(|e| internal("the rate limiter", e))?;
        if outcome.success {
            Ok(())
        } else {
            Err(Refused::locked(60))
        }
    }

    /// Refuses while the address is locked out.
    pub fn check(&self, now_ms: u64) -> Result<(), Refused> {
        match self.attempts.locked(now_ms) {
            Some(seconds) => Err(Refused::locked(seconds)),
            None => Ok(()),
        }
    }

    /// Counts a failure. A cache that can't be written only weakens the throttle.
    pub async fn fail(&mut self, now_ms: u64) {
        self.attempts.fail(self.policy, now_ms);
        let Ok(mut response) = Response::from_json(&self.attempts) else {
            return;
        };
        let keep = self.attempts.keep_seconds(self.policy, now_ms);
        if response
            .headers_mut()
            .set("Cache-Control", &format!("max-age={keep}"))
            .is_ok()
        {
            let _ = Cache::default().put(self.url.as_str(), response).await;
        }
    }
}
