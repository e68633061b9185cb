//! Every KV call the Worker makes goes through [`Kv`], so that a response can say what it cost
//! against the free plan's daily limits (`X-Guardpost-KV`) and a failure is judged by the
//! status KV answered with, never by what its message happens to say.

use std::cell::Cell;
use std::fmt;

use guardpost_domain::api::Refused;
use guardpost_domain::sync::server;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::kv::{KvError, KvStore, ToRawKvValue};
use worker::wasm_bindgen::JsCast;
use worker::{Env, Response, js_sys};

use crate::config;
use crate::reply::internal;

/// The KV operations a request has made, each kind against its own daily limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KvCost {
    pub reads: u32,
    pub writes: u32,
    pub lists: u32,
    pub deletes: u32,
}

impl KvCost {
    /// What was spent after `earlier` was taken.
    pub fn since(self, earlier: KvCost) -> KvCost {
        KvCost {
            reads: self.reads.saturating_sub(earlier.reads),
            writes: self.writes.saturating_sub(earlier.writes),
            lists: self.lists.saturating_sub(earlier.lists),
            deletes: self.deletes.saturating_sub(earlier.deletes),
        }
    }

    /// The `X-Guardpost-KV` header's value. The benchmark and operators read the first three;
    /// deletes are named only when there were some.
    pub fn header(self) -> String {
        let KvCost {
            reads,
            writes,
            lists,
            deletes,
        } = self;
        let mut header = format!("writes={writes}, lists={lists}, reads={reads}");
        if deletes > 0 {
            header.push_str(&format!(", deletes={deletes}"));
        }
        header
    }
}

/// A KV call that failed: the runtime's message, and the HTTP status KV answered with when
/// the message carries one ([`server::kv_failure_status`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvFailure {
    pub status: Option<u16>,
    pub message: String,
}

impl KvFailure {
    fn of(e: &KvError) -> Self {
        let message = message_of(e);
        Self {
            status: server::kv_failure_status(&message),
            message,
        }
    }
}

impl fmt::Display for KvFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The message of a failed KV call. The runtime rejects with a JavaScript `Error`; its
/// `message` is read directly, since the crate's `Display` wraps it in a debug rendering that
/// includes the stack.
fn message_of(e: &KvError) -> String {
    match e {
        KvError::JavaScript(value) => value
            .dyn_ref::<js_sys::Error>()
            .map(|error| String::from(error.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| e.to_string()),
        other => other.to_string(),
    }
}

/// One page of a KV listing: key names with their metadata, and the cursor of the next page.
#[derive(Serialize, Deserialize)]
pub struct ListPage {
    pub keys: Vec<(String, Option<serde_json::Value>)>,
    pub next: Option<String>,
}

/// The school's KV namespace, counting what a request spends in it. A request runs on one
/// thread, so a `Cell` is all the counting needs.
pub struct Kv {
    store: KvStore,
    cost: Cell<KvCost>,
}

impl Kv {
    pub fn of(env: &Env) -> Result<Self, Refused> {
        let store = env
            .kv(config::KV_BINDING)
            .map_err(|e| internal("KV binding", e))?;
        Ok(Self {
            store,
            cost: Cell::new(KvCost::default()),
        })
    }

    /// What this request has spent so far.
    pub fn cost(&self) -> KvCost {
        self.cost.get()
    }

    fn count(&self, spend: impl FnOnce(&mut KvCost)) {
        let mut cost = self.cost.get();
        spend(&mut cost);
        self.cost.set(cost);
    }

    /// The value under `key`, parsed from JSON by the runtime.
    pub async fn json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, KvFailure> {
        self.count(|c| c.reads += 1);
        self.store
            .get(key)
            .json::<T>()
            .await
            .map_err(|e| KvFailure::of(&e))
    }

    /// The value under `key` as text.
    pub async fn text(&self, key: &str) -> Result<Option<String>, KvFailure> {
        self.count(|c| c.reads += 1);
        self.store
            .get(key)
            .text()
            .await
            .map_err(|e| KvFailure::of(&e))
    }

    /// Stores `value` under `key`.
    pub async fn put(&self, key: &str, value: impl ToRawKvValue) -> Result<(), KvFailure> {
        self.put_with(key, value, None::<()>, None).await
    }

    /// Stores `value` under `key` with `metadata` (returned by a listing, so a list can stand
    /// in for reading every value) and, with `ttl_s`, for that many seconds only.
    pub async fn put_with<M: Serialize>(
        &self,
        key: &str,
        value: impl ToRawKvValue,
        metadata: Option<M>,
        ttl_s: Option<u64>,
    ) -> Result<(), KvFailure> {
        self.count(|c| c.writes += 1);
        let mut put = self.store.put(key, value).map_err(|e| KvFailure::of(&e))?;
        if let Some(metadata) = metadata {
            put = put.metadata(metadata).map_err(|e| KvFailure::of(&e))?;
        }
        if let Some(ttl_s) = ttl_s {
            put = put.expiration_ttl(ttl_s);
        }
        put.execute().await.map_err(|e| KvFailure::of(&e))
    }

    pub async fn delete(&self, key: &str) -> Result<(), KvFailure> {
        self.count(|c| c.deletes += 1);
        self.store.delete(key).await.map_err(|e| KvFailure::of(&e))
    }

    /// One page (up to 1,000 keys with their metadata) of KV's listing of `prefix`.
    pub async fn list(&self, prefix: &str, cursor: Option<String>) -> Result<ListPage, KvFailure> {
        self.list_limited(prefix, cursor, 1_000).await
    }

    /// [`Kv::list`] with pages of at most `limit` keys (a request that reads every key it
    /// lists keeps within a Worker's limits).
    pub async fn list_limited(
        &self,
        prefix: &str,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<ListPage, KvFailure> {
        self.count(|c| c.lists += 1);
        let mut list = self
            .store
            .list()
            .prefix(prefix.to_owned())
            .limit(u64::try_from(limit).unwrap_or(1_000));
        if let Some(cursor) = cursor {
            list = list.cursor(cursor);
        }
        let listed = list.execute().await.map_err(|e| KvFailure::of(&e))?;
        Ok(ListPage {
            next: (!listed.list_complete).then_some(listed.cursor).flatten(),
            keys: listed
                .keys
                .into_iter()
                .map(|k| (k.name, k.metadata))
                .collect(),
        })
    }

    /// [`Kv::list`], reusing a page listed in the last `cache_seconds` (see
    /// `config::list_cache_seconds`); a page from the cache costs no list.
    pub async fn list_cached(
        &self,
        prefix: &str,
        cursor: Option<String>,
        cache_seconds: u32,
    ) -> Result<ListPage, KvFailure> {
        let url = (cache_seconds > 0)
            .then(|| list_cache_url(prefix, cursor.as_deref()))
            .flatten();
        let Some(url) = url else {
            return self.list(prefix, cursor).await;
        };
        let cache = worker::Cache::default();
        if let Ok(Some(mut hit)) = cache.get(url.as_str(), false).await
            && let Ok(page) = hit.json::<ListPage>().await
        {
            return Ok(page);
        }
        let page = self.list(prefix, cursor).await?;
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
}

/// Where the Cache API keeps a page of the listing of `prefix` (the first page: no cursor).
fn list_cache_url(prefix: &str, cursor: Option<&str>) -> Option<String> {
    let mut url = worker::Url::parse("https://kv-list.guardpost.invalid/").ok()?;
    url.query_pairs_mut().append_pair("prefix", prefix);
    if let Some(cursor) = cursor {
        url.query_pairs_mut().append_pair("cursor", cursor);
    }
    Some(url.to_string())
}

/// A segment was just stored under `prefix`: the kept listing of that day no longer holds
/// every segment, so it goes, and the next pull here lists afresh. Otherwise a phone that
/// pulls right after a colleague's push is told nothing new for up to the cache's time,
/// though the colleague's phone already says "synced". (The pages after the first are
/// keyed by cursors a fresh first page replaces.)
pub async fn forget_listing(prefix: &str, cache_seconds: u32) {
    if cache_seconds == 0 {
        return;
    }
    if let Some(url) = list_cache_url(prefix, None) {
        // A failed delete leaves the page to expire on its own.
        let _ = worker::Cache::default().delete(url.as_str(), false).await;
    }
}
