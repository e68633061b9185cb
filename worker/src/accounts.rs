//! `/api/v1/auth/*` (joining the school) and `/api/v1/admin/*` (the directory, invites and
//! devices). The decisions are the domain's (`guardpost_domain::accounts`); this module
//! authenticates, throttles, and does the KV reads and writes.

use guardpost_domain::accounts::directory::{self, DirectoryUpdate, MAX_DIRECTORY_BODY_BYTES};
use guardpost_domain::accounts::invites::{
    self, CODE_RANDOM_BYTES, CancelInvite, CreateInvite, Invite, InviteCode, InviteCreated,
    InviteSummary, invite_id_well_formed,
};
use guardpost_domain::accounts::{
    self as domain, DEVICE_RANDOM_BYTES, DeviceIndex, DeviceSummary, Joined, MAX_JOIN_BODY_BYTES,
    NewDevice, RedeemRequest, RevokeRequest, SetupRequest, invalid_code, setup_secret_hash,
    throttle,
};
use guardpost_domain::api::{ErrorCode, Refused, decode};
use guardpost_domain::keys;
use guardpost_domain::sync::auth::{DeviceGrant, Operation, token_hash};
use serde::de::DeserializeOwned;
use worker::{Env, Request, Response, Result};

use crate::auth::{self, Caller, School, Throttle, internal, random_bytes, refused};
use crate::{body, reply};

fn answer<T: serde::Serialize>(result: std::result::Result<T, Refused>) -> Result<Response> {
    match result {
        Ok(value) => reply::json(&value),
        Err(r) => refused(r),
    }
}

async fn read<T: DeserializeOwned>(
    req: &mut Request,
    limit: usize,
) -> std::result::Result<T, Refused> {
    let bytes = body::read(req, limit).await?;
    decode(&bytes, limit)
}

async fn admin_with_body<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
    operation: Operation<'static>,
    limit: usize,
) -> std::result::Result<(Caller, T), Refused> {
    let caller = auth::authenticate(req, env).await?;
    caller.require(operation)?;
    let body = read::<T>(req, limit).await?;
    Ok((caller, body))
}

/// Stores a new device: its grant under the token's hash, and its line in the device index.
async fn store_device(school: &School, device: &NewDevice) -> std::result::Result<(), Refused> {
    let hash = token_hash(&device.token);
    put_grant(school, &hash, &device.grant).await
}

async fn put_grant(
    school: &School,
    hash: &str,
    grant: &DeviceGrant,
) -> std::result::Result<(), Refused> {
    school
        .store
        .put(&keys::device_grant(&school.id, hash), grant)
        .map_err(|e| internal("storing the device", e))?
        .execute()
        .await
        .map_err(|e| internal("storing the device", e))?;
    school
        .store
        .put(
            &keys::device_index(&school.id, &grant.device),
            DeviceIndex {
                token_hash: hash.to_owned(),
            },
        )
        .and_then(|put| put.metadata(DeviceSummary::of(grant)))
        .map_err(|e| internal("indexing the device", e))?
        .execute()
        .await
        .map_err(|e| internal("indexing the device", e))
}

/// The redemption throttle, before a code is looked at: a locked-out address is refused,
/// right codes included (checking them would let a guesser go on guessing), and every
/// attempt passes the rate limiter.
async fn throttled(
    req: &Request,
    env: &Env,
    now_ms: u64,
) -> std::result::Result<Throttle, Refused> {
    let attempts = Throttle::load(req, "redeem", throttle::REDEEM).await;
    attempts.check(now_ms)?;
    attempts.admit(env).await?;
    Ok(attempts)
}

/// The answer to a redemption: the new device's token, or the refusal, a wrong code
/// counting against the address.
async fn joined(
    result: std::result::Result<NewDevice, Refused>,
    attempts: &mut Throttle,
    now_ms: u64,
) -> Result<Response> {
    match result {
        Ok(device) => Ok(reply::json(&Joined {
            token: device.token.clone(),
            device: device.grant.device.clone(),
        })?
        .with_status(201)),
        Err(r) => {
            if r.code == ErrorCode::InvalidCode {
                attempts.fail(now_ms).await;
            }
            refused(r)
        }
    }
}

/// `POST /api/v1/auth/setup`: the first admin joins with the deployment's setup secret.
pub async fn setup(mut req: Request, env: &Env) -> Result<Response> {
    let school = match School::of(env) {
        Ok(school) => school,
        Err(r) => return refused(r),
    };
    let mut attempts = match throttled(&req, env, school.now_ms).await {
        Ok(attempts) => attempts,
        Err(r) => return refused(r),
    };
    let result = async {
        let body = read::<SetupRequest>(&mut req, MAX_JOIN_BODY_BYTES).await?;
        let secret = env.secret("SETUP_CODE").ok().map(|s| s.to_string());
        let used_key = secret
            .as_deref()
            .map(|s| keys::setup_used(&school.id, &setup_secret_hash(s)));
        let used = match &used_key {
            Some(key) => school
                .store
                .get(key)
                .text()
                .await
                .map_err(|e| internal("reading the setup marker", e))?
                .is_some(),
            None => false,
        };
        let directory = school.directory().await?;
        let random = random_bytes::<DEVICE_RANDOM_BYTES>()?;
        let (directory, device) = domain::setup(
            body,
            secret.as_deref(),
            used,
            &school.id,
            directory,
            &random,
            school.now_ms,
        )?;
        put_profile(&school, &directory).await?;
        store_device(&school, &device).await?;
        if let Some(key) = used_key {
            school
                .store
                .put(&key, school.now_ms.to_string())
                .map_err(|e| internal("marking the setup code used", e))?
                .execute()
                .await
                .map_err(|e| internal("marking the setup code used", e))?;
        }
        Ok::<_, Refused>(device)
    }
    .await;
    joined(result, &mut attempts, school.now_ms).await
}

/// `POST /api/v1/auth/redeem`: a phone turns a single-use invite code into a device token.
pub async fn redeem(mut req: Request, env: &Env) -> Result<Response> {
    let school = match School::of(env) {
        Ok(school) => school,
        Err(r) => return refused(r),
    };
    let mut attempts = match throttled(&req, env, school.now_ms).await {
        Ok(attempts) => attempts,
        Err(r) => return refused(r),
    };
    let result = async {
        let body = read::<RedeemRequest>(&mut req, MAX_JOIN_BODY_BYTES).await?;
        let code = InviteCode::parse(&body.code).ok_or_else(invalid_code)?;
        let key = keys::invite(&school.id, &code.hash());
        let invite = school
            .store
            .get(&key)
            .json::<Invite>()
            .await
            .map_err(|e| internal("reading the invite", e))?;
        let Some(directory) = school.directory().await? else {
            return Err(invalid_code());
        };
        let random = random_bytes::<DEVICE_RANDOM_BYTES>()?;
        let device = invites::redeem(
            invite,
            &school.id,
            &directory,
            body.label,
            &random,
            school.now_ms,
        )?;
        // Used up before the token exists: a failure after this costs a new invite, never
        // a second device from one code.
        school
            .store
            .delete(&key)
            .await
            .map_err(|e| internal("using up the invite", e))?;
        store_device(&school, &device).await?;
        Ok::<_, Refused>(device)
    }
    .await;
    joined(result, &mut attempts, school.now_ms).await
}

async fn put_profile(
    school: &School,
    directory: &guardpost_domain::school::SchoolProfile,
) -> std::result::Result<(), Refused> {
    school
        .store
        .put(&keys::profile(&school.id), directory)
        .map_err(|e| internal("storing the directory", e))?
        .execute()
        .await
        .map_err(|e| internal("storing the directory", e))
}

/// `GET /api/v1/admin/directory`.
pub async fn directory(req: Request, env: &Env) -> Result<Response> {
    answer(
        async {
            let caller = auth::authenticate(&req, env).await?;
            caller.require(Operation::ManageDirectory)?;
            Ok(caller.directory)
        }
        .await,
    )
}

/// `PUT /api/v1/admin/directory`: the whole directory, based on the revision read.
pub async fn update_directory(mut req: Request, env: &Env) -> Result<Response> {
    answer(
        async {
            let (caller, update) = admin_with_body::<DirectoryUpdate>(
                &mut req,
                env,
                Operation::ManageDirectory,
                MAX_DIRECTORY_BODY_BYTES,
            )
            .await?;
            let next = directory::apply(&caller.directory, update, &caller.grant)?;
            put_profile(&caller.school, &next).await?;
            Ok(next)
        }
        .await,
    )
}

/// `GET /api/v1/admin/invites`: the pending invites, from one KV list.
pub async fn list_invites(req: Request, env: &Env) -> Result<Response> {
    answer(
        async {
            let caller = auth::authenticate(&req, env).await?;
            caller.require(Operation::ManageInvites)?;
            let prefix = keys::invite_prefix(&caller.school.id);
            let listed = list_all(&caller.school, &prefix).await?;
            let mut invites: Vec<InviteSummary> = listed
                .into_iter()
                .filter_map(|(id, meta)| {
                    let invite = serde_json::from_value::<Invite>(meta?).ok()?;
                    (invite.expires_at_ms > caller.school.now_ms)
                        .then_some(InviteSummary { id, invite })
                })
                .collect();
            invites.sort_by_key(|i| std::cmp::Reverse(i.invite.created_at_ms));
            Ok(invites)
        }
        .await,
    )
}

/// Every key under `prefix` (without it) with its metadata.
async fn list_all(
    school: &School,
    prefix: &str,
) -> std::result::Result<Vec<(String, Option<serde_json::Value>)>, Refused> {
    let mut out = Vec::new();
    let mut cursor = None;
    let mut lists = 0;
    loop {
        let page = crate::sync::list_kv(&school.store, prefix, cursor.take(), &mut lists)
            .await
            .map_err(|e| internal("listing", e))?;
        out.extend(page.keys.into_iter().map(|(name, meta)| {
            let name = name.strip_prefix(prefix).map(str::to_owned).unwrap_or(name);
            (name, meta)
        }));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// `POST /api/v1/admin/invites`: a single-use code for a person in the directory.
pub async fn create_invite(mut req: Request, env: &Env) -> Result<Response> {
    let origin = req
        .url()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    let result = async {
        let (caller, body) = admin_with_body::<CreateInvite>(
            &mut req,
            env,
            Operation::ManageInvites,
            MAX_JOIN_BODY_BYTES,
        )
        .await?;
        let invite = invites::create(
            &body,
            &caller.directory,
            &caller.grant.name,
            caller.school.now_ms,
        )?;
        let code = InviteCode::from_random(&random_bytes::<CODE_RANDOM_BYTES>()?);
        let id = code.hash();
        // KV drops the invite by itself once it has expired (a minute later at the soonest).
        let ttl_s = invite
            .expires_at_ms
            .saturating_sub(caller.school.now_ms)
            .div_ceil(1000)
            .max(60);
        caller
            .school
            .store
            .put(&keys::invite(&caller.school.id, &id), &invite)
            .and_then(|put| put.metadata(&invite))
            .map(|put| put.expiration_ttl(ttl_s))
            .map_err(|e| internal("storing the invite", e))?
            .execute()
            .await
            .map_err(|e| internal("storing the invite", e))?;
        let link = format!("{origin}/app/join?code={}", code.display());
        Ok::<_, Refused>(InviteCreated {
            id,
            code: code.display(),
            qr_svg: qr_svg(&link)?,
            link,
            invite,
        })
    }
    .await;
    match result {
        Ok(created) => Ok(reply::json(&created)?.with_status(201)),
        Err(r) => refused(r),
    }
}

fn qr_svg(text: &str) -> std::result::Result<String, Refused> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
        .map_err(|e| internal("drawing the QR code", e))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// `POST /api/v1/admin/invites/cancel`.
pub async fn cancel_invite(mut req: Request, env: &Env) -> Result<Response> {
    answer(
        async {
            let (caller, body) = admin_with_body::<CancelInvite>(
                &mut req,
                env,
                Operation::ManageInvites,
                MAX_JOIN_BODY_BYTES,
            )
            .await?;
            if !invite_id_well_formed(&body.id) {
                return Err(Refused::new(ErrorCode::BadRequest, "not an invite id"));
            }
            caller
                .school
                .store
                .delete(&keys::invite(&caller.school.id, &body.id))
                .await
                .map_err(|e| internal("cancelling the invite", e))?;
            Ok(body)
        }
        .await,
    )
}

/// `GET /api/v1/admin/devices`: every device that joined, from one KV list.
pub async fn list_devices(req: Request, env: &Env) -> Result<Response> {
    answer(
        async {
            let caller = auth::authenticate(&req, env).await?;
            caller.require(Operation::ManageDevices)?;
            let prefix = keys::device_index_prefix(&caller.school.id);
            let mut devices: Vec<DeviceSummary> = list_all(&caller.school, &prefix)
                .await?
                .into_iter()
                .filter_map(|(_, meta)| serde_json::from_value(meta?).ok())
                .collect();
            devices.sort_by(|a, b| {
                (a.revoked_at_ms.is_some(), &a.name).cmp(&(b.revoked_at_ms.is_some(), &b.name))
            });
            Ok(devices)
        }
        .await,
    )
}

/// `POST /api/v1/admin/devices/revoke`: the device's token is refused from now on.
pub async fn revoke_device(mut req: Request, env: &Env) -> Result<Response> {
    answer(
        async {
            let (caller, body) = admin_with_body::<RevokeRequest>(
                &mut req,
                env,
                Operation::ManageDevices,
                MAX_JOIN_BODY_BYTES,
            )
            .await?;
            let school = &caller.school;
            let not_found = || Refused::new(ErrorCode::NotFound, "no such device");
            let index = school
                .store
                .get(&keys::device_index(&school.id, &body.device))
                .json::<DeviceIndex>()
                .await
                .map_err(|e| internal("reading the device index", e))?
                .ok_or_else(not_found)?;
            let grant = school
                .store
                .get(&keys::device_grant(&school.id, &index.token_hash))
                .json::<DeviceGrant>()
                .await
                .map_err(|e| internal("reading the device", e))?
                .filter(|g| g.school == school.id)
                .ok_or_else(not_found)?;
            let revoked = domain::revoke(&caller.grant, grant, school.now_ms)?;
            put_grant(school, &index.token_hash, &revoked).await?;
            Ok(DeviceSummary::of(&revoked))
        }
        .await,
    )
}
