//! Who is calling: the school this deployment serves, and the device behind a bearer token,
//! looked up by the token's hash and resolved against the school's directory.

use guardpost_domain::accounts::throttle;
use guardpost_domain::api::{ErrorCode, Refused};
use guardpost_domain::keys;
use guardpost_domain::school::{SchoolId, SchoolProfile};
use guardpost_domain::sync::auth::{Actor, DeviceGrant, Operation, token_hash, token_well_formed};
use guardpost_domain::sync::server;
use worker::{Date, Env, Request};

use crate::config;
use crate::kv::{Kv, KvCost};
use crate::reply::internal;
use crate::throttle::Throttle;

/// The school, its KV namespace and the time: what every API handler needs.
pub struct School {
    pub id: SchoolId,
    pub kv: Kv,
    pub now_ms: u64,
}

impl School {
    pub fn of(env: &Env) -> Result<Self, Refused> {
        let id = config::school(env).map_err(|m| Refused::new(ErrorCode::Internal, m))?;
        Ok(Self {
            id,
            kv: Kv::of(env)?,
            now_ms: Date::now().as_millis(),
        })
    }

    /// The school's directory, if it has one yet.
    pub async fn directory(&self) -> Result<Option<SchoolProfile>, Refused> {
        self.kv
            .json::<SchoolProfile>(&keys::profile(&self.id))
            .await
            .map_err(|e| internal("reading the directory", e))
    }
}

/// An authenticated caller: the device's grant, refreshed from the current directory.
pub struct Caller {
    pub school: School,
    pub grant: DeviceGrant,
    pub directory: SchoolProfile,
    /// KV spent before the caller was known: the token's lookups, the same on every request.
    identified_at: KvCost,
}

impl Caller {
    /// Refuses what the caller's role doesn't allow.
    pub fn require(&self, operation: Operation<'_>) -> Result<(), Refused> {
        self.grant
            .may(operation)
            .map_err(|e| Refused::new(ErrorCode::Forbidden, e.to_string()))
    }

    /// What the request has cost in KV since the caller was known: the cost of the work it
    /// asked for, which is what a sync response reports.
    pub fn work_cost(&self) -> KvCost {
        self.school.kv.cost().since(self.identified_at)
    }
}

/// Authenticates the request's bearer token. Unknown, revoked and expired tokens count as
/// failures of the client's address; past [`throttle::AUTH`]'s limit the address is locked
/// out for a while, whatever token it sends.
pub async fn authenticate(req: &Request, env: &Env) -> Result<Caller, Refused> {
    let school = School::of(env)?;
    let mut attempts = Throttle::load(req, "auth", throttle::AUTH).await;
    attempts.check(school.now_ms)?;
    let header = req
        .headers()
        .get("Authorization")
        .ok()
        .flatten()
        .unwrap_or_default();
    let Some(token) = header
        .strip_prefix("Bearer ")
        .filter(|t| token_well_formed(t))
    else {
        return Err(Refused::new(
            ErrorCode::Unauthorized,
            "send the device token as 'Authorization: Bearer …'",
        ));
    };
    let grant = school
        .kv
        .json::<DeviceGrant>(&keys::device_grant(&school.id, &token_hash(token)))
        .await
        .map_err(|e| internal("reading the device grant", e))?;
    let Some(directory) = school.directory().await? else {
        return Err(Refused::new(
            ErrorCode::NotSeeded,
            "the school has no directory yet; set it up with the setup code",
        ));
    };
    // A grant is looked up under this school's prefix, so another school's token is unknown
    // here; the school check guards against a grant copied between prefixes.
    let grant = grant.filter(|g| g.school == school.id);
    match server::check_grant(grant, &directory, school.now_ms) {
        Ok(grant) => Ok(Caller {
            grant,
            directory,
            identified_at: school.kv.cost(),
            school,
        }),
        Err(refused) => {
            if matches!(refused.code, ErrorCode::Unauthorized | ErrorCode::Revoked) {
                attempts.fail(school.now_ms).await;
            }
            Err(refused)
        }
    }
}

/// [`authenticate`], then refuses a caller whose role doesn't allow `operation`.
pub async fn authorize(
    req: &Request,
    env: &Env,
    operation: Operation<'_>,
) -> Result<Caller, Refused> {
    let caller = authenticate(req, env).await?;
    caller.require(operation)?;
    Ok(caller)
}
