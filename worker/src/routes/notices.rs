//! Notices reach the public board: every notice event the sync stores is also kept under its
//! own key, and the board is rebuilt from all of them (what to show is decided in
//! `guardpost_domain::notices::publish`). A rebuild that fails fails the push, so the device
//! retries and the rebuild runs again: the board never silently misses an approval.

use guardpost_domain::api::Refused;
use guardpost_domain::changes::{Payload, StoredSegment};
use guardpost_domain::keys;
use guardpost_domain::notices::PublicBoard;
use guardpost_domain::notices::publish::{self, KeptEvent};
use guardpost_domain::sync::Stream;

use crate::identity::Caller;
use crate::reply::internal;

/// Keeps the notice events of a stored segment and rebuilds the public board.
pub async fn republish(caller: &Caller, segment: &StoredSegment) -> Result<(), Refused> {
    if segment.stream != Stream::Notices {
        return Ok(());
    }
    let kept: Vec<KeptEvent> = segment
        .ops
        .iter()
        .filter_map(|op| match &op.payload {
            Payload::Notice(event) => Some(KeptEvent {
                id: op.id.clone(),
                hlc: op.hlc,
                by: op.by.clone(),
                event: event.clone(),
            }),
            _ => None,
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
    // A list may not show keys written a moment ago: this segment's events are added as
    // they are; the rebuild dedupes by op.
    let mut events = kept;
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
    let board = publish::board(&caller.directory, previous.as_ref(), &events, school.now_ms);
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
