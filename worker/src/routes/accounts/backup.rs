//! `GET /api/v1/admin/backup` (the school's data, a page of KV entries at a time, for an
//! admin) and `POST /api/v1/admin/restore` (entries into an empty namespace, with the setup
//! code). What a backup holds and what a restore accepts is `accounts::backup`'s.

use guardpost_domain::accounts::backup::{
    self, Entry, Header, MAX_RESTORE_BODY_BYTES, PAGE_KEYS, Page, RestoreAnswer, RestoreRequest,
};
use guardpost_domain::api::ErrorCode;
use guardpost_domain::keys;
use guardpost_domain::sync::auth::Operation;
use worker::{Env, Request};

use super::read;
use crate::identity::{self, School};
use crate::reply::{Answer, Answered, internal};
use crate::throttle::Throttle;

/// One page of the backup: up to [`PAGE_KEYS`] entries from `?cursor=`.
pub async fn backup(req: Request, env: &Env) -> Answered {
    let caller = identity::authorize(&req, env, Operation::ManageDirectory).await?;
    let school = &caller.school;
    let cursor = req.url().ok().and_then(|u| {
        u.query_pairs()
            .find(|(k, _)| k == "cursor")
            .map(|(_, v)| v.into_owned())
    });
    let listed = school
        .kv
        .list_limited(&keys::school_prefix(&school.id), cursor, PAGE_KEYS)
        .await
        .map_err(|e| internal("listing the school's keys", e))?;
    let mut entries = Vec::with_capacity(listed.keys.len());
    for (key, metadata) in listed.keys {
        if !backup::kept(&school.id, &key) {
            continue;
        }
        // A key deleted between the listing and the read is simply not in this backup.
        if let Some(value) = school
            .kv
            .text(&key)
            .await
            .map_err(|e| internal("reading a key for the backup", e))?
        {
            entries.push(Entry {
                key,
                value,
                metadata,
            });
        }
    }
    Answer::json(&Page {
        header: Header {
            format: backup::FORMAT,
            school: school.id.clone(),
            taken_at_ms: school.now_ms,
            version: guardpost_domain::VERSION.to_owned(),
        },
        entries,
        cursor: listed.next,
    })
}

/// Writes a page of a backup into this namespace while it has no school profile (the
/// profile comes last); a retried page writes nothing twice.
pub async fn restore(mut req: Request, env: &Env) -> Answered {
    let school = School::of(env)?;
    let mut attempts = Throttle::redemption(&req, env, school.now_ms).await?;
    let body = read::<RestoreRequest>(&mut req, MAX_RESTORE_BODY_BYTES).await?;
    let secret = env.secret("SETUP_CODE").ok().map(|s| s.to_string());
    let set_up = school
        .kv
        .text(&keys::profile(&school.id))
        .await
        .map_err(|e| internal("reading the school profile", e))?
        .is_some();
    if let Err(refused) = backup::authorize_restore(&body, secret.as_deref(), set_up, &school.id) {
        if refused.code == ErrorCode::InvalidCode {
            attempts.fail(school.now_ms).await;
        }
        return Err(refused);
    }
    let mut answer = RestoreAnswer {
        written: 0,
        unchanged: 0,
    };
    for entry in body.entries {
        let held = school
            .kv
            .text(&entry.key)
            .await
            .map_err(|e| internal("reading a key to restore", e))?;
        if held.as_deref() == Some(entry.value.as_str()) {
            answer.unchanged += 1;
            continue;
        }
        school
            .kv
            .put_with(&entry.key, entry.value, entry.metadata, None)
            .await
            .map_err(|e| internal("restoring a key", e))?;
        answer.written += 1;
    }
    Answer::json(&answer)
}
