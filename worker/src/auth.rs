//! Who is calling: the device's bearer token looked up by its hash and resolved against the
//! school's directory, failed attempts counted per client address with lockout, and the
//! random bytes new codes and tokens are made of.

use guardpost_domain::accounts::throttle::{self, Attempts, Policy};
use guardpost_domain::api::{ErrorCode, Refused};
use guardpost_domain::keys;
use guardpost_domain::school::{SchoolId, SchoolProfile};
use guardpost_domain::sync::auth::{Actor, DeviceGrant, Operation, token_hash, token_well_formed};
use guardpost_domain::sync::server;
use sha2::{Digest, Sha256};
use worker::kv::KvStore;
use worker::wasm_bindgen::JsCast;
use worker::{Cache, Date, Env, Request, Response, js_sys};

use crate::config;

/// The school, its KV namespace and the time: what every API handler needs.
pub struct School {
    pub id: SchoolId,
    pub store: KvStore,
    pub now_ms: u64,
}

impl School {
    pub fn of(env: &Env) -> Result<Self, Refused> {
        let id = config::school(env).map_err(|m| Refused::new(ErrorCode::Internal, m))?;
        let store = env
            .kv(config::KV_BINDING)
            .map_err(|e| Refused::new(ErrorCode::Internal, format!("KV binding: {e}")))?;
        Ok(Self {
            id,
            store,
            now_ms: Date::now().as_millis(),
        })
    }

    /// The school's directory, if it has one yet.
    pub async fn directory(&self) -> Result<Option<SchoolProfile>, Refused> {
        self.store
            .get(&keys::profile(&self.id))
            .json::<SchoolProfile>()
            .await
            .map_err(|e| internal("reading the directory", e))
    }
}

pub fn internal(what: &str, e: impl std::fmt::Display) -> Refused {
    Refused::new(ErrorCode::Internal, format!("{what}: {e}"))
}

/// An authenticated caller: the device's grant, refreshed from the current directory.
pub struct Caller {
    pub school: School,
    pub grant: DeviceGrant,
    pub directory: SchoolProfile,
}

impl Caller {
    /// Refuses what the caller's role doesn't allow.
    pub fn require(&self, operation: Operation<'_>) -> Result<(), Refused> {
        self.grant
            .may(operation)
            .map_err(|e| Refused::new(ErrorCode::Forbidden, e.to_string()))
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
        .store
        .get(&keys::device_grant(&school.id, &token_hash(token)))
        .json::<DeviceGrant>()
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

/// Failed attempts of one client (an address, or an IPv6 /64: [`throttle::client_key`]) at
/// one action, kept in the data centre's cache: free (no KV writes an attacker could use up)
/// and close to where the attempts arrive.
pub struct Throttle {
    url: Option<String>,
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
            url: Some(url),
            address: id,
            policy,
            attempts,
        }
    }

    /// Admits one attempt through the runtime's rate limiter ([`config::JOIN_LIMITER`]),
    /// which counts every attempt, atomically: the failure count above is read, bumped and
    /// written back, so guesses sent in parallel could slip past it; this can't be raced.
    pub async fn admit(&self, env: &Env) -> Result<(), Refused> {
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
        let Some(url) = &self.url else { return };
        let Ok(mut response) = Response::from_json(&self.attempts) else {
            return;
        };
        let keep = self.attempts.keep_seconds(self.policy, now_ms);
        if response
            .headers_mut()
            .set("Cache-Control", &format!("max-age={keep}"))
            .is_ok()
        {
            let _ = Cache::default().put(url.as_str(), response).await;
        }
    }
}

/// `N` bytes from the runtime's cryptographic random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], Refused> {
    let failed = |e: worker::wasm_bindgen::JsValue| {
        Refused::new(
            ErrorCode::Internal,
            format!("no random source: {:?}", e.as_string()),
        )
    };
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).map_err(failed)?;
    let get = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .map_err(failed)?
        .dyn_into::<js_sys::Function>()
        .map_err(failed)?;
    let array = js_sys::Uint8Array::new_with_length(u32::try_from(N).unwrap_or(0));
    get.call1(&crypto, &array).map_err(failed)?;
    let mut out = [0u8; N];
    array.copy_to(&mut out);
    Ok(out)
}

/// The JSON error response for a refusal, with `Retry-After` when the caller must wait.
pub fn refused(r: Refused) -> worker::Result<Response> {
    let mut response = Response::from_json(&r.body())?.with_status(r.code.status());
    if let Some(seconds) = r.retry_after_s {
        response
            .headers_mut()
            .set("Retry-After", &seconds.to_string())?;
    }
    Ok(response)
}
