//! One sync round and the loop around it: push the outbox segment by segment, then pull
//! every page, with one retry waiting after a failure.

use futures::future::LocalBoxFuture;
use gloo_net::http::{Method, Request};
use guardpost_domain::json;
use guardpost_domain::sync::Exchange;
use guardpost_domain::sync::wire::{PullRequest, resume_of};
use leptos::wasm_split::SplitLoaderError;

use crate::widgets::next_task;

use super::*;

/// Starts a sync, or asks the running one to go round again. A revoked device stops trying:
/// its token will never work again, and repeated failures would count against the school's
/// network address.
pub fn sync_now(view: SyncView) {
    let revoked = view.phase.get_untracked() == Phase::Revoked;
    if revoked || with_replica(|_| ()).is_none() {
        return;
    }
    if SYNCING.get() {
        AGAIN.set(true);
        return;
    }
    AGAIN.set(false);
    // The round starting now is the retry a failure left waiting (the signal came back, the
    // app was looked at): left set, it would fire during this round and make another.
    if let Some(retry) = RETRY.take() {
        retry.clear();
    }
    SYNCING.set(true);
    view.phase.set(Phase::Syncing);
    leptos::task::spawn_local(async move {
        let result = match round(view).await {
            Ok(round) => round.await,
            // Its code is not on the phone, and the network did not bring it.
            Err(_) => Err(Failure::Unreachable),
        };
        // The round's end redraws what it changed; its outcome redraws the status: two
        // tasks, not one long one, on a phone's main thread (see widgets::NextTask).
        next_task().await;
        SYNCING.set(false);
        // Signed out while the round ran (the session's refresh beside it learnt the device
        // was revoked): the school's data has left, and the sign-in screen stands.
        if with_replica(|_| ()).is_none() {
            view.refresh();
            return;
        }
        let retry = match result {
            Ok(()) => {
                BACKOFF_MS.set(0);
                view.phase.set(Phase::Idle);
                crate::install::install_again_if_missing();
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
            Err(Failure::Other(message) | Failure::Forbidden(message)) => {
                view.phase.set(Phase::Failed(message));
                true
            }
            Err(Failure::Storage(message)) => {
                view.phase.set(Phase::StorageFailed(message));
                false
            }
        };
        view.refresh();
        // Asked for again during the round: after a success (a change recorded meanwhile),
        // the next round goes now; after the network failed, it goes now too if the browser
        // says the signal is back (its return, during the round, is what asked), where the
        // retry's wait could be minutes. After any other failure the retry is the next round.
        let phase = view.phase.get_untracked();
        let signal_back =
            phase == Phase::Offline && web_sys::window().is_some_and(|w| w.navigator().on_line());
        if AGAIN.take() && (!retry && phase == Phase::Idle || signal_back) {
            sync_now(view);
            return;
        }
        // One retry at a time: this round took the place of any that waited, and the
        // backoff goes on doubling from where that one left it.
        if retry {
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
    /// A whole request refused: the person may no longer do or read what it asks.
    Forbidden(String),
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
        CallError::Refused { status: 403, body } => {
            Failure::Forbidden(body.map_or_else(|| "HTTP 403".to_owned(), |b| b.message))
        }
        CallError::Refused { status, body } => {
            Failure::Other(body.map_or_else(|| format!("HTTP {status}"), |b| b.message))
        }
    }
}

/// Fetches a round's code before the first round needs it: the sign-in screen is open while
/// the person types the code, and the first round after signing in would otherwise wait
/// for it (0.9 s of a first sign-in on one bar of signal, bench/slow-sign-in.mjs). A failed
/// fetch is the round's to try again.
pub fn fetch_round_code() {
    leptos::task::spawn_local(async {
        let _ = preload_round().await;
    });
}

/// A round's code (the push, the pull and what they send, read and take in) is a part of
/// the app's wasm of its own, fetched when the first round starts, after Today is drawn:
/// a teacher's check is saved on the phone without it, so she need not wait for it on a
/// slow link (issue 13). The service worker keeps it with the rest of the app; a phone
/// that cannot fetch it yet is offline for that round, and the retry fetches it again.
#[leptos::wasm_split::wasm_split(
    sync_round,
    fallible,
    preload(preload_round),
    wasm_split_path = ::leptos::wasm_split
)]
fn round(view: SyncView) -> Result<LocalBoxFuture<'static, Result<(), Failure>>, SplitLoaderError> {
    Ok(Box::pin(sync_once(view)))
}

async fn sync_once(view: SyncView) -> Result<(), Failure> {
    // The first round runs in the task that instantiated its code, and then reads the
    // records the start left, both first runs of a lot of code that a phone compiles on its
    // main thread: each in a task of its own (see widgets::NextTask).
    next_task().await;
    // A round lets go of what the replica no longer holds and stores what it newly does:
    // both need every record the store keeps read first. This code is here already.
    let _ = read_in_full(view).await;
    next_task().await;
    let Some((db, token, unread)) =
        with_engine(|e| (e.db.clone(), e.token.clone(), !e.rest.is_empty()))
    else {
        return Ok(());
    };
    if unread {
        return Err(Failure::Storage(
            "records of this device could not be read".into(),
        ));
    }
    rescope(view, &db).await?;
    if with_replica(Replica::must_pull_before_push) == Some(true) {
        pull(view, &db, &token).await?;
    }
    let mut restamps = 0;
    // Push: one sealed segment at a time per stream, until the outbox is empty. The seal is
    // written to the store before it is sent, so a retry after a crash sends the same segment.
    loop {
        let next = with_engine(|e| {
            let stream = e.replica.streams_to_push().into_iter().next()?;
            let request = e.replica.next_push(stream)?;
            Some(Write::state(&e.replica).map(|w| (request, w)))
        })
        .flatten();
        let Some(prepared) = next else { break };
        let (request, write) = prepared?;
        store::save(&db, write).await?;
        let stream = request.stream;
        let sent = now_ms();
        match api::post::<_, PushAck>("/api/v1/sync/push", &token, &request).await {
            Ok(ack) => {
                let heard = Exchange::new(sent, now_ms());
                let write = with_engine(|e| {
                    let applied = e.replica.on_ack(&ack, heard);
                    Write::ops(&e.replica, &mut e.kept, &applied.stored)
                });
                if let Some(write) = write {
                    store::save(&db, write?).await?;
                }
            }
            Err(CallError::Refused {
                body: Some(body), ..
            }) if body.error == ErrorCode::ClockAhead && restamps < 2 => {
                restamps += 1;
                let heard = Exchange::new(sent, now_ms());
                let server_ms = body.server_ms.unwrap_or(heard.received_ms());
                let write = with_engine(|e| {
                    e.replica.restamp_sealed(stream, server_ms, heard);
                    Write::state(&e.replica)
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
                    Write::state(&e.replica)
                });
                if let Some(write) = write {
                    store::save(&db, write?).await?;
                }
            }
            Err(e) => return Err(failure(e)),
        }
        view.refresh();
    }
    pull(view, &db, &token).await
}

/// Takes in the person's role and classes as the session last said (`Replica::rescope`),
/// between rounds so no pull's answer lands on cursors it was not asked with.
async fn rescope(view: SyncView, db: &Database) -> Result<(), Failure> {
    let Some(session) = view.session.get_untracked() else {
        return Ok(());
    };
    let write = with_engine(|e| {
        e.replica.rescope(&session, now_ms())?;
        Some(Write::letting_go(&e.replica, &mut e.kept))
    })
    .flatten();
    if let Some(write) = write {
        store::save(db, write?).await?;
        view.refresh();
    }
    Ok(())
}

/// A pull the Worker refuses whole asks for a stream the person may no longer read: an
/// admin changed their role since the device last asked who it is. It asks, takes the
/// answer in, and pulls once more.
async fn pull(view: SyncView, db: &Database, token: &str) -> Result<(), Failure> {
    match pull_all(view, db, token).await {
        Err(Failure::Forbidden(_)) => {
            refresh_session(view).await;
            rescope(view, db).await?;
            pull_all(view, db, token).await
        }
        other => other,
    }
}

async fn ready_page(token: &str, request: &PullRequest) -> Result<Request, Failure> {
    api::request(
        Method::POST,
        "/api/v1/sync/pull",
        Some(token),
        Some(request),
    )
    .await
    .map_err(failure)
}

/// A page's text, with when it was asked for and when it was in: the server's clock is read
/// between the two, whenever the page is taken in.
async fn fetch_page(request: Request) -> Result<(String, Exchange), Failure> {
    let sent = now_ms();
    let text = api::send_text(request).await.map_err(failure)?;
    Ok((text, Exchange::new(sent, now_ms())))
}

fn unreadable(e: serde_json::Error) -> Failure {
    failure(api::unreadable(200, &e))
}

/// How often screens redraw while a pull of many pages arrives.
const REDRAW_MS: u64 = 1_000;

/// Pulls every page, asking for the next as soon as an answer says where it is, while the
/// answer is read, taken in and saved (`PullRequest::next_page`): on a slow link its round
/// trip and the phone's work overlap. IndexedDB runs the writes in the order they were made, and
/// each holds its page's ops with the cursors that cover them, so a device closed midway
/// pulls again from the last page saved.
async fn pull_all(view: SyncView, db: &Database, token: &str) -> Result<(), Failure> {
    // A new device's first pull is many pages, and a screen like the school's day reads every
    // record when it redraws: it redraws as pages arrive, once a second, and at the end,
    // whatever the end is.
    let mut shown_ms = now_ms();
    let outcome = async {
        let Some(mut request) = with_replica(Replica::pull_request) else {
            return Ok(());
        };
        let mut answer = fetch_page(ready_page(token, &request).await?).await;
        loop {
            let (text, heard) = answer?;
            let next = request.next_page(resume_of(&text).map_err(unreadable)?);
            let take_in = async {
                let response: PullResponse = json::from_str(&text).map_err(unreadable)?;
                // Reading the page, and taking it in with what is to be saved, in two tasks.
                next_task().await;
                let prepared = with_engine(|e| {
                    let applied = e.replica.on_pull(response, heard);
                    Write::ops(&e.replica, &mut e.kept, &applied.stored)
                });
                match prepared {
                    Some(write) => {
                        store::save(db, write?).await?;
                        Ok::<_, Failure>(true)
                    }
                    // Signed out meanwhile: nothing to take it into.
                    None => Ok(false),
                }
            };
            let Some(next) = next else {
                take_in.await?;
                break;
            };
            // The request goes out first; the page is taken in while it travels.
            let ready = ready_page(token, &next).await?;
            let (fetched, taken) = futures::future::join(fetch_page(ready), take_in).await;
            if !taken? {
                break;
            }
            request = next;
            answer = fetched;
            if now_ms().saturating_sub(shown_ms) >= REDRAW_MS {
                view.refresh();
                shown_ms = now_ms();
            }
        }
        // A class teacher's phone keeps only recent days of checks: older ones the server
        // holds leave the device (the cursors still cover them, so they never come back).
        let role = view.session.get_untracked().map(|s| s.role);
        let keep_from = role.and_then(|role| {
            let tz = crate::school::cached_timezone();
            guardpost_domain::checkins::keeps_daily_from(
                role,
                tz.date_at_ms(super::school_now_ms()),
            )
        });
        if let Some(keep_from) = keep_from {
            let prepared = with_engine(|e| {
                let dropped = e.replica.drop_daily_before(keep_from);
                (!dropped.is_empty()).then(|| Write::letting_go(&e.replica, &mut e.kept))
            });
            if let Some(Some(write)) = prepared {
                store::save(db, write?).await?;
            }
        }
        Ok(())
    }
    .await;
    // The screens redraw in a task of their own, not in the one that saved the last page.
    next_task().await;
    view.refresh();
    outcome
}
