//! Who this device is signed in as: signing in by code or invite, refreshing the session,
//! and forgetting the school's data once the device learns it is signed out (keeping its
//! unsynced changes aside).

use futures::future::LocalBoxFuture;
use guardpost_domain::sync::Exchange;

use super::*;

/// Asks the Worker who this device is now: an admin may have changed the person's classes,
/// or revoked the device. Offline, the stored session stands, as it does while the code
/// that asks has not come (it comes with a sync round's: `rounds::round`).
pub(super) async fn refresh_session(view: SyncView) {
    if let Ok(asking) = ask_session(view).await {
        asking.await;
    }
}

#[leptos::wasm_split::wasm_split(sync_round, fallible, wasm_split_path = ::leptos::wasm_split)]
fn ask_session(
    view: SyncView,
) -> Result<LocalBoxFuture<'static, ()>, leptos::wasm_split::SplitLoaderError> {
    Ok(Box::pin(session_now(view)))
}

async fn session_now(view: SyncView) {
    // A revoked device's unsynced changes join those kept aside before: read them first.
    let _ = read_in_full(view).await;
    let Some(token) = token() else { return };
    match api::get::<SessionInfo>("/api/v1/sync/session", &token).await {
        Ok(session) => {
            SESSION_AT.set(now_ms());
            // Losing this copy only means the next start shows the old classes until online.
            let _ = LocalStorage::set(SESSION_KEY, &session);
            // A changed role loads its build at the next start, not under the person's feet.
            crate::app_build::remember(session.role);
            view.session.set(Some(session));
        }
        Err(CallError::Refused { status: 401, .. }) => forget_school(view).await,
        Err(_) => {}
    }
}

/// Syncs and asks who this device is now, side by side: what waits in the outbox goes up
/// without waiting a slow network's round trip for the answer, which only decides what
/// the device pulls. A changed answer is taken in by another round.
pub(super) async fn sync_and_refresh(view: SyncView) {
    sync_now(view);
    refresh_session(view).await;
    let changed = view
        .session
        .get_untracked()
        .and_then(|session| with_replica(|r| r.scope_changed(&session)));
    if changed == Some(true) {
        sync_now(view);
    }
}

/// The device has learnt it is signed out (revoked or expired): the school's data leaves
/// it at once. The person's own changes that had not synced are kept aside, and the sign-in
/// screen says so; they can be sent again after signing in.
pub(super) async fn forget_school(view: SyncView) {
    let engine = ENGINE.with_borrow_mut(Option::take);
    view.phase.set(Phase::Revoked);
    view.session.set(None);
    LocalStorage::delete(TOKEN_KEY);
    LocalStorage::delete(SESSION_KEY);
    crate::app_build::forget();
    if let Some(engine) = engine {
        let unsynced = engine.replica.unsynced();
        if !unsynced.is_empty() {
            let mut aside = view.set_aside.get_untracked();
            aside.extend(unsynced);
            if let Err(e) = LocalStorage::set(SET_ASIDE_KEY, &aside) {
                // Nothing is deleted when the changes can't be kept aside.
                view.phase.set(Phase::StorageFailed(format!("{e}")));
                ENGINE.with_borrow_mut(|slot| *slot = Some(engine));
                return;
            }
            view.set_aside.set(aside);
        }
        if let Err(e) = store::clear(&engine.db).await {
            view.phase.set(Phase::StorageFailed(e.0));
        }
    }
    view.pending.set(0);
    view.refused.set(Vec::new());
    view.last_sync_ms.set(None);
    view.revision.update(|r| *r += 1);
}

/// Sends the changes kept aside at an earlier sign-out again, as new changes of the person
/// signed in now; the Worker judges them afresh, and any it refuses are listed as refused.
pub async fn resend_set_aside(view: SyncView) -> Result<usize, RecordError> {
    let aside = view.set_aside.get_untracked();
    let mut sent = 0;
    for (stream, draft) in &aside {
        record(view, *stream, draft.payload.clone()).await?;
        sent += 1;
        let rest = aside[sent..].to_vec();
        // Kept in step, so a failure part-way never sends a change twice.
        let _ = LocalStorage::set(SET_ASIDE_KEY, &rest);
        view.set_aside.set(rest);
    }
    Ok(sent)
}

/// The person has read the changes kept aside and lets them go.
pub fn discard_set_aside(view: SyncView) {
    LocalStorage::delete(SET_ASIDE_KEY);
    view.set_aside.set(Vec::new());
}

pub(super) async fn open_replica(
    opening: impl Future<Output = Result<store::Opened, StoreError>>,
    token: String,
    session: &SessionInfo,
    fresh: bool,
) -> Result<(), StoreError> {
    let opened = opening.await?;
    if fresh {
        store::clear(&opened.db).await?;
    }
    let (db, loaded) = store::load(opened, fresh).await?;
    let db = Rc::new(db);
    let (loaded, rest) = match loaded {
        Loaded::Nothing => (None, Vec::new()),
        Loaded::Replica(start) => (Some((start.replica, start.kept)), start.rest),
        Loaded::Whole(read) => (rest::read_whole(db.clone(), read).await?, Vec::new()),
    };
    let (replica, kept, rest) = match loaded {
        Some((replica, kept)) if replica.device == session.device => (replica, kept, rest),
        _ => {
            // Every long-lived record comes, however old; daily ones from the horizon on.
            let horizon = guardpost_domain::sync::replica::join_horizon(now_ms());
            let replica = Replica::joining(
                session.device.clone(),
                session.name.clone(),
                &session.streams,
                horizon,
            );
            store::save(&db, Write::state(&replica)?).await?;
            (replica, Kept::default(), Vec::new())
        }
    };
    ENGINE.with_borrow_mut(|engine| {
        *engine = Some(Engine {
            db,
            replica,
            kept,
            rest,
            token,
        })
    });
    Ok(())
}

/// Why signing in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    Malformed,
    Unreachable,
    Unknown,
    /// Too many wrong codes from this network: wait this many minutes.
    Locked(u64),
    Server(String),
    Storage(String),
}

impl SignInError {
    fn of_call(e: CallError) -> Self {
        match e {
            CallError::Unreachable => Self::Unreachable,
            CallError::Refused {
                body: Some(body), ..
            } if body.error == ErrorCode::TooManyRequests => {
                Self::Locked(body.retry_after_s.unwrap_or(60).div_ceil(60))
            }
            CallError::Refused {
                status: 401 | 403, ..
            } => Self::Unknown,
            other => Self::Server(other.message()),
        }
    }
}

/// The device's bearer token, for calls outside sync (the admin pages).
pub fn token() -> Option<String> {
    // The stored copy, too: pages may ask before the replica has finished loading.
    with_engine(|e| e.token.clone()).or_else(|| crate::local::read::<String>(TOKEN_KEY))
}

/// How a person joins: an invite code from an admin, or the school's setup code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinWith {
    Invite(guardpost_domain::accounts::RedeemRequest),
    Setup(guardpost_domain::accounts::SetupRequest),
}

/// Redeems an invite or setup code for a device token, then signs in with it.
pub async fn join(view: SyncView, with: JoinWith) -> Result<(), SignInError> {
    use gloo_net::http::Method;
    use guardpost_domain::accounts::Joined;
    let joined: Joined = match &with {
        JoinWith::Invite(req) => {
            api::call(Method::POST, "/api/v1/auth/redeem", None, Some(req)).await
        }
        JoinWith::Setup(req) => {
            api::call(Method::POST, "/api/v1/auth/setup", None, Some(req)).await
        }
    }
    .map_err(SignInError::of_call)?;
    sign_in(view, &joined.token).await
}

/// Signs this device in with a device token: asks the Worker who it is, then starts afresh.
pub async fn sign_in(view: SyncView, token: &str) -> Result<(), SignInError> {
    let token = token.trim();
    if !guardpost_domain::sync::auth::token_well_formed(token) {
        return Err(SignInError::Malformed);
    }
    let sent = now_ms();
    let session: SessionInfo = api::get("/api/v1/sync/session", token)
        .await
        .map_err(SignInError::of_call)?;
    let heard = Exchange::new(sent, now_ms());
    SESSION_AT.set(heard.received_ms());
    LocalStorage::set(TOKEN_KEY, token).map_err(|e| SignInError::Storage(e.to_string()))?;
    LocalStorage::set(SESSION_KEY, &session).map_err(|e| SignInError::Storage(e.to_string()))?;
    crate::app_build::remember(session.role);
    open_replica(store::open(), token.to_owned(), &session, true)
        .await
        .map_err(|e| SignInError::Storage(e.0))?;
    if let Some(()) = with_engine(|e| e.replica.observe_server_time(session.server_ms, heard)) {
        view.session.set(Some(session));
    }
    // A device signed out earlier syncs again under its new sign-in.
    view.phase.set(Phase::Idle);
    view.refresh();
    // A person of the other build is restarted into it at once (Join), and that start syncs.
    if !crate::app_build::other_build_wanted() {
        sync_now(view);
    }
    Ok(())
}
