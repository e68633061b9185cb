//! `/api/v1/sync/*`: the device's session, push and pull. The decisions are the domain's
//! (`guardpost_domain::sync::server`); this module authenticates, reads the body within its
//! limits, and performs the KV reads, lists and the one write a push costs.

use guardpost_domain::api::{ErrorCode, PROTOCOL_VERSION};
use guardpost_domain::keys;
use guardpost_domain::school::SchoolId;
use guardpost_domain::school::SchoolProfile;
use guardpost_domain::sync::auth::{DeviceGrant, token_hash, token_well_formed};
use guardpost_domain::sync::segment::{self, Day, StoredSegment};
use guardpost_domain::sync::server::{self, Listed, PullPager, Refused, SegmentMeta};
use guardpost_domain::sync::wire::{
    ClassRef, MAX_BODY_BYTES, PullRequest, PushRequest, SessionInfo,
};
use guardpost_domain::text::Name;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use worker::kv::KvStore;
use worker::{Date, Env, Request, Response, Result};

use crate::config;
use crate::reply::{api_error, json};

fn refused(r: Refused) -> Result<Response> {
    Ok(Response::from_json(&r.body())?.with_status(r.code.status()))
}

/// The school, its KV namespace and the device's grant, or the error response to send.
struct Caller {
    school: SchoolId,
    store: KvStore,
    grant: DeviceGrant,
    now_ms: u64,
}

async fn authenticate(req: &Request, env: &Env) -> std::result::Result<Caller, Result<Response>> {
    let school = config::school(env).map_err(|m| api_error(ErrorCode::Internal, m))?;
    let store = env
        .kv(config::KV_BINDING)
        .map_err(|e| api_error(ErrorCode::Internal, format!("KV binding: {e}")))?;
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
        return Err(api_error(
            ErrorCode::Unauthorized,
            "send the device token as 'Authorization: Bearer …'",
        ));
    };
    let grant = store
        .get(&keys::device_grant(&school, &token_hash(token)))
        .json::<DeviceGrant>()
        .await
        .map_err(|e| {
            api_error(
                ErrorCode::Internal,
                format!("reading the device grant: {e}"),
            )
        })?;
    let now_ms = Date::now().as_millis();
    // A grant is looked up under this school's prefix, so another school's token is unknown
    // here; the school check guards against a grant copied between prefixes.
    let grant =
        server::check_grant(grant.filter(|g| g.school == school), now_ms).map_err(refused)?;
    Ok(Caller {
        school,
        store,
        grant,
        now_ms,
    })
}

/// Reads a JSON body within [`MAX_BODY_BYTES`], answering 409 for another protocol version
/// before the strict parse (a newer client's body may not parse as this version's).
async fn read_body<T: DeserializeOwned>(
    req: &mut Request,
) -> std::result::Result<T, Result<Response>> {
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = || {
        api_error(
            ErrorCode::TooLarge,
            format!("the body is limited to {MAX_BODY_BYTES} bytes"),
        )
    };
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let raw = req
        .bytes()
        .await
        .map_err(|e| api_error(ErrorCode::BadRequest, format!("reading the body: {e}")))?;
    if raw.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    let encoding = req.headers().get("Content-Encoding").ok().flatten();
    let bytes = match encoding.as_deref().map(str::trim) {
        None | Some("identity") => raw,
        // Phones on slow links send push bodies gzipped; the limit applies to the inflated
        // size too, so a small bomb can't become a large body.
        Some("gzip") => {
            let mut inflated = Vec::new();
            let limit = u64::try_from(MAX_BODY_BYTES).unwrap_or(u64::MAX) + 1;
            std::io::Read::read_to_end(
                &mut std::io::Read::take(flate2::read::GzDecoder::new(&raw[..]), limit),
                &mut inflated,
            )
            .map_err(|e| {
                api_error(
                    ErrorCode::BadRequest,
                    format!("the gzip body is corrupt: {e}"),
                )
            })?;
            if inflated.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            inflated
        }
        Some(other) => {
            return Err(api_error(
                ErrorCode::BadRequest,
                format!("unsupported Content-Encoding {other:?}; send identity or gzip"),
            ));
        }
    };
    #[derive(Deserialize)]
    struct Versioned {
        protocol: u32,
    }
    match serde_json::from_slice::<Versioned>(&bytes) {
        Ok(v) if v.protocol != PROTOCOL_VERSION => {
            return Err(api_error(
                ErrorCode::ProtocolMismatch,
                format!(
                    "this server speaks sync protocol {PROTOCOL_VERSION}, not {}; reload the app",
                    v.protocol
                ),
            ));
        }
        _ => {}
    }
    serde_json::from_slice::<T>(&bytes)
        .map_err(|e| api_error(ErrorCode::BadRequest, format!("malformed body: {e}")))
}

/// The caller and its JSON body, or the error response to send.
async fn authenticated_body<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
) -> std::result::Result<(Caller, T), Result<Response>> {
    let caller = authenticate(req, env).await?;
    let body = read_body::<T>(req).await?;
    Ok((caller, body))
}

/// `GET /api/v1/sync/session`.
pub async fn session(req: Request, env: &Env) -> Result<Response> {
    let caller = match authenticate(&req, env).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    // Class names come from the school's profile; a class missing there shows its id.
    let profile = caller
        .store
        .get(&keys::profile(&caller.school))
        .json::<SchoolProfile>()
        .await
        .ok()
        .flatten();
    let classes = caller
        .grant
        .classes
        .iter()
        .map(|id| ClassRef {
            id: id.clone(),
            name: profile
                .as_ref()
                .and_then(|p| p.classes.iter().find(|c| c.id == id.as_str()))
                .map(|c| c.name.clone())
                .or_else(|| Name::parse(id.as_str()).ok())
                .unwrap_or_else(|| caller.grant.name.clone()),
        })
        .collect();
    json(&SessionInfo {
        protocol: PROTOCOL_VERSION,
        device: caller.grant.device.clone(),
        name: caller.grant.name.clone(),
        role: caller.grant.role,
        classes,
        streams: caller.grant.readable_streams(),
        server_ms: caller.now_ms,
    })
}

/// `POST /api/v1/sync/push`: one segment, one KV write. A segment already stored under its
/// key (a retry after a lost ack) is acked from the stored copy and not written again.
pub async fn push(mut req: Request, env: &Env) -> Result<Response> {
    let (caller, body) = match authenticated_body::<PushRequest>(&mut req, env).await {
        Ok(both) => both,
        Err(response) => return response,
    };
    let segment = match server::accept_push(&caller.grant, body, caller.now_ms) {
        Ok(segment) => segment,
        Err(r) => return refused(r),
    };
    let key = segment::key(
        &caller.school,
        Day::of_ms(caller.now_ms),
        segment.stream,
        &segment.device,
        segment.seq,
    );
    if let Ok(Some(stored)) = caller.store.get(&key).json::<StoredSegment>().await {
        return json(&server::ack(&stored, caller.now_ms));
    }
    let put = caller
        .store
        .put(&key, &segment)
        .and_then(|put| put.metadata(SegmentMeta::of(&segment)));
    let written = match put {
        Ok(put) => put.execute().await,
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        let message = e.to_string();
        // KV allows one write a second per key: the device retries the same segment.
        if message.contains("429") || message.contains("Too Many") {
            let mut response =
                api_error(ErrorCode::TooManyRequests, "retry this segment in a second")?;
            response.headers_mut().set("Retry-After", "1")?;
            return Ok(response);
        }
        return api_error(
            ErrorCode::Internal,
            format!("storing the segment: {message}"),
        );
    }
    with_kv_counts(json(&server::ack(&segment, caller.now_ms)), 1, 0, 1)
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
        Err(response) => return response,
    };
    let mut pager = match PullPager::new(&caller.grant, &body, Day::of_ms(caller.now_ms)) {
        Ok(pager) => pager,
        Err(r) => return refused(r),
    };
    let (mut lists, mut reads) = (0, 0);
    let cache_seconds = config::list_cache_seconds(env);
    while let Some((prefix, cursor)) = pager.next_list() {
        let page = match list_page(&caller.store, &prefix, cursor, cache_seconds, &mut lists).await
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
            let value = match caller.store.get(&key).text().await {
                Ok(value) => value,
                Err(e) => return api_error(ErrorCode::Internal, format!("reading a segment: {e}")),
            };
            pager.on_read(value.as_deref());
        }
    }
    let mut response = with_kv_counts(json(&pager.finish(caller.now_ms)), 0, lists, reads)?;
    if gzip {
        // The runtime compresses the body to match this header: a term's first pull is a few
        // MB of JSON and about 5% of that compressed.
        response.headers_mut().set("Content-Encoding", "gzip")?;
    }
    Ok(response)
}

/// One page of a KV listing, as kept in the Worker's cache.
#[derive(serde::Serialize, Deserialize)]
struct ListPage {
    keys: Vec<(String, Option<serde_json::Value>)>,
    next: Option<String>,
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
    let mut url =
        worker::Url::parse("https://kv-list.guardpost.invalid/").map_err(|e| e.to_string())?;
    url.query_pairs_mut().append_pair("prefix", prefix);
    if let Some(cursor) = &cursor {
        url.query_pairs_mut().append_pair("cursor", cursor);
    }
    let url = url.to_string();
    if let Ok(Some(mut hit)) = cache.get(url.as_str(), false).await
        && let Ok(page) = hit.json::<ListPage>().await
    {
        return Ok(page);
    }
    *lists += 1;
    let mut list = store.list().prefix(prefix.to_owned()).limit(1_000);
    if let Some(cursor) = cursor {
        list = list.cursor(cursor);
    }
    let listed = list.execute().await.map_err(|e| e.to_string())?;
    let page = ListPage {
        next: (!listed.list_complete).then_some(listed.cursor).flatten(),
        keys: listed
            .keys
            .into_iter()
            .map(|k| (k.name, k.metadata))
            .collect(),
    };
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

async fn list_kv(
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
