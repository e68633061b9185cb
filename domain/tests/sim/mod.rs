//! The simulated world shared by the sync tests: a seedable RNG, Workers KV as Cloudflare
//! describes it, and the Worker's push and pull handlers over it.

#![allow(dead_code)]

use std::collections::BTreeMap;

use guardpost_domain::changes::Payload;
use guardpost_domain::changes::{
    Listed, PullPager, PullResponse, PushRequest, SegmentMeta, StoredSegment,
};
use guardpost_domain::school::{SchoolId, SchoolTimeZone};
use guardpost_domain::sync::auth::DeviceGrant;
use guardpost_domain::sync::segment::{self, Day};
use guardpost_domain::sync::server;
use guardpost_domain::sync::snapshot::{self, Built, Manifest, Start};
use guardpost_domain::sync::wire::{PullRequest, PushAck};

/// SplitMix64: small, seedable, and the same on every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Counts of KV operations, the free plan's scarce resources.
#[derive(Debug, Default, Clone, Copy)]
pub struct KvCounts {
    pub writes: u64,
    pub lists: u64,
    pub reads: u64,
    /// Writes refused with 429 (a second write to one key within a second).
    pub throttled: u64,
}

struct Entry {
    value: String,
    meta: SegmentMeta,
    written_ms: u64,
    visible_ms: u64,
}

/// One page of a list: the keys and the cursor of the next page.
type ListPage = (Vec<Listed>, Option<String>);

/// Workers KV as Cloudflare describes it: a write becomes visible to readers after a delay
/// (up to `max_delay_ms`), a read that missed keeps missing for 60 s (cached miss), and a
/// second write to one key within a second fails with 429.
pub struct Kv {
    entries: BTreeMap<String, Entry>,
    missed: BTreeMap<String, u64>,
    max_delay_ms: u64,
    list_limit: usize,
    pub counts: KvCounts,
    /// The Worker's cache of list pages (Cache API), shared by all devices: (prefix, cursor)
    /// → (cached at, page). `None` disables it.
    list_cache_ms: Option<u64>,
    list_cache: BTreeMap<(String, Option<String>), (u64, ListPage)>,
}

const KEY_WRITE_INTERVAL_MS: u64 = 1_000;
const MISS_CACHE_MS: u64 = 60_000;

impl Kv {
    pub fn new(max_delay_ms: u64, list_limit: usize) -> Self {
        Self {
            entries: BTreeMap::new(),
            missed: BTreeMap::new(),
            max_delay_ms,
            list_limit,
            counts: KvCounts::default(),
            list_cache_ms: None,
            list_cache: BTreeMap::new(),
        }
    }

    /// Caches list pages for `ttl_ms`, as the Worker does with the Cache API.
    pub fn with_list_cache(mut self, ttl_ms: u64) -> Self {
        self.list_cache_ms = Some(ttl_ms);
        self
    }

    /// One list page, through the list cache when it is on.
    pub fn list(
        &mut self,
        prefix: &str,
        cursor: Option<&str>,
        now: u64,
    ) -> (Vec<Listed>, Option<String>) {
        let Some(ttl) = self.list_cache_ms else {
            return self.list_kv(prefix, cursor, now);
        };
        let key = (prefix.to_owned(), cursor.map(str::to_owned));
        if let Some((at, page)) = self.list_cache.get(&key)
            && now < at + ttl
        {
            return page.clone();
        }
        let page = self.list_kv(prefix, cursor, now);
        self.list_cache.insert(key, (now, page.clone()));
        page
    }

    /// Drops the kept first page of `prefix`'s listing.
    pub fn forget_listing(&mut self, prefix: &str) {
        self.list_cache.remove(&(prefix.to_owned(), None));
    }

    pub fn put(
        &mut self,
        key: &str,
        value: String,
        meta: SegmentMeta,
        now: u64,
        rng: &mut Rng,
    ) -> Result<(), u16> {
        if self
            .entries
            .get(key)
            .is_some_and(|e| now < e.written_ms + KEY_WRITE_INTERVAL_MS)
        {
            self.counts.throttled += 1;
            return Err(429);
        }
        self.counts.writes += 1;
        let visible_ms = now + rng.below(self.max_delay_ms + 1);
        self.entries.insert(
            key.to_owned(),
            Entry {
                value,
                meta,
                written_ms: now,
                visible_ms,
            },
        );
        Ok(())
    }

    /// Keeps a stored key invisible until `until_ms`: one of the late writes Cloudflare
    /// warns of ("60 seconds or more").
    pub fn hold_back(&mut self, key: &str, until_ms: u64) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.visible_ms = until_ms;
        }
    }

    pub fn get(&mut self, key: &str, now: u64) -> Option<String> {
        self.counts.reads += 1;
        if self
            .missed
            .get(key)
            .is_some_and(|&at| now < at + MISS_CACHE_MS)
        {
            return None;
        }
        match self.entries.get(key).filter(|e| e.visible_ms <= now) {
            Some(e) => Some(e.value.clone()),
            None => {
                self.missed.insert(key.to_owned(), now);
                None
            }
        }
    }

    /// One KV list page; the cursor is the last key of the previous page.
    fn list_kv(
        &mut self,
        prefix: &str,
        cursor: Option<&str>,
        now: u64,
    ) -> (Vec<Listed>, Option<String>) {
        self.counts.lists += 1;
        let keys: Vec<Listed> = self
            .entries
            .range(prefix.to_owned()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .filter(|(k, _)| cursor.is_none_or(|c| k.as_str() > c))
            .filter(|(_, e)| e.visible_ms <= now)
            .take(self.list_limit + 1)
            .map(|(k, e)| Listed {
                key: k.clone(),
                meta: Some(e.meta.clone()),
            })
            .collect();
        if keys.len() > self.list_limit {
            let page: Vec<Listed> = keys.into_iter().take(self.list_limit).collect();
            let next = page.last().map(|l| l.key.clone());
            (page, next)
        } else {
            (keys, None)
        }
    }

    /// Every stored segment's key, whatever its visibility.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries
            .keys()
            .map(String::as_str)
            .filter(|k| k.contains("/seg/"))
    }

    /// Every stored segment, whatever its visibility: the truth the devices must converge to.
    pub fn all_segments(&self) -> Vec<StoredSegment> {
        self.entries
            .iter()
            .filter(|(k, _)| k.contains("/seg/"))
            .filter_map(|(_, e)| serde_json::from_str(&e.value).ok())
            .collect()
    }
}

/// What can go wrong with a request in the simulation.
#[derive(Debug)]
pub enum Failure {
    /// No answer: offline, or the answer was lost after the server acted.
    Lost,
    Status(u16),
    /// The segment's timestamps are ahead of the server's clock (given); nothing was stored.
    ClockAhead(u64),
}

/// The Worker's push handler, as `worker/src/sync.rs` runs it.
pub fn push(
    kv: &mut Kv,
    school: &SchoolId,
    grant: &DeviceGrant,
    req: PushRequest,
    now: u64,
    rng: &mut Rng,
) -> Result<PushAck, Failure> {
    let seg =
        server::accept_push(grant, req, SchoolTimeZone::default(), now).map_err(|r| {
            match r.server_ms {
                Some(server_ms) => Failure::ClockAhead(server_ms),
                None => Failure::Status(r.code.status()),
            }
        })?;
    let key = segment::key(school, Day::of_ms(now), seg.stream, &seg.device, seg.seq);
    let stored = kv
        .get(&key, now)
        .and_then(|v| serde_json::from_str::<StoredSegment>(&v).ok());
    let seg = match server::store_or_ack(seg, stored, now) {
        server::PushStep::AckStored(ack) => return Ok(ack),
        server::PushStep::Store(seg) => seg,
    };
    let value = serde_json::to_string(&seg).map_err(|_| Failure::Status(500))?;
    kv.put(&key, value, SegmentMeta::of(&seg), now, rng)
        .map_err(|status| {
            Failure::Status(
                server::segment_write_refused(Some(status), "")
                    .code
                    .status(),
            )
        })?;
    // As the Worker does: a stored segment makes the day's kept listing stale, so its first
    // page goes (the next pull lists afresh).
    kv.forget_listing(&segment::day_prefix(school, Day::of_ms(now)));
    Ok(server::ack(&seg, now))
}

/// The Worker's pull handler, as `worker/src/sync.rs` runs it.
pub fn pull(
    kv: &mut Kv,
    grant: &DeviceGrant,
    req: &PullRequest,
    now: u64,
) -> Result<PullResponse, Failure> {
    pull_paged(
        kv,
        grant,
        req,
        now,
        guardpost_domain::sync::wire::PULL_PAGE_OPS,
    )
}

/// [`pull`] with pages of about `page_ops` ops.
pub fn pull_paged(
    kv: &mut Kv,
    grant: &DeviceGrant,
    req: &PullRequest,
    now: u64,
    page_ops: usize,
) -> Result<PullResponse, Failure> {
    let refused = |r: server::Refused| Failure::Status(r.code.status());
    let mut pager = PullPager::new(grant, req, Day::of_ms(now))
        .map_err(refused)?
        .with_page_ops(page_ops);
    if let Some(key) = pager.snapshot_key().map(str::to_owned) {
        let value = kv.get(&key, now);
        pager.on_snapshot(value.as_deref()).map_err(refused)?;
    }
    while let Some(key) = pager.next_chunk() {
        let value = kv.get(&key, now);
        pager.on_chunk(value.as_deref()).map_err(refused)?;
    }
    while let Some((prefix, cursor)) = pager.next_list() {
        let (mut keys, next) = kv.list(&prefix, cursor.as_deref(), now);
        if let Some(limit) = pager.list_limit() {
            keys.truncate(limit);
        }
        for key in pager.on_list(keys, next) {
            let value = kv.get(&key, now);
            pager.on_read(value.as_deref());
        }
    }
    Ok(pager.finish(now))
}

/// A compaction run's reads and lists, as the Worker performs them: what it would write, or
/// `None` when there is nothing to do or something could not be read yet.
pub fn compact_plan(kv: &mut Kv, school: &SchoolId, now: u64) -> Option<Built<Payload>> {
    let today = Day::of_ms(now);
    let head = kv
        .get(&snapshot::head_key(school), now)
        .and_then(|v| serde_json::from_str::<Manifest>(&v).ok());
    let start = match snapshot::start(head.as_ref(), today) {
        Start::FindFirstDay => {
            let (keys, _) = kv.list(&snapshot::segments_prefix(school), None, now);
            snapshot::start_at_first(school, keys.first().map(|l| l.key.as_str()), today)
        }
        start => start,
    };
    let Start::Days { from, absorb } = start else {
        return None;
    };
    let absorbed = match absorb {
        Some(chunk) => {
            let value = kv.get(&snapshot::chunk_key(school, &chunk.name()), now)?;
            Some((chunk, serde_json::from_str(&value).ok()?))
        }
        None => None,
    };
    let mut gather = snapshot::Gather::new(school, from, today);
    while let Some((prefix, cursor)) = gather.next_list() {
        let (keys, next) = kv.list(&prefix, cursor.as_deref(), now);
        for key in gather.on_list(keys, next) {
            let value = kv.get(&key, now);
            gather.on_read(&key, value.as_deref()).ok()?;
        }
    }
    Some(snapshot::build(
        head.as_ref(),
        absorbed,
        gather.finish(),
        snapshot::target_cut(today),
        now,
    ))
}

/// Writes what a run built, in the Worker's order: the chunks, the manifest, the head. With
/// `crash_after`, the run dies after that many writes.
pub fn compact_write(
    kv: &mut Kv,
    school: &SchoolId,
    built: &Built<Payload>,
    now: u64,
    rng: &mut Rng,
    crash_after: Option<usize>,
) -> Result<(), u16> {
    let manifest = serde_json::to_string(&built.manifest).map_err(|_| 500u16)?;
    let mut writes: Vec<(String, String)> = Vec::new();
    for (chunk, content) in &built.chunks {
        let value = serde_json::to_string(content).map_err(|_| 500u16)?;
        writes.push((snapshot::chunk_key(school, &chunk.name()), value));
    }
    writes.push((
        snapshot::gen_key(school, &built.manifest.id),
        manifest.clone(),
    ));
    writes.push((snapshot::head_key(school), manifest));
    let no_meta = SegmentMeta {
        n: 0,
        seg: None,
        scope: None,
    };
    for (i, (key, value)) in writes.into_iter().enumerate() {
        if crash_after.is_some_and(|n| i >= n) {
            return Err(500);
        }
        kv.put(&key, value, no_meta.clone(), now, rng)?;
    }
    Ok(())
}
