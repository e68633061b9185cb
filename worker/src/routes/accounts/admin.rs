//! `/api/v1/admin/*`: the directory, invites and devices, for a caller whose role manages
//! them. Lists come from one KV list each, read from the keys' metadata.

use guardpost_domain::accounts::directory::{self, DirectoryUpdate, MAX_DIRECTORY_BODY_BYTES};
use guardpost_domain::accounts::invites::{
    self, CODE_RANDOM_BYTES, CancelInvite, CreateInvite, Invite, InviteCode, InviteCreated,
    InviteSummary, invite_id_well_formed,
};
use guardpost_domain::accounts::{
    self as domain, DeviceIndex, DeviceSummary, MAX_JOIN_BODY_BYTES, RevokeRequest,
};
use guardpost_domain::api::{ErrorCode, Refused};
use guardpost_domain::keys;
use guardpost_domain::sync::auth::{DeviceGrant, Operation};
use serde::de::DeserializeOwned;
use worker::{Env, Request};

use super::{put_grant, put_profile, read};
use crate::identity::{self, Caller, School};
use crate::random::random_bytes;
use crate::reply::{Answer, Answered, internal};

/// The caller, allowed `operation`, and its JSON body: an invite, a cancellation or a
/// revocation, each as small as a join's.
async fn authorized_body<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
    operation: Operation<'static>,
) -> Result<(Caller, T), Refused> {
    let caller = identity::authorize(req, env, operation).await?;
    let body = read::<T>(req, MAX_JOIN_BODY_BYTES).await?;
    Ok((caller, body))
}

/// `GET /api/v1/admin/directory`.
pub async fn directory(req: Request, env: &Env) -> Answered {
    let caller = identity::authorize(&req, env, Operation::ManageDirectory).await?;
    Answer::json(&caller.directory)
}

/// `PUT /api/v1/admin/directory`: the whole directory, based on the revision read.
pub async fn update_directory(mut req: Request, env: &Env) -> Answered {
    let caller = identity::authorize(&req, env, Operation::ManageDirectory).await?;
    let update = read::<DirectoryUpdate>(&mut req, MAX_DIRECTORY_BODY_BYTES).await?;
    let next = directory::apply(&caller.directory, update, &caller.grant)?;
    put_profile(&caller.school, &next).await?;
    Answer::json(&next)
}

/// `GET /api/v1/admin/invites`: the pending invites, newest first.
pub async fn list_invites(req: Request, env: &Env) -> Answered {
    let caller = identity::authorize(&req, env, Operation::ManageInvites).await?;
    let now_ms = caller.school.now_ms;
    let prefix = keys::invite_prefix(&caller.school.id);
    let mut invites: Vec<InviteSummary> = list_all(&caller.school, &prefix)
        .await?
        .into_iter()
        .filter_map(|(id, meta)| {
            let invite = serde_json::from_value::<Invite>(meta?).ok()?;
            (invite.expires_at_ms > now_ms).then_some(InviteSummary { id, invite })
        })
        .collect();
    invites.sort_by_key(|i| std::cmp::Reverse(i.invite.created_at_ms));
    Answer::json(&invites)
}

/// Every key under `prefix` (without it) with its metadata.
async fn list_all(
    school: &School,
    prefix: &str,
) -> Result<Vec<(String, Option<serde_json::Value>)>, Refused> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = school
            .kv
            .list(prefix, cursor.take())
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
pub async fn create_invite(mut req: Request, env: &Env) -> Answered {
    let origin = req
        .url()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    let (caller, body) =
        authorized_body::<CreateInvite>(&mut req, env, Operation::ManageInvites).await?;
    let school = &caller.school;
    let invite = invites::create(&body, &caller.directory, &caller.grant.name, school.now_ms)?;
    let code = InviteCode::from_random(&random_bytes::<CODE_RANDOM_BYTES>()?);
    let id = code.hash();
    // KV drops the invite by itself once it has expired (a minute later at the soonest).
    let ttl_s = invite
        .expires_at_ms
        .saturating_sub(school.now_ms)
        .div_ceil(1000)
        .max(60);
    school
        .kv
        .put_with(
            &keys::invite(&school.id, &id),
            &invite,
            Some(&invite),
            Some(ttl_s),
        )
        .await
        .map_err(|e| internal("storing the invite", e))?;
    let link = format!("{origin}/app/join?code={}", code.display());
    Ok(Answer::json(&InviteCreated {
        id,
        code: code.display(),
        qr_svg: qr_svg(&link)?,
        link,
        invite,
    })?
    .with_status(201))
}

fn qr_svg(text: &str) -> Result<String, Refused> {
    crate::qr::svg(text, 200).map_err(|e| internal("drawing the QR code", e))
}

/// `POST /api/v1/admin/invites/cancel`.
pub async fn cancel_invite(mut req: Request, env: &Env) -> Answered {
    let (caller, body) =
        authorized_body::<CancelInvite>(&mut req, env, Operation::ManageInvites).await?;
    if !invite_id_well_formed(&body.id) {
        return Err(Refused::new(ErrorCode::BadRequest, "not an invite id"));
    }
    caller
        .school
        .kv
        .delete(&keys::invite(&caller.school.id, &body.id))
        .await
        .map_err(|e| internal("cancelling the invite", e))?;
    Answer::json(&body)
}

/// `GET /api/v1/admin/devices`: every device that joined, the revoked ones last.
pub async fn list_devices(req: Request, env: &Env) -> Answered {
    let caller = identity::authorize(&req, env, Operation::ManageDevices).await?;
    let prefix = keys::device_index_prefix(&caller.school.id);
    let mut devices: Vec<DeviceSummary> = list_all(&caller.school, &prefix)
        .await?
        .into_iter()
        .filter_map(|(_, meta)| serde_json::from_value(meta?).ok())
        .collect();
    devices.sort_by(|a, b| {
        (a.revoked_at_ms.is_some(), &a.name).cmp(&(b.revoked_at_ms.is_some(), &b.name))
    });
    Answer::json(&devices)
}

/// `POST /api/v1/admin/devices/revoke`: the device's token is refused from now on.
pub async fn revoke_device(mut req: Request, env: &Env) -> Answered {
    let (caller, body) =
        authorized_body::<RevokeRequest>(&mut req, env, Operation::ManageDevices).await?;
    let school = &caller.school;
    let not_found = || Refused::new(ErrorCode::NotFound, "no such device");
    let index = school
        .kv
        .json::<DeviceIndex>(&keys::device_index(&school.id, &body.device))
        .await
        .map_err(|e| internal("reading the device index", e))?
        .ok_or_else(not_found)?;
    let grant = school
        .kv
        .json::<DeviceGrant>(&keys::device_grant(&school.id, &index.token_hash))
        .await
        .map_err(|e| internal("reading the device", e))?
        .filter(|g| g.school == school.id)
        .ok_or_else(not_found)?;
    let revoked = domain::revoke(&caller.grant, grant, school.now_ms)?;
    put_grant(school, &index.token_hash, &revoked).await?;
    Answer::json(&DeviceSummary::of(&revoked))
}
