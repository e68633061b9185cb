//! Settings read from the Worker's environment (`[vars]` in wrangler.toml).

use guardpost_domain::school::SchoolId;
use worker::Env;

/// The KV namespace binding that holds every school's data.
pub const KV_BINDING: &str = "KV";
/// The rate limiter every invite and setup code redemption passes (`[[ratelimits]]` in
/// wrangler.toml: `throttle::JOIN_ADMITTED_PER_MINUTE` a minute per client address).
pub const JOIN_LIMITER: &str = "JOIN_LIMITER";
/// The static-assets binding that serves Trunk's `dist/`.
pub const ASSETS_BINDING: &str = "ASSETS";

/// The school this deployment serves at `/` and for the app. A misconfigured id is a
/// deployment error, reported as such rather than silently replaced.
pub fn school(env: &Env) -> Result<SchoolId, String> {
    let raw = env
        .var("SCHOOL")
        .map(|v| v.to_string())
        .map_err(|_| "the SCHOOL variable is not set in wrangler.toml".to_owned())?;
    SchoolId::parse(&raw).map_err(|e| format!("SCHOOL={raw:?}: {e}"))
}

/// How long the Worker reuses a page of a KV listing (`LIST_CACHE_SECONDS`, default 30; 0
/// turns it off, as the tests do to see every write at once). KV lists are themselves up to
/// a minute stale and devices re-list from an hour back, so this adds no risk; it stops the
/// lists a school day costs from growing with the number of devices (the free plan allows
/// 1,000 a day). The Cache API works per data centre, and not at all on workers.dev.
pub fn list_cache_seconds(env: &Env) -> u32 {
    env.var("LIST_CACHE_SECONDS")
        .ok()
        .and_then(|v| v.to_string().trim().parse::<u32>().ok())
        .map_or(30, |s| s.min(300))
}
