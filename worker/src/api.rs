//! `/api/v1/*` handlers.

use guardpost_domain::api::{ErrorCode, Health, KvHealth};
use guardpost_domain::keys;
use guardpost_domain::school::SchoolProfile;
use worker::{Env, Response, Result};

use crate::config;
use crate::reply::{api_error, json};

/// Reports the version and whether KV answers; 503 when it doesn't, so a load balancer or a
/// person can tell a broken deployment from a working one.
pub async fn health(env: &Env) -> Result<Response> {
    let kv = match env.kv(config::KV_BINDING) {
        // A read of a key that need not exist proves the namespace answers.
        Ok(store) => match store.get("v1/health-probe").text().await {
            Ok(_) => KvHealth::Reachable,
            Err(_) => KvHealth::Unreachable,
        },
        Err(_) => KvHealth::Unreachable,
    };
    let status = match kv {
        KvHealth::Reachable => 200,
        KvHealth::Unreachable => 503,
    };
    Ok(json(&Health::from_kv(kv))?.with_status(status))
}

/// The school's public identity, for the app's header.
pub async fn school(env: &Env) -> Result<Response> {
    let school = match config::school(env) {
        Ok(school) => school,
        Err(message) => return api_error(ErrorCode::Internal, message),
    };
    let store = env.kv(config::KV_BINDING)?;
    match store
        .get(&keys::profile(&school))
        .json::<SchoolProfile>()
        .await
    {
        Ok(Some(profile)) => json(&profile.summary()),
        Ok(None) => api_error(
            ErrorCode::NotSeeded,
            format!("school {school} has no profile yet"),
        ),
        Err(e) => api_error(ErrorCode::Internal, format!("reading the profile: {e}")),
    }
}
