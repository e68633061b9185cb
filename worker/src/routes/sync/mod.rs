//! `/api/v1/sync/*`: the device's session, push and pull. The decisions are the domain's
//! (`guardpost_domain::sync::server`); this module authenticates, reads the body within its
//! limits, and performs the KV reads, lists and the one write a push costs.

use guardpost_domain::api::{PROTOCOL_VERSION, Refused, decode_versioned};
use guardpost_domain::changes::{
    Listed, PullPager, PushRequest, PushStep, SegmentMeta, StoredSegment,
};
use guardpost_domain::sync::auth::Actor;
use guardpost_domain::sync::segment::{self, Day};
use guardpost_domain::sync::server;
use guardpost_domain::sync::wire::{ClassRef, MAX_BODY_BYTES, PullRequest, SessionInfo};
use serde::de::DeserializeOwned;
use worker::{Env, Request};

use crate::identity::{self, Caller};
use crate::reply::{self, Answer, Answered, internal};
use crate::{body, config};

pub mod compact;

/// The caller and its JSON body.
async fn authenticated_body<T: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
) -> Result<(Caller, T), Refused> {
    let caller = identity::authenticate(req, env).await?;
    let bytes = body::read(req, MAX_BODY_BYTES).await?;
    let body = decode_versioned::<T>(&bytes, MAX_BODY_BYTES)?;
    Ok((caller, body))
}

/// `GET /api/v1/sync/session`.
pub async fn session(req: Request, env: &Env) -> Answered {
    let caller = identity::authenticate(&req, env).await?;
    // A teacher's classes exist in the directory: the directory validates that.
    let classes = caller
        .grant
        .classes
        .iter()
        .filter_map(|id| caller.directory.class(id))
        .map(ClassRef::of)
        .collect();
    let (all_classes, staff) = if caller.grant.role.sees_class_list() {
        let staff = u16::try_from(caller.directory.staff.len()).unwrap_or(u16::MAX);
        (
            caller.directory.classes.iter().map(ClassRef::of).collect(),
            staff,
        )
    } else {
        (Vec::new(), 0)
    };
    Answer::json(&SessionInfo {
        protocol: PROTOCOL_VERSION,
        device: caller.grant.device.clone(),
        name: caller.grant.name.clone(),
        role: caller.grant.role,
        classes,
        streams: caller.grant.readable_streams(),
        server_ms: caller.school.now_ms,
        all_classes,
        staff,
        checkins: caller.directory.checkins,
    })
}

/// `POST /api/v1/sync/push`: one segment, one KV write. A segment already stored under its
/// key (a retry after a lost ack) is acked from the stored copy and not written again.
pub async fn push(mut req: Request, env: &Env) -> Answered {
    let (caller, body) = authenticated_body::<PushRequest>(&mut req, env).await?;
    let school = &caller.school;
    let segment = server::accept_push(
        &caller.grant,
        body,
        caller.directory.timezone,
        school.now_ms,
    )?;
    let key = segment::key(
        &school.id,
        Day::of_ms(school.now_ms),
        segment.stream,
        &segment.device,
        segment.seq,
    );
    // A stored copy that can't be read or decoded is treated as absent: the write below
    // then either stores the segment or fails, and the device retries.
    let stored = school.kv.json::<StoredSegment>(&key).await.ok().flatten();
    // A notices retry rebuilds the public board from the copy already read.
    let stored_notices = stored
        .as_ref()
        .filter(|_| segment.stream == guardpost_domain::sync::Stream::Notices)
        .cloned();
    let ack = match server::store_or_ack(segment, stored, school.now_ms) {
        PushStep::AckStored(ack) => {
            // A retry after a lost ack, or after a failed rebuild of the public board: the
            // board is rebuilt again from what is stored.
            if let Some(stored) = &stored_notices {
                super::notices::republish(&caller, stored).await?;
            }
            ack
        }
        PushStep::Store(segment) => {
            school
                .kv
                .put_with(&key, &segment, Some(SegmentMeta::of(&segment)), None)
                .await
                .map_err(|f| server::segment_write_refused(f.status, &f.message))?;
            crate::kv::forget_listing(
                &segment::day_prefix(&school.id, Day::of_ms(school.now_ms)),
                config::list_cache_seconds(env),
            )
            .await;
            super::notices::republish(&caller, &segment).await?;
            server::ack(&segment, school.now_ms)
        }
    };
    Ok(Answer::json(&ack)?.costing(caller.work_cost()))
}

/// `POST /api/v1/sync/pull`: lists the requested days, returns the segments the caller lacks
/// as far as its role lets it see them, in pages.
pub async fn pull(mut req: Request, env: &Env) -> Answered {
    let gzip = reply::accepts(&req, "gzip");
    let (caller, body) = authenticated_body::<PullRequest>(&mut req, env).await?;
    let kv = &caller.school.kv;
    let mut pager = PullPager::new(&caller.grant, &body, Day::of_ms(caller.school.now_ms))?;
    // A device that has not listed for days reads the school's snapshot first.
    if let Some(key) = pager.snapshot_key().map(str::to_owned) {
        let manifest = kv
            .text(&key)
            .await
            .map_err(|e| internal("reading the snapshot", e))?;
        pager.on_snapshot(manifest.as_deref())?;
    }
    while let Some(key) = pager.next_chunk() {
        let chunk = kv
            .text(&key)
            .await
            .map_err(|e| internal("reading a snapshot chunk", e))?;
        pager.on_chunk(chunk.as_deref())?;
    }
    let cache_seconds = config::list_cache_seconds(env);
    while let Some((prefix, cursor)) = pager.next_list() {
        let page = match pager.list_limit() {
            Some(limit) => kv.list_limited(&prefix, cursor, limit).await,
            None => kv.list_cached(&prefix, cursor, cache_seconds).await,
        }
        .map_err(|e| internal("listing segments", e))?;
        for key in pager.on_list(listed(page.keys), page.next) {
            let value = kv
                .text(&key)
                .await
                .map_err(|e| internal("reading a segment", e))?;
            pager.on_read(value.as_deref());
        }
    }
    let answer = Answer::json(&pager.finish(caller.school.now_ms))?.costing(caller.work_cost());
    Ok(if gzip { answer.gzipped() } else { answer })
}

/// A list page's keys with their segment metadata decoded (metadata that doesn't decode is
/// treated as absent: the segment is read instead).
fn listed(keys: Vec<(String, Option<serde_json::Value>)>) -> Vec<Listed> {
    keys.into_iter()
        .map(|(key, meta)| Listed {
            meta: meta.and_then(|m| serde_json::from_value::<SegmentMeta>(m).ok()),
            key,
        })
        .collect()
}
