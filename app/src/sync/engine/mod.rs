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
use guardpost_domain::sync::kept::Kept;
use guardpost_domain::sync::segment::Rejection;
use guardpost_domain::sync::wire::{PushAck, SessionInfo};
use idb::Database;
use leptos::prelude::*;

use crate::widgets::after_queued;

mod rest;
mod rounds;
mod session;

pub use rest::read_in_full;
pub use rounds::{fetch_round_code, sync_now};
pub use session::{
    JoinWith, SignInError, discard_set_aside, join, resend_set_aside, sign_in, token,
};
use session::{forget_school, open_replica, refresh_session, sync_and_refresh};

use super::api::{self, CallError};
use super::store::{self, Loaded, StoreError, Write};

const TOKEN_KEY: &str = "guardpost.token";
const SESSION_KEY: &str = "guardpost.session";
/// Changes a signed-out device had not synced: kept, and said so, never silently deleted.
const SET_ASIDE_KEY: &str = "guardpost.set_aside";
const PERIOD: Duration = Duration::from_secs(60);
const MAX_BACKOFF_MS: u64 = 5 * 60 * 1000;

struct Engine {
    db: Rc<Database>,
    replica: Replica,
    /// Where the store keeps each of the replica's ops.
    kept: Kept,
    /// The records of streams not read at start, as stored, until `rest::read_in_full`.
    rest: Vec<(String, String)>,
    token: String,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    static SYNCING: Cell<bool> = const { Cell::new(false) };
    /// A change was recorded (or the network returned) while a sync ran, possibly after its
    /// push: another round follows at once, rather than leaving the change for the minute's.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static BACKOFF_MS: Cell<u64> = const { Cell::new(0) };
    /// The one retry waiting after a failed sync. While it waits, the minute's sync skips:
    /// the retry is the next try, so failures space tries out up to `MAX_BACKOFF_MS`.
    static RETRY: Cell<Option<TimeoutHandle>> = const { Cell::new(None) };
    /// When the Worker last said who this device is (device clock, ms).
    static SESSION_AT: Cell<u64> = const { Cell::new(0) };
    /// How reading the device's records went, when they were read before the app was drawn
    /// (`load_early`, for the first card); `begin` takes it instead of reading them again.
    static EARLY: RefCell<Option<Result<(), StoreError>>> = const { RefCell::new(None) };
}

/// How long a session is taken as current: a phone brought back to the app after this asks
/// again, so a class or role an admin changed reaches an app left open for days.
const SESSION_EVERY_MS: u64 = 15 * 60 * 1000;

pub fn now_ms() -> u64 {
    // Milliseconds since the epoch fit in f64 exactly.
    js_sys::Date::now().max(0.0) as u64
}

/// The time by the server's clock, as the replica has learnt it: which school day a record
/// is about must not depend on a phone's clock being set right (the Worker judges dates by
/// the same corrected clock).
pub fn school_now_ms() -> u64 {
    with_replica(|r| r.corrected(now_ms())).unwrap_or_else(now_ms)
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
    /// The device's own data has been read (or there is none to read); the network may not
    /// have answered yet.
    loaded: RwSignal<bool>,
}

impl SyncView {
    fn new() -> Self {
        let view = Self::blank();
        view.read_kept();
        view
    }

    /// The view before the device's own records are read: loading, signed in as no one.
    fn blank() -> Self {
        Self {
            phase: RwSignal::new(Phase::Loading),
            pending: RwSignal::new(0),
            last_sync_ms: RwSignal::new(None),
            refused: RwSignal::new(Vec::new()),
            revision: RwSignal::new(0),
            session: RwSignal::new(None),
            set_aside: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
        }
    }

    /// Reads who the device is signed in as from its storage. The changes kept aside are
    /// read with the rest (`rest::read_in_full`).
    fn read_kept(self) {
        self.session
            .set(crate::local::read::<SessionInfo>(SESSION_KEY));
    }

    /// Whether the device's own data has been read (or there is none to read). A page that
    /// waits for it appears whole, instead of growing and pushing what is below it away
    /// from a thumb about to tap.
    pub fn ready(self) -> bool {
        self.loaded.get()
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
    let view = SyncView::blank();
    provide_context(view);
    // A tap on a first card saved from now on shows here, and syncs.
    crate::first::app_runs(move || {
        view.refresh();
        sync_now(view);
    });
    // Reading the device's records (and compiling the code that reads them, on a phone's
    // main thread) is a task of its own, queued before the screens' (NextTask), which find
    // the session read when they are drawn.
    set_timeout(move || begin(view), Duration::ZERO);
    set_interval(
        move || {
            if RETRY.get().is_none() {
                sync_now(view);
            }
        },
        PERIOD,
    );
    let online = window_event_listener(leptos::ev::online, move |_| {
        // The failures counted while the signal was gone were the signal's: a server that
        // fails once it is back is tried again soon, not after the doubled wait.
        BACKOFF_MS.set(0);
        sync_now(view);
    });
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if !visible {
            return;
        }
        if now_ms().saturating_sub(SESSION_AT.get()) >= SESSION_EVERY_MS {
            leptos::task::spawn_local(sync_and_refresh(view));
        } else {
            sync_now(view);
        }
    });
    on_cleanup(move || {
        online.remove();
        visible.remove();
    });
    view
}

/// Who the device is signed in as, by what it keeps: its token and session.
pub fn signed_in() -> Option<(String, SessionInfo)> {
    Some((
        crate::local::read::<String>(TOKEN_KEY)?,
        crate::local::read::<SessionInfo>(SESSION_KEY)?,
    ))
}

/// Reads the device's records before the app's screens are drawn (`crate::first`, whose
/// card needs them); the app's start then takes the replica as read. Call once, before the
/// app starts.
pub async fn load_early(token: String, session: &SessionInfo) -> Result<(), StoreError> {
    let loaded = open_replica(store::open(), token, session, false).await;
    EARLY.set(Some(loaded.clone()));
    loaded
}

/// Reads what the device keeps, and loads its replica if it is signed in.
fn begin(view: SyncView) {
    view.read_kept();
    let token = crate::local::read::<String>(TOKEN_KEY);
    match (token, view.session.get_untracked()) {
        (Some(token), Some(session)) => {
            // A session kept from before the device remembered its build.
            if crate::app_build::remember(session.role) {
                crate::app_build::restart();
            }
            // Asked now, before the screens are drawn; awaited below. Read already when the
            // first card was drawn.
            let opening = EARLY.take().ok_or_else(store::open);
            leptos::task::spawn_local(async move {
                // The store's records are read in the task after this one, which read the
                // session: each is the first run of a lot of reading code.
                after_queued().await;
                let loaded = match opening {
                    Ok(loaded) => loaded,
                    Err(opening) => open_replica(opening, token, &session, false).await,
                };
                match loaded {
                    Ok(()) => {
                        // Today's cards are drawn in a task of their own: reading the store
                        // and drawing them in one held a slow phone's main thread too long.
                        after_queued().await;
                        view.refresh();
                        // What the device holds shows now; the session's refresh may take a
                        // slow network's seconds.
                        view.loaded.set(true);
                        // The first round's work, and the code it runs for the first time
                        // (compiled then, on a phone's main thread), waits until Today is
                        // on screen.
                        drawn().await;
                        sync_and_refresh(view).await;
                    }
                    Err(e) => {
                        view.phase.set(Phase::StorageFailed(e.0));
                        view.loaded.set(true);
                    }
                }
            });
        }
        _ => {
            view.phase.set(Phase::SignedOut);
            view.loaded.set(true);
            // The sign-in screen lists the changes kept aside at a sign-out.
            leptos::task::spawn_local(async move {
                let _ = read_in_full(view).await;
            });
        }
    }
}

/// Resolves once the browser has drawn what changed before the call: in the task after its
/// next frame. A page the browser is not drawing (hidden) waits 100 ms at most.
pub async fn drawn() {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    let done = Rc::new(Cell::new(Some(done)));
    let resolve = move || {
        if let Some(done) = done.take() {
            let _ = done.send(());
        }
    };
    let after_frame = resolve.clone();
    // A task queued while the frame is prepared runs after it is painted.
    request_animation_frame(move || set_timeout(after_frame, Duration::ZERO));
    set_timeout(resolve, Duration::from_millis(100));
    let _ = wait.await;
}

/// Records a change: validated, written to the device's store, and only then reported saved.
pub async fn record(view: SyncView, stream: Stream, payload: Payload) -> Result<(), RecordError> {
    let recorded = keep(stream, payload).await;
    view.refresh();
    if recorded.is_ok() {
        sync_now(view);
    }
    recorded
}

/// Records a change in the replica and the device's store, with no view to tell: the first
/// card's, before the app is drawn (the app's start syncs it).
pub async fn keep(stream: Stream, payload: Payload) -> Result<(), RecordError> {
    let prepared = with_engine(|e| {
        e.replica
            .record(stream, payload, now_ms())
            .map_err(RecordError::Invalid)?;
        Write::state(&e.replica)
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
        return Err(RecordError::Storage(e.0));
    }
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
        Write::state(&e.replica).map(|w| (e.db.clone(), w))
    });
    if let Some(Ok((db, write))) = prepared
        && let Err(e) = store::save(&db, write).await
    {
        view.phase.set(Phase::StorageFailed(e.0));
    }
    view.refresh();
}
