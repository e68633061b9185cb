//! A device's side of a pull: what to ask for, and applying the answer, holding any
//! segment that arrives past a gap until the gap closes.

use super::*;

impl<P: Change> Replica<P> {
    /// The next pull to send.
    pub fn pull_request(&self) -> PullRequest {
        PullRequest {
            protocol: PROTOCOL_VERSION,
            since: self.since,
            horizon: self.horizon,
            resume: self.resume.clone(),
            streams: self.cursors.clone(),
        }
    }

    /// Applies a pull's answer. Returns the ops newly held and whether another page is
    /// waiting.
    pub fn on_pull(&mut self, response: PullResponse<P>, heard: Exchange) -> Applied<P> {
        self.observe_server_time(response.server_ms, heard);
        let now_ms = heard.received_ms();
        let mut applied = Applied::default();
        for segment in response.segments {
            self.apply_segment(segment, now_ms, &mut applied.stored);
        }
        self.resume = response.resume;
        let started_ms = *self.pull_started_ms.get_or_insert(response.server_ms);
        if self.resume.is_none() {
            self.pull_started_ms = None;
            let started_ms = started_ms.min(response.server_ms);
            let settled = Day::of_ms(started_ms.saturating_sub(VISIBILITY_MARGIN_MS));
            let oldest_held = self
                .held_days
                .values()
                .flat_map(|devices| devices.values().flat_map(|seqs| seqs.values()))
                .min()
                .copied();
            self.since = oldest_held
                .map_or(settled, |held| held.min(settled))
                .max(self.since);
            self.last_pull_ms = Some(response.server_ms);
        }
        applied.more = self.resume.is_some();
        applied
    }

    fn apply_segment(&mut self, segment: StoredSegment<P>, now_ms: u64, stored: &mut Vec<OpId>) {
        let Some(cursor) = self.cursors.get(&segment.stream) else {
            return;
        };
        if cursor.covers(&segment.device, segment.seq) {
            return;
        }
        for op in segment.ops {
            // A timestamp too far ahead is still applied (the Worker accepted it), but it
            // does not drag this device's clock into the future.
            if let Ok(clock) = Hlc::observe(self.clock, op.hlc, self.corrected(now_ms)) {
                self.clock = clock;
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = self.ops.entry(op.id.clone())
            {
                stored.push(op.id.clone());
                slot.insert(op);
            }
        }
        self.mark_received(
            segment.stream,
            &segment.device,
            segment.seq,
            Day::of_ms(segment.received_ms),
        );
    }

    pub(super) fn mark_received(&mut self, stream: Stream, device: &DeviceId, seq: Seq, day: Day) {
        let Some(cursor) = self.cursors.get_mut(&stream) else {
            return;
        };
        let top = cursor.vector.get(device).copied().unwrap_or(0);
        if seq.get() <= top {
            return;
        }
        if seq.get() == top + 1 {
            let mut top = seq.get();
            // Segments held past the gap that is now closed join the contiguous run.
            if let Some(held) = cursor.held.get_mut(device) {
                crate::order::sort(held);
                while held.first() == Some(&(top + 1)) {
                    top += 1;
                    held.remove(0);
                    if let Some(seqs) = self
                        .held_days
                        .get_mut(&stream)
                        .and_then(|devices| devices.get_mut(device))
                    {
                        seqs.remove(&top);
                    }
                }
                if held.is_empty() {
                    cursor.held.remove(device);
                    if let Some(devices) = self.held_days.get_mut(&stream) {
                        devices.remove(device);
                        if devices.is_empty() {
                            self.held_days.remove(&stream);
                        }
                    }
                }
            }
            cursor.vector.insert(device.clone(), top);
        } else {
            let held = cursor.held.entry(device.clone()).or_default();
            if !held.contains(&seq.get()) {
                held.push(seq.get());
                // The missing segment was written before this one, possibly just before UTC
                // midnight and so under the day before: that day stays listed too.
                self.held_days
                    .entry(stream)
                    .or_default()
                    .entry(device.clone())
                    .or_default()
                    .insert(seq.get(), day.prev());
            }
        }
    }
}
