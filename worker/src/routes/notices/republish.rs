//! Notices reach the public board: every notice event and contact write the sync stores is
//! also kept under its own key, and the board is rebuilt from all of them (what to show is
//! decided in `guardpost_domain::notices::publish`). A rebuild that fails fails the push, so
//! the device retries and the rebuild runs again: the board never silently misses an
//! approval. A scheduled run rebuilds it when a notice's publication or expiry time passes.

use guardpost_domain::api::Refused;
use guardpost_domain::changes::{Payload, StoredSegment};
use guardpost_domain::keys;
use guardpost_domain::notices::PublicBoard;
use guardpost_domain::notices::publish::{self, Kept, KeptEvent};
use guardpost_domain::school::SchoolProfile;
use guardpost_domain::sync::Stream;
use worker::Env;

use crate::identity::{Caller, School};
use crate::reply::internal;

/// Keeps the notice events of a stored segment and rebuilds the public board.
pub async fn republish(caller: &Caller, segment: &StoredSegment) -> Result<(), Refused> {
    if segment.stream != Stream::Notices {
        return Ok(());
    }
    let kept: Vec<KeptEvent> = segment
        .ops
        .iter()
        .filter_map(|op| {
            let event = match &op.payload {
                Payload::Notice(event) => Kept::Notice(event.clone()),
                Payload::Contact(contact) => Kept::Contact(contact.clone()),
                _ => return None,
            };
            Some(KeptEvent {
                id: op.id.clone(),
                hlc: op.hlc,
                by: op.by.clone(),
                event,
            })
        })
        .collect();
    if kept.is_empty() {
        return Ok(());
    }
    let school = &caller.school;
    let kv = &school.kv;
    for event in &kept {
        let json =
            serde_json::to_string(event).map_err(|e| internal("encoding a notice event", e))?;
        kv.put(&publish::event_key(&school.id, event), json)
            .await
            .map_err(|e| internal("keeping a notice event", e))?;
    }
    rebuild(school, &caller.directory, kept).await
}

/// The scheduled run (every minute): one read of the board, and a rebuild only when a
/// notice's publication or expiry time it names has passed.
pub async fn on_schedule(env: &Env) -> Result<(), Refused> {
    let school = School::of(env)?;
    let board = school
        .kv
        .json::<PublicBoard>(&keys::public_board(&school.id))
        .await
        .map_err(|e| internal("reading the public board", e))?;
    let due = board
        .and_then(|b| b.next_change_at)
        .is_some_and(|at| u64::try_from(at.timestamp_millis()).unwrap_or(0) <= school.now_ms);
    if !due {
        return Ok(());
    }
    let Some(profile) = school
        .kv
        .json::<SchoolProfile>(&keys::profile(&school.id))
        .await
        .map_err(|e| internal("reading the school", e))?
    else {
        return Ok(());
    };
    rebuild(&school, &profile, Vec::new()).await
}

/// Rebuilds the board from every kept event, with `fresh` (just kept) added.
async fn rebuild(
    school: &School,
    profile: &SchoolProfile,
    fresh: Vec<KeptEvent>,
) -> Result<(), Refused> {
    let kv = &school.kv;
    // A list may not show keys written a moment ago: this segment's events are added as
    // they are; the rebuild dedupes by op.
    let mut events = fresh;
    let prefix = publish::events_prefix(&school.id);
    let mut cursor = None;
    loop {
        let page = kv
            .list(&prefix, cursor)
            .await
            .map_err(|e| internal("listing notice events", e))?;
        for (key, _) in page.keys {
            if let Some(event) = kv
                .json::<KeptEvent>(&key)
                .await
                .map_err(|e| internal("reading a notice event", e))?
            {
                events.push(event);
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let key = keys::public_board(&school.id);
    let previous = kv
        .json::<PublicBoard>(&key)
        .await
        .map_err(|e| internal("reading the public board", e))?;
    let board = publish::board(profile, previous.as_ref(), &events, school.now_ms);
    // Drafts, submissions and returns change nothing public: the board is left as it is,
    // which also keeps its key under KV's one write a second.
    if previous.as_ref().is_some_and(|p| p.same_content(&board)) {
        return Ok(());
    }
    let json =
        serde_json::to_string(&board).map_err(|e| internal("encoding the public board", e))?;
    kv.put(&key, json)
        .await
        .map_err(|e| internal("writing the public board", e))
}
