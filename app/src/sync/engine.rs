//! The sync engine: holds the device's replica, writes every change to the store before
//! reporting it saved, and syncs on start, when the network returns, when the app becomes
//! visible and every minute; after a failure, one retry waits instead of the minute's sync,
//! 2 s at first, doubling to 5 minutes.
//!
//! The replica lives in a thread-local (the browser runs the app on one thread) and is never
//! borrowed across an await; the UI reads it through [`SyncView`]'s signals and [`with_replica`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use gloo_storage::{LocalStorage, Storage};
use guardpost_domain::api::ErrorCode;
use guardpost_domain::changes::{OpDraft, Payload, PullResponse, RefusedChange, Replica};
use guardpost_domain::refusals::OpInvalid;
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::segment::{Day, Rejection};
use guardpost_domain::sync::wire::{PushAck, SessionInfo};
use idb::Database;
use leptos::prelude::*;

use super::api::{self, CallError};
use super::store::{self, StoreError, Write};

const TOKEN_KEY: &str = "guardpost.token";
const SESSION_KEY: &str = "guardpost.session";
/// Changes a signed-out device had not synced: kept, and said so, never silently deleted.
const SET_ASIDE_KEY: &str = "guardpost.set_aside";
/// How far back a new device lists on its first sync: a school term.
const HORIZON_DAYS: u64 = 150;
const PERIOD: Duration = Duration::from_secs(60);
const MAX_BACKOFF_MS: u64 = 5 * 60 * 1000;

struct Engine {
    db: Rc<Database>,
    replica: Replica,
    token: String,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    static SYNCING: Cell<bool> = const { Cell::new(false) };
    static BACKOFF_MS: Cell<u64> = const { Cell::new(0) };
    /// The one retry waiting after a failed sync. While it waits, the minute's sync skips:
    /// the retry is the next try, so failures space tries out up to `MAX_BACKOFF_MS`.
    static RETRY: Cell<Option<TimeoutHandle>> = const { Cell::new(None) };
}

pub fn now_ms() -> u64 {
    // Milliseconds since the epoch fit in f64 exactly.
    js_sys::Date::now().max(0.0) as u64
}

/// Where sync stands, as the header and the sync page show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// No device token yet: the person must sign the device in.
    SignedOut,
    Loading,
    Syncing,
    /// The last sync finished.
    Idle,
    /// The Worker could not be reached; changes wait on the device.
    Offline,
    /// The token was revoked or expired.
    Revoked,
    /// Something else failed; the message says what. Changes wait on the device.
    Failed(String),
    /// The device's storage failed: changes may not be kept.
    StorageFailed(String),
}

/// The signals the UI reads. Cheap to copy into closures.
#[derive(Debug, Clone, Copy)]
pub struct SyncView {
    pub phase: RwSignal<Phase>,
    pub pending: RwSignal<usize>,
    pub last_sync_ms: RwSignal<Option<u64>>,
    pub refused: RwSignal<Vec<RefusedChange>>,
    /// Bumped whenever the replica changes, for views that read it.
    pub revision: RwSignal<u64>,
    pub session: RwSignal<Option<SessionInfo>>,
    /// Changes kept aside when this device was signed out before they synced.
    pub set_aside: RwSignal<Vec<(Stream, OpDraft)>>,
}

impl SyncView {
    fn new() -> Self {
        Self {
            phase: RwSignal::new(Phase::Loading),
            pending: RwSignal::new(0),
            last_sync_ms: RwSignal::new(None),
            refused: RwSignal::new(Vec::new()),
            revision: RwSignal::new(0),
            session: RwSignal::new(LocalStorage::get::<SessionInfo>(SESSION_KEY).ok()),
            set_aside: RwSignal::new(LocalStorage::get(SET_ASIDE_KEY).unwrap_or_default()),
        }
    }

    fn refresh(self) {
        ENGINE.with_borrow(|engine| {
            if let Some(engine) = engine {
                self.pending.set(engine.replica.pending_count());
                self.last_sync_ms.set(engine.replica.last_pull_ms);
                self.refused.set(engine.replica.refused.clone());
            }
        });
        self.revision.update(|r| *r += 1);
    }
}

pub fn use_sync() -> SyncView {
    use_context::<SyncView>().unwrap_or_else(SyncView::new)
}

/// Reads the replica, if the device is signed in and loaded.
pub fn with_replica<T>(f: impl FnOnce(&Replica) -> T) -> Option<T> {
    ENGINE.with_borrow(|engine| engine.as_ref().map(|e| f(&e.replica)))
}

fn with_engine<T>(f: impl FnOnce(&mut Engine) -> T) -> Option<T> {
    ENGINE.with_borrow_mut(|engine| engine.as_mut().map(f))
}

/// Creates the view, loads the device's replica and starts the sync loop. Called once.
pub fn start() -> SyncView {
    let view = SyncView::new();
    provide_context(view);
    let token = LocalStorage::get::<String>(TOKEN_KEY).ok();
    match (token, view.session.get_untracked()) {
        (Some(token), Some(session)) => {
            leptos::task::spawn_local(async move {
                match open_replica(token, &session, false).await {
                    Ok(()) => {
                        view.refresh();
                        refresh_session(view).await;
                        sync_now(view);
                    }
                    Err(e) => view.phase.set(Phase::StorageFailed(e.0)),
                }
            });
        }
        _ => view.phase.set(Phase::SignedOut),
    }
    set_interval(
        move || {
            if RETRY.get().is_none() {
                sync_now(view);
            }
        },
        PERIOD,
    );
    let online = window_event_listener(leptos::ev::online, move |_| sync_now(view));
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            sync_now(view);
        }
    });
    on_cleanup(move || {
        online.remove();
        visible.remove();
    });
    view
}

/// Asks the Worker who this device is now: an admin may have changed the person's classes,
/// or revoked the device. Offline, the stored session stands.
async fn refresh_session(view: SyncView) {
    let Some(token) = token() else { return };
    match api::get::<SessionInfo>("/api/v1/sync/session", &token).await {
        Ok(session) => {
            // Losing this copy only means the next start shows the old classes until online.
            let _ = LocalStorage::set(SESSION_KEY, &session);
            view.session.set(Some(session));
        }
        Err(CallError::Refused { status: 401, .. }) => forget_school(view).await,
        Err(_) => {}
    }
}

/// The device has learnt it is signed out (revoked or expired): the school's data leaves
/// it at once. The person's own changes that had not synced are kept aside, and the sign-in
/// screen says so; they can be sent again after signing in.
async fn forget_school(view: SyncView) {
    let engine = ENGINE.with_borrow_mut(Option::take);
    view.phase.set(Phase::Revoked);
    view.session.set(None);
    LocalStorage::delete(TOKEN_KEY);
    LocalStorage::delete(SESSION_KEY);
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

async fn open_replica(token: String, session: &SessionInfo, fresh: bool) -> Result<(), StoreError> {
    let db = store::open().await?;
    if fresh {
        store::clear(&db).await?;
    }
    let replica = match store::load(&db).await? {
        Some(replica) if replica.device == session.device => replica,
        _ => {
            let since = Day::of_ms(now_ms().saturating_sub(HORIZON_DAYS * 86_400_000));
            let replica = Replica::new(
                session.device.clone(),
                session.name.clone(),
                &session.streams,
                since,
            );
            store::save(&db, Write::prepare(&replica, [])?).await?;
            replica
        }
    };
    ENGINE.with_borrow_mut(|engine| {
        *engine = Some(Engine {
            db: Rc::new(db),
            replica,
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
    with_engine(|e| e.token.clone()).or_else(|| LocalStorage::get::<String>(TOKEN_KEY).ok())
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
    let session: SessionInfo = api::get("/api/v1/sync/session", token)
        .await
        .map_err(SignInError::of_call)?;
    LocalStorage::set(TOKEN_KEY, token).map_err(|e| SignInError::Storage(e.to_string()))?;
    LocalStorage::set(SESSION_KEY, &session).map_err(|e| SignInError::Storage(e.to_string()))?;
    open_replica(token.to_owned(), &session, true)
        .await
        .map_err(|e| SignInError::Storage(e.0))?;
    if let Some(()) = with_engine(|e| e.replica.observe_server_time(session.server_ms, now_ms())) {
        view.session.set(Some(session));
    }
    // A device signed out earlier syncs again under its new sign-in.
    view.phase.set(Phase::Idle);
    view.refresh();
    sync_now(view);
    Ok(())
}

/// Records a change: validated, written to the device's store, and only then reported saved.
pub async fn record(view: SyncView, stream: Stream, payload: Payload) -> Result<(), RecordError> {
    let prepared = with_engine(|e| {
        e.replica
            .record(stream, payload, now_ms())
            .map_err(RecordError::Invalid)?;
        Write::prepare(&e.replica, [])
            .map(|w| (e.db.clone(), w))
            .map_err(|err| {
                e.replica.unrecord_last(stream);
                RecordError::Storage(err.0)
            })
    })
    .ok_or(RecordError::SignedOut)??;
    let (db, write) = prepared;
    if let Err(e) = store::save(&db, write).await {
        with_engine(|engine| engine.replica.unrecord_last(stream));
        view.refresh();
        return Err(RecordError::Storage(e.0));
    }
    view.refresh();
    sync_now(view);
    Ok(())
}

/// Why a change was not recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    SignedOut,
    Invalid(OpInvalid),
    Storage(String),
}

/// The person has seen a refused change.
pub async fn dismiss_refused(view: SyncView, index: usize) {
    let prepared = with_engine(|e| {
        e.replica.dismiss_refused(index);
        Write::prepare(&e.replica, []).map(|w| (e.db.clone(), w))
    });
    if let Some(Ok((db, write))) = prepared
        && let Err(e) = store::save(&db, write).await
    {
        view.phase.set(Phase::StorageFailed(e.0));
    }
    view.refresh();
}

/// Starts a sync unless one is running. A revoked device stops trying: its token will never
/// work again, and repeated failures would count against the school's network address.
pub fn sync_now(view: SyncView) {
    let revoked = view.phase.get_untracked() == Phase::Revoked;
    if revoked || SYNCING.get() || with_replica(|_| ()).is_none() {
        return;
    }
    SYNCING.set(true);
    view.phase.set(Phase::Syncing);
    leptos::task::spawn_local(async move {
        let result = sync_once(view).await;
        SYNCING.set(false);
        let retry = match result {
            Ok(()) => {
                BACKOFF_MS.set(0);
                if let Some(retry) = RETRY.take() {
                    retry.clear();
                }
                view.phase.set(Phase::Idle);
                false
            }
            Err(Failure::Unreachable) => {
                view.phase.set(Phase::Offline);
                true
            }
            Err(Failure::Revoked) => {
                forget_school(view).await;
                false
            }
            Err(Failure::Busy) => {
                view.phase.set(Phase::Idle);
                true
            }
            Err(Failure::Other(message)) => {
                view.phase.set(Phase::Failed(message));
                true
            }
            Err(Failure::Storage(message)) => {
                view.phase.set(Phase::StorageFailed(message));
                false
            }
        };
        view.refresh();
        // One retry at a time: a sync that fails while one waits (the network came back for
        // a moment, the app was looked at) leaves it be rather than starting another chain.
        if retry && RETRY.get().is_none() {
            let backoff = (BACKOFF_MS.get() * 2).clamp(2_000, MAX_BACKOFF_MS);
            BACKOFF_MS.set(backoff);
            let handle = set_timeout_with_handle(
                move || {
                    RETRY.set(None);
                    sync_now(view);
                },
                Duration::from_millis(backoff),
            );
            RETRY.set(handle.ok());
        }
    });
}

enum Failure {
    Unreachable,
    Revoked,
    Busy,
    Other(String),
    Storage(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self::Storage(e.0)
    }
}

fn failure(e: CallError) -> Failure {
    match e {
        CallError::Unreachable => Failure::Unreachable,
        CallError::Refused { status: 401, .. } => Failure::Revoked,
        CallError::Refused { status: 429, .. } => Failure::Busy,
        CallError::Refused { status, body } => {
            Failure::Other(body.map_or_else(|| format!("HTTP {status}"), |b| b.message))
        }
    }
}

async fn sync_once(view: SyncView) -> Result<(), Failure> {
    let Some((db, token)) = with_engine(|e| (e.db.clone(), e.token.clone())) else {
        return Ok(());
    };
    if with_replica(Replica::must_pull_before_push) == Some(true) {
        pull_all(view, &db, &token).await?;
    }
    let mut restamps = 0;
    // Push: one sealed segment at a time per stream, until the outbox is empty. The seal is
    // written to the store before it is sent, so a retry after a crash sends the same segment.
    loop {
        let next = with_engine(|e| {
            let stream = e.replica.streams_to_push().into_iter().next()?;
            let request = e.replica.next_push(stream)?;
            Some(Write::prepare(&e.replica, []).map(|w| (request, w)))
        })
        .flatten();
        let Some(prepared) = next else { break };
        let (request, write) = prepared?;
        store::save(&db, write).await?;
        let stream = request.stream;
        match api::post::<_, PushAck>("/api/v1/sync/push", &token, &request).await {
            Ok(ack) => {
                let write = with_engine(|e| {
                    let applied = e.replica.on_ack(&ack, now_ms());
                    let own = applied.stored.iter().filter_map(|id| e.replica.ops.get(id));
                    Write::prepare(&e.replica, own)
                });
                if let Some(write) = write {
                    store::save(&db, write?).await?;
                }
            }
            Err(CallError::Refused {
                body: Some(body), ..
            }) if body.error == ErrorCode::ClockAhead && restamps < 2 => {
                restamps += 1;
                let server_ms = body.server_ms.unwrap_or_else(now_ms);
                let write = with_engine(|e| {
                    e.replica.restamp_sealed(stream, server_ms, now_ms());
                    Write::prepare(&e.replica, [])
                });
                if let Some(write) = write {
                    store::save(&db, write?).await?;
                }
            }
            // The Worker will never take this segment as it is, and stored nothing: its
            // changes become refused ones the person sees, and the outbox moves on.
            Err(CallError::Refused {
                status: 400 | 413 | 422,
                body,
            }) => {
                let message = body.map_or_else(|| "refused".to_owned(), |b| b.message);
                let write = with_engine(|e| {
                    e.replica.refuse_sealed(
                        stream,
                        &Rejection::Invalid {
                            problem: OpInvalid::Unreadable { detail: message },
                        },
                    );
                    Write::prepare(&e.replica, [])
                });
                if let Some(write) = write {
                    store::save(&db, write?).await?;
                }
            }
            Err(e) => return Err(failure(e)),
        }
        view.refresh();
    }
    pull_all(view, &db, &token).await
}

/// Pulls every page, saving each before asking for the next.
async fn pull_all(view: SyncView, db: &Database, token: &str) -> Result<(), Failure> {
    while let Some(request) = with_replica(Replica::pull_request) {
        let response: PullResponse = api::post("/api/v1/sync/pull", token, &request)
            .await
            .map_err(failure)?;
        let prepared = with_engine(|e| {
            let applied = e.replica.on_pull(response, now_ms());
            let ops = applied.stored.iter().filter_map(|id| e.replica.ops.get(id));
            Write::prepare(&e.replica, ops).map(|w| (applied.more, w))
        });
        let Some(prepared) = prepared else { break };
        let (more, write) = prepared?;
        store::save(db, write).await?;
        view.refresh();
        if !more {
            break;
        }
    }
    Ok(())
}
