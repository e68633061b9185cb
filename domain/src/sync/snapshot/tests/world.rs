//! The snapshot tests' world: a school's segments, and KV with the Worker's compaction and
//! pull performed over it.

use std::collections::BTreeMap;

use super::super::*;
use crate::api::PROTOCOL_VERSION as PROTOCOL_VERSION_FOR_TESTS;
use crate::school::{Role, StaffId};
use crate::sync::auth::DeviceGrant;
use crate::sync::document::SetField;
use crate::sync::hlc::Hlc;
use crate::sync::ids::OpId;
use crate::sync::segment::key;
use crate::sync::testing::{Op, Payload, StoredSegment};
use crate::sync::wire::{PullRequest, StreamCursor};
use crate::text::Name;

type Pager<'a> = crate::sync::server::PullPager<'a, Payload>;

pub fn school() -> SchoolId {
    SchoolId::parse("snap").unwrap()
}

pub fn dev(n: u32) -> DeviceId {
    DeviceId::parse(&format!("device-{n:04}")).unwrap()
}

pub fn day(d: u32) -> Day {
    Day::try_from(d).unwrap()
}

/// Noon UTC of `d`.
pub fn noon(d: u32) -> u64 {
    let date = chrono::NaiveDate::from_ymd_opt((d / 10_000) as i32, (d / 100) % 100, d % 100)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    date.and_utc().timestamp_millis() as u64
}

/// A notices segment of `ops` ops from device `device`, received at noon on `d`.
pub fn segment(device: u32, seq: u32, d: u32, ops: usize) -> StoredSegment {
    let seq = Seq::new(seq).unwrap();
    StoredSegment {
        device: dev(device),
        stream: Stream::Notices,
        seq,
        received_ms: noon(d),
        ops: (0..ops)
            .map(|k| Op {
                id: OpId {
                    device: dev(device),
                    stream: Stream::Notices,
                    seq,
                    k: k as u16,
                },
                hlc: Hlc {
                    wall: noon(d),
                    counter: k as u32,
                },
                by: Name::parse("周校长").unwrap(),
                payload: Payload::SetField(SetField {
                    doc: format!("n-{device}-{}", seq.get()),
                    field: "title".into(),
                    value: format!("v{k}").into(),
                    supersedes: vec![],
                }),
            })
            .collect(),
        rejected: vec![],
    }
}

pub fn admin() -> DeviceGrant {
    DeviceGrant {
        school: school(),
        device: dev(99),
        staff: StaffId::parse("s99").unwrap(),
        name: Name::parse("周校长").unwrap(),
        role: Role::Admin,
        classes: vec![],
        label: None,
        created_at_ms: 0,
        expires_at_ms: u64::MAX,
        revoked_at_ms: None,
    }
}

/// KV as the tests need it: every write visible at once, lists by prefix.
#[derive(Default)]
pub struct Kv(pub BTreeMap<String, String>);

impl Kv {
    pub fn store(&mut self, seg: &StoredSegment) {
        let k = key(
            &school(),
            Day::of_ms(seg.received_ms),
            seg.stream,
            &seg.device,
            seg.seq,
        );
        self.0.insert(k, serde_json::to_string(seg).unwrap());
    }

    pub fn list(&self, prefix: &str) -> Vec<Listed<Payload>> {
        self.0
            .keys()
            .filter(|k| k.starts_with(prefix))
            .map(|k| Listed {
                key: k.clone(),
                meta: None,
            })
            .collect()
    }

    /// One compaction run, as the Worker performs it; returns the manifest written.
    pub fn compact(&mut self, today: Day, now_ms: u64) -> Option<Manifest> {
        let head: Option<Manifest> = self
            .0
            .get(&head_key(&school()))
            .map(|v| serde_json::from_str(v).unwrap());
        let start = match start(head.as_ref(), today) {
            Start::Nothing => return None,
            Start::FindFirstDay => {
                let first = self
                    .list(&segments_prefix(&school()))
                    .first()
                    .map(|l| l.key.clone());
                start_at_first(&school(), first.as_deref(), today)
            }
            s => s,
        };
        let Start::Days { from, absorb } = start else {
            unreachable!()
        };
        let absorbed = absorb.map(|r| {
            let content = self.0[&chunk_key(&school(), &r.name())].clone();
            (r, serde_json::from_str(&content).unwrap())
        });
        let mut gather = Gather::<Payload>::new(&school(), from, today);
        while let Some((prefix, _)) = gather.next_list() {
            let listed = self.list(&prefix);
            for k in gather.on_list(listed, None) {
                let v = self.0.get(&k).cloned();
                gather.on_read(&k, v.as_deref()).unwrap();
            }
        }
        let built = build(
            head.as_ref(),
            absorbed,
            gather.finish(),
            target_cut(today),
            now_ms,
        );
        for (r, chunk) in &built.chunks {
            self.0.insert(
                chunk_key(&school(), &r.name()),
                serde_json::to_string(chunk).unwrap(),
            );
        }
        let json = serde_json::to_string(&built.manifest).unwrap();
        self.0
            .insert(gen_key(&school(), &built.manifest.id), json.clone());
        self.0.insert(head_key(&school()), json);
        Some(built.manifest)
    }

    /// One pull page, as the Worker answers it.
    pub fn pull(
        &self,
        req: &PullRequest,
        today: Day,
    ) -> Result<crate::sync::wire::PullResponse<Payload>, crate::api::Refused> {
        let grant = admin();
        let mut pager = Pager::new(&grant, req, today)?;
        if let Some(k) = pager.snapshot_key().map(str::to_owned) {
            pager.on_snapshot(self.0.get(&k).map(String::as_str))?;
        }
        while let Some(k) = pager.next_chunk() {
            pager.on_chunk(self.0.get(&k).map(String::as_str))?;
        }
        while let Some((prefix, _)) = pager.next_list() {
            let listed = self.list(&prefix);
            for k in pager.on_list(listed, None) {
                pager.on_read(self.0.get(&k).map(String::as_str));
            }
        }
        Ok(pager.finish(noon(today.get())))
    }
}

/// Every op a joining device (or one that lists from `since`) gets, page after page, and
/// how many pages it took.
pub fn pull_all(kv: &Kv, since: Day, today: Day) -> (Vec<OpId>, usize) {
    let mut req = PullRequest {
        protocol: PROTOCOL_VERSION_FOR_TESTS,
        since,
        horizon: None,
        resume: None,
        streams: [(Stream::Notices, StreamCursor::default())]
            .into_iter()
            .collect(),
    };
    let mut ids = Vec::new();
    for page in 1.. {
        let res = kv.pull(&req, today).unwrap();
        for seg in res.segments {
            let cursor = req.streams.get_mut(&Stream::Notices).unwrap();
            cursor
                .held
                .entry(seg.device.clone())
                .or_default()
                .push(seg.seq.get());
            ids.extend(seg.ops.into_iter().map(|o| o.id));
        }
        match res.resume {
            Some(r) => req.resume = Some(r),
            None => return (ids, page),
        }
        assert!(page < 1_000, "the pull never ends");
    }
    unreachable!()
}
