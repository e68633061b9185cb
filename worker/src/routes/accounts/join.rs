//! `/api/v1/auth/{setup,redeem}`: a phone joins the school with the deployment's setup code
//! (the first admin) or an invite code, and is given a device token. Every attempt passes
//! the redemption throttle; a wrong code counts against the client's address.

use guardpost_domain::accounts::invites::{self, Invite, InviteCode};
use guardpost_domain::accounts::{
    self as domain, DEVICE_RANDOM_BYTES, Joined, MAX_JOIN_BODY_BYTES, NewDevice, RedeemRequest,
    SetupRequest, invalid_code, setup_secret_hash,
};
use guardpost_domain::api::{ErrorCode, Refused};
use guardpost_domain::keys;
use guardpost_domain::sync::auth::token_hash;
use worker::{Env, Request};

use super::{put_grant, put_profile, read};
use crate::identity::School;
use crate::random::random_bytes;
use crate::reply::{Answer, Answered, internal};
use crate::throttle::Throttle;

/// `POST /api/v1/auth/setup`: the first admin joins with the deployment's setup secret.
pub async fn setup(mut req: Request, env: &Env) -> Answered {
    let school = School::of(env)?;
    let mut attempts = Throttle::redemption(&req, env, school.now_ms).await?;
    let device = set_up(&mut req, env, &school).await;
    joined(device, &mut attempts, school.now_ms).await
}

/// `POST /api/v1/auth/redeem`: a phone turns a single-use invite code into a device token.
pub async fn redeem(mut req: Request, env: &Env) -> Answered {
    let school = School::of(env)?;
    let mut attempts = Throttle::redemption(&req, env, school.now_ms).await?;
    let device = redeem_invite(&mut req, &school).await;
    joined(device, &mut attempts, school.now_ms).await
}

/// The answer to a redemption: the new device's token, or the refusal, a wrong code
/// counting against the address.
async fn joined(
    device: Result<NewDevice, Refused>,
    attempts: &mut Throttle,
    now_ms: u64,
) -> Answered {
    match device {
        Ok(device) => Ok(Answer::json(&Joined {
            token: device.token,
            device: device.grant.device,
        })?
        .with_status(201)),
        Err(refused) => {
            if refused.code == ErrorCode::InvalidCode {
                attempts.fail(now_ms).await;
            }
            Err(refused)
        }
    }
}

async fn set_up(req: &mut Request, env: &Env, school: &School) -> Result<NewDevice, Refused> {
    let body = read::<SetupRequest>(req, MAX_JOIN_BODY_BYTES).await?;
    let secret = env.secret("SETUP_CODE").ok().map(|s| s.to_string());
    let used_key = secret
        .as_deref()
        .map(|s| keys::setup_used(&school.id, &setup_secret_hash(s)));
    let used = match &used_key {
        Some(key) => school
            .kv
            .text(key)
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
    put_profile(school, &directory).await?;
    put_grant(school, &token_hash(&device.token), &device.grant).await?;
    if let Some(key) = used_key {
        school
            .kv
            .put(&key, school.now_ms.to_string())
            .await
            .map_err(|e| internal("marking the setup code used", e))?;
    }
    Ok(device)
}

async fn redeem_invite(req: &mut Request, school: &School) -> Result<NewDevice, Refused> {
    let body = read::<RedeemRequest>(req, MAX_JOIN_BODY_BYTES).await?;
    let code = InviteCode::parse(&body.code).ok_or_else(invalid_code)?;
    let key = keys::invite(&school.id, &code.hash());
    let invite = school
        .kv
        .json::<Invite>(&key)
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
        .kv
        .delete(&key)
        .await
        .map_err(|e| internal("using up the invite", e))?;
    put_grant(school, &token_hash(&device.token), &device.grant).await?;
    Ok(device)
}
