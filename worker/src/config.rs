//! Settings read from the Worker's environment (`[vars]` in wrangler.toml).

use guardpost_domain::school::SchoolId;
use worker::Env;

/// The KV namespace binding that holds every school's data.
pub const KV_BINDING: &str = "KV";
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
