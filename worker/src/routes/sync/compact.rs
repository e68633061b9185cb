//! Compaction: the Cron Trigger (and `POST /api/v1/admin/compact`, for an admin who wants
//! it now) folds settled days' segments into the school's snapshot. What to list, read and
//! write is `guardpost_domain::sync::snapshot`'s; this module performs it, chunks first,
//! then the manifest, then the head, so a run that dies partway changes nothing a pull reads.

use guardpost_domain::api::{ErrorCode, Refused};
use guardpost_domain::changes::Payload;
use guardpost_domain::sync::auth::Operation;
use guardpost_domain::sync::segment::Day;
use guardpost_domain::sync::snapshot::{self, Chunk, Gather, Interrupted, Manifest, Start};
use serde::Serialize;
use worker::{Env, Request};

use crate::identity::{self, School};
use crate::kv::Kv;
use crate::reply::{Answer, Answered, internal};

/// What a run did, for the admin who asked and the cron's log.
#[derive(Debug, Serialize)]
pub struct Ran {
    /// Every segment received before this day is in the snapshot.
    pub cut: Option<Day>,
    pub chunks: usize,
    pub ops: u64,
    /// Chunks written by this run (none when there was nothing to do).
    pub written: usize,
}

/// `POST /api/v1/admin/compact`: one run now.
pub async fn now(req: Request, env: &Env) -> Answered {
    let caller = identity::authorize(&req, env, Operation::ManageDirectory).await?;
    let ran = run(&caller.school).await?;
    Ok(Answer::json(&ran)?.costing(caller.work_cost()))
}

/// The cron's run, every minute: when nothing is due it costs one KV read.
pub async fn on_schedule(env: &Env) -> Result<Ran, Refused> {
    run(&School::of(env)?).await
}

async fn run(school: &School) -> Result<Ran, Refused> {
    let kv = &school.kv;
    let today = Day::of_ms(school.now_ms);
    let head = kv
        .json::<Manifest>(&snapshot::head_key(&school.id))
        .await
        .map_err(|e| internal("reading the snapshot", e))?;
    let start = match snapshot::start(head.as_ref(), today) {
        Start::FindFirstDay => {
            let first = kv
                .list_limited(&snapshot::segments_prefix(&school.id), None, 1)
                .await
                .map_err(|e| internal("listing segments", e))?;
            let first = first.keys.first().map(|(key, _)| key.as_str());
            snapshot::start_at_first(&school.id, first, today)
        }
        start => start,
    };
    let Start::Days { from, absorb } = start else {
        return Ok(ran(head.as_ref(), 0));
    };
    let absorbed = match absorb {
        Some(chunk) => {
            let content = kv
                .json::<Chunk<Payload>>(&snapshot::chunk_key(&school.id, &chunk.name()))
                .await
                .map_err(|e| internal("reading a snapshot chunk", e))?
                .ok_or_else(|| not_yet(Interrupted::NotReadable(chunk.name())))?;
            Some((chunk, content))
        }
        None => None,
    };
    let mut gather = Gather::<Payload>::new(&school.id, from, today);
    while let Some((prefix, cursor)) = gather.next_list() {
        let page = kv
            .list(&prefix, cursor)
            .await
            .map_err(|e| internal("listing segments", e))?;
        for key in gather.on_list(super::listed(page.keys), page.next) {
            let value = kv
                .text(&key)
                .await
                .map_err(|e| internal("reading a segment", e))?;
            gather.on_read(&key, value.as_deref()).map_err(not_yet)?;
        }
    }
    let built = snapshot::build(
        head.as_ref(),
        absorbed,
        gather.finish(),
        snapshot::target_cut(today),
        school.now_ms,
    );
    for (chunk, content) in &built.chunks {
        put(kv, &snapshot::chunk_key(&school.id, &chunk.name()), content).await?;
    }
    let manifest = &built.manifest;
    put(kv, &snapshot::gen_key(&school.id, &manifest.id), manifest).await?;
    put(kv, &snapshot::head_key(&school.id), manifest).await?;
    Ok(ran(Some(manifest), built.chunks.len()))
}

async fn put(kv: &Kv, key: &str, value: &impl Serialize) -> Result<(), Refused> {
    let json = serde_json::to_string(value).map_err(|e| internal("writing the snapshot", e))?;
    kv.put(key, json)
        .await
        .map_err(|e| internal("writing the snapshot", e))
}

fn ran(manifest: Option<&Manifest>, written: usize) -> Ran {
    Ran {
        cut: manifest.map(|m| m.cut),
        chunks: manifest.map_or(0, |m| m.chunks.len()),
        ops: manifest.map_or(0, Manifest::ops),
        written,
    }
}

/// A segment listed but not readable yet: the next run tries again.
fn not_yet(why: Interrupted) -> Refused {
    let Interrupted::NotReadable(key) = why;
    Refused::new(
        ErrorCode::TooManyRequests,
        format!("{key} is not readable yet; compaction tries again at its next run"),
    )
}
