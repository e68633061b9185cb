//! `/api/v1/health` and `/api/v1/school`: whether this deployment works, and which school it
//! serves.

use guardpost_domain::api::{ErrorCode, Health, KvHealth, Refused};
use guardpost_domain::keys;
use guardpost_domain::school::SchoolProfile;
use worker::{Env, Request};

use crate::identity::School;
use crate::kv::Kv;
use crate::reply::{Answer, Answered, internal};

/// A key that need not exist: reading it proves the namespace answers.
const HEALTH_PROBE: &str = "v1/health-probe";

/// `GET /api/v1/health`: the version and whether KV answers; 503 when it doesn't, so a load
/// balancer or a person can tell a broken deployment from a working one.
pub async fn health(_: Request, env: &Env) -> Answered {
    let reachable = match Kv::of(env) {
        Ok(kv) => kv.text(HEALTH_PROBE).await.is_ok(),
        Err(_) => false,
    };
    let (kv, status) = if reachable {
        (KvHealth::Reachable, 200)
    } else {
        (KvHealth::Unreachable, 503)
    };
    Ok(Answer::json(&Health::from_kv(kv))?.with_status(status))
}

/// `GET /api/v1/school`: the school's public identity, for the app's header.
pub async fn summary(_: Request, env: &Env) -> Answered {
    let school = School::of(env)?;
    let profile = school
        .kv
        .json::<SchoolProfile>(&keys::profile(&school.id))
        .await
        .map_err(|e| internal("reading the profile", e))?
        .ok_or_else(|| {
            Refused::new(
                ErrorCode::NotSeeded,
                format!("school {} has no profile yet", school.id),
            )
        })?;
    Answer::json(&profile.summary())
}
