//! `/api/v1/sync/*`: the device's session, push and pull. The decisions are the domain's
//! (`guardpost_domain::sync::server`); this module authenticates, reads the body within its
//! limits, and performs the KV reads, lists and the one write a push costs.

use guardpost_domain::api::{ErrorCode, PROTOCOL_VERSION, Refused, decode_versioned};
use guardpost_domain::sync::auth::Actor;
use guardpost_domain::sync::segment::{self, Day, StoredSegment};
use guardpost_domain::sync::server::{self, Listed, PullPager, SegmentMeta};
use guardpost_domain::sync::wire::{
    ClassRef, MAX_BODY_BYTES, PullRequest, PushRequest, SessionInfo,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use worker::kv::{KvError, KvStore};
use worker::wasm_bindgen::JsCast;
use worker::{Env, Request, Response, Result, js_sys};

use crate::auth::{self, Caller, refused};
use crate::reply::{api_error, json};
use crate::{body, config};

/// The caller and its JSON body, or the refusal to answer with.
async fn authenticated_body<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
) -> std::result::Result<(Caller, T), Refused> {
    let caller = auth::authenticate(req, env).await?;
    let bytes = body::read(req, MAX_BODY_BYTES).await?;
    let body = decode_versioned::<T>(&bytes, MAX_BODY_BYTES)?;
    Ok((caller, body))
}

/// `GET /api/v1/sync/session`.
pub async fn session(req: Request, env: &Env) -> Result<Response> {
    let caller = match auth::authenticate(&req, env).await {
        Ok(caller) => caller,
        Err(r) => return refused(r),
    };
    // A teacher's classes exist in the directory: the directory validates that.
    let classes = caller
        .grant
        .classes
        .iter()
        .filter_map(|id| caller.directory.class(id))
        .map(ClassRef::of)
        .collect();
    let whole_school = caller.grant.role.sees_whole_school();
    let all_classes = if whole_school {
        caller.directory.classes.iter().map(ClassRef::of).collect()
    } else {
        Vec::new()
    };
    json(&SessionInfo {
        protocol: PROTOCOL_VERSION,
        device: caller.grant.device.clone(),
        name: caller.grant.name.clone(),
        role: caller.grant.role,
        classes,
        streams: caller.grant.readable_streams(),
        server_ms: caller.school.now_ms,
        all_classes,
        checkins: caller.directory.checkins,
    })
}

/// `POST /api/v1/sync/push`: one segment, one KV write. A segment already stored under its
/// key (a retry after a lost ack) is acked from the stored copy and not written again.
pub async fn push(mut req: Request, env: &Env) -> Result<Response> {
    let (caller, body) = match authenticated_body::<PushRequest>(&mut req, env).await {
        Ok(both) => both,
        Err(r) => return refused(r),
    };
    let segment = match server::accept_push(
        &caller.grant,
        body,
        caller.directory.timezone,
        caller.school.now_ms,
    ) {
        Ok(segment) => segment,
        Err(r) => return refused(r),
    };
    let key = segment::key(
        &caller.school.id,
        Day::of_ms(caller.school.now_ms),
        segment.stream,
        &segment.device,
        segment.seq,
    );
    // A stored copy that can't be read or decoded is treated as absent: the write below
    // then either stores the segment or fails, and the device retries.
    let stored = caller
        .school
        .store
        .get(&key)
        .json::<StoredSegment>()
        .await
        .ok()
        .flatten();
    let segment = match server::store_or_ack(segment, stored, caller.school.now_ms) {
        server::PushStep::AckStored(ack) => return with_kv_counts(json(&ack), 0, 0, 1),
        server::PushStep::Store(segment) => segment,
    };
    let put = caller
        .school
        .store
        .put(&key, &segment)
        .and_then(|put| put.metadata(SegmentMeta::of(&segment)));
    let written = match put {
        Ok(put) => put.execute().await,
        Err(e) => Err(e),
    };
    if written.is_ok() {
        forget_listing(
            &segment::day_prefix(&caller.school.id, Day::of_ms(caller.school.now_ms)),
            env,
        )
        .await;
    }
    if let Err(e) = written {
        let message = kv_error_message(&e);
        let status = server::kv_failure_status(&message);
        return refused(server::segment_write_refused(status, &message));
    }
    with_kv_counts(json(&server::ack(&segment, caller.school.now_ms)), 1, 0, 1)
}

/// The message of a failed KV call. The runtime rejects with a JavaScript `Error`; its
/// `message` is read directly, since the crate's `Display` wraps it in a debug rendering that
/// includes the stack.
fn kv_error_message(e: &KvError) -> String {
    match e {
        KvError::JavaScript(value) => value
            .dyn_ref::<js_sys::Error>()
            .map(|error| String::from(error.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| e.to_string()),
        other => other.to_string(),
    }
}

/// Reports the KV operations a request cost, for the benchmark and for operators watching
/// the free plan's daily limits.
fn with_kv_counts(
    response: Result<Response>,
    writes: u32,
    lists: u32,
    reads: u32,
) -> Result<Response> {
    let mut response = response?;
    response.headers_mut().set(
        "X-Guardpost-KV",
        &format!("writes={writes}, lists={lists}, reads={reads}"),
    )?;
    Ok(response)
}

/// `POST /api/v1/sync/pull`: lists the requested days, returns the segments the caller lacks
/// as far as its role lets it see them, in pages.
pub async fn pull(mut req: Request, env: &Env) -> Result<Response> {
    let gzip = accepts_gzip(&req);
    let (caller, body) = match authenticated_body::<PullRequest>(&mut req, env).await {
        Ok(both) => both,
        Err(r) => return refused(r),
    };
    let mut pager = match PullPager::new(&caller.grant, &body, Day::of_ms(caller.school.now_ms)) {
        Ok(pager) => pager,
        Err(r) => return refused(r),
    };
    let (mut lists, mut reads) = (0, 0);
    let cache_seconds = config::list_cache_seconds(env);
    while let Some((prefix, cursor)) = pager.next_list() {
        let page = match list_page(
            &caller.school.store,
            &prefix,
            cursor,
            cache_seconds,
            &mut lists,
        )
        .await
        {
            Ok(page) => page,
            Err(e) => return api_error(ErrorCode::Internal, format!("listing segments: {e}")),
        };
        let keys = page
            .keys
            .into_iter()
            .map(|(key, meta)| Listed {
                meta: meta.and_then(|m| serde_json::from_value::<SegmentMeta>(m).ok()),
                key,
            })
            .collect();
        let next = page.next;
        for key in pager.on_list(keys, next) {
            reads += 1;
            let value = match caller.school.store.get(&key).text().await {
                Ok(value) => value,
                Err(e) => return api_error(ErrorCode::Internal, format!("reading a segment: {e}")),
            };
            pager.on_read(value.as_deref());
        }
    }
    let mut response = with_kv_counts(json(&pager.finish(caller.school.now_ms)), 0, lists, reads)?;
    if gzip {
        // The runtime compresses the body to match this header: a term's first pull is a few
        // MB of JSON and about 5% of that compressed.
        response.headers_mut().set("Content-Encoding", "gzip")?;
    }
    Ok(response)
}

/// One page of a KV listing, as kept in the Worker's cache.
#[derive(serde::Serialize, Deserialize)]
pub(crate) struct ListPage {
    pub(crate) keys: Vec<(String, Option<serde_json::Value>)>,
    pub(crate) next: Option<String>,
}

/// Lists one page of a day's segments, reusing a page listed in the last
/// `cache_seconds` (see `config::list_cache_seconds`).
async fn list_page(
    store: &KvStore,
    prefix: &str,
    cursor: Option<String>,
    cache_seconds: u32,
    lists: &mut u32,
) -> std::result::Result<ListPage, String> {
    if cache_seconds == 0 {
        return list_kv(store, prefix, cursor, lists).await;
    }
    let cache = worker::Cache::default();
    let url = list_cache_url(prefix, cursor.as_deref())?;
    if let Ok(Some(mut hit)) = cache.get(url.as_str(), false).await
        && let Ok(page) = hit.json::<ListPage>().await
    {
        return Ok(page);
    }
    let page = list_kv(store, prefix, cursor, lists).await?;
    // A failed cache write only costs the next pull a list.
    if let Ok(mut response) = Response::from_json(&page) {
        let cached = response
            .headers_mut()
            .set("Cache-Control", &format!("max-age={cache_seconds}"));
        if cached.is_ok() {
            let _ = cache.put(url.as_str(), response).await;
        }
    }
    Ok(page)
}

/// Where the Cache API keeps a page of the listing of `prefix` (the first page: no cursor).
fn list_cache_url(prefix: &str, cursor: Option<&str>) -> std::result::Result<String, String> {
    let mut url =
        worker::Url::parse("https://kv-list.guardpost.invalid/").map_err(|e| e.to_string())?;
    url.query_pairs_mut().append_pair("prefix", prefix);
    if let Some(cursor) = cursor {
        url.query_pairs_mut().append_pair("cursor", cursor);
    }
    Ok(url.to_string())
}

/// A segment was just stored under `prefix`: the kept listing of that day no longer holds
/// every segment, so it goes, and the next pull here lists afresh. Otherwise a phone that
/// pulls right after a colleague's push is told nothing new for up to `cache_seconds`,
/// though the colleague's phone already says "synced". Only the first page goes: a school's
/// day is far under the 1,000 keys of a page, and later pages still expire on their own.
async fn forget_listing(prefix: &str, env: &Env) {
    if config::list_cache_seconds(env) == 0 {
        return;
    }
    if let Ok(url) = list_cache_url(prefix, None) {
        // A failed delete leaves the page to expire on its own.
        let _ = worker::Cache::default().delete(url.as_str(), false).await;
    }
}

/// One page (up to 1,000 keys with their metadata) of KV's listing of `prefix`.
pub(crate) async fn list_kv(
    store: &KvStore,
    prefix: &str,
    cursor: Option<String>,
    lists: &mut u32,
) -> std::result::Result<ListPage, String> {
    *lists += 1;
    let mut list = store.list().prefix(prefix.to_owned()).limit(1_000);
    if let Some(cursor) = cursor {
        list = list.cursor(cursor);
    }
    let listed = list.execute().await.map_err(|e| e.to_string())?;
    Ok(ListPage {
        next: (!listed.list_complete).then_some(listed.cursor).flatten(),
        keys: listed
            .keys
            .into_iter()
            .map(|k| (k.name, k.metadata))
            .collect(),
    })
}

fn accepts_gzip(req: &Request) -> bool {
    req.headers()
        .get("Accept-Encoding")
        .ok()
        .flatten()
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")))
}
