//! Proof of convergence: a deterministic simulation of several devices syncing through an
//! eventually consistent KV, with offline windows, lost acks, reordering and clock skew.
//! After the network heals and two more sync rounds, every device holds exactly the ops it
//! may see — none lost, none doubled — and the same projections.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use guardpost_domain::school::{Role, SchoolId, StaffId};
use guardpost_domain::sync::auth::Actor;
use guardpost_domain::sync::auth::DeviceGrant;
use guardpost_domain::sync::op::{MovementReason, Session, SessionCheck, SetField, StockMovement};
use guardpost_domain::sync::replica::{Replica, documents, stock_on_hand};
use guardpost_domain::sync::segment::Day;
use guardpost_domain::sync::{ClassId, DeviceId, Op, OpId, Payload, Stream};
use guardpost_domain::text::Name;
use proptest::prelude::*;

mod sim;

use sim::{Failure, Kv, Rng, pull, push};

struct Device {
    replica: Replica,
    grant: DeviceGrant,
    skew_ms: i64,
    online: bool,
    recorded: usize,
}

struct World {
    kv: Kv,
    school: SchoolId,
    devices: Vec<Device>,
    now: u64,
    rng: Rng,
    /// Percent of requests whose answer is lost (after the server acted, for pushes: a crash
    /// between the KV write and the ack).
    loss: u64,
}

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn class(s: &str) -> ClassId {
    ClassId::parse(s).unwrap()
}

const CLASSES: [&str; 3] = ["g1c1", "g3c2", "g6c1"];

impl World {
    fn new(seed: u64, admins: usize, teachers: usize, start_ms: u64) -> Self {
        let mut rng = Rng(seed);
        let school = SchoolId::parse("sim").unwrap();
        let mut devices = Vec::new();
        for i in 0..admins + teachers {
            let (role, classes) = if i < admins {
                (Role::Admin, vec![])
            } else {
                (Role::Teacher, vec![class(CLASSES[i % CLASSES.len()])])
            };
            let grant = DeviceGrant {
                school: school.clone(),
                device: DeviceId::parse(&format!("device-{i:04}")).unwrap(),
                staff: StaffId::parse(&format!("s{i}")).unwrap(),
                name: name(&format!("staff {i}")),
                role,
                classes,
                label: None,
                created_at_ms: 0,
                expires_at_ms: u64::MAX,
                revoked_at_ms: None,
            };
            // Clocks from 20 minutes slow to 8 minutes fast: some ops land beyond the
            // server's 5-minute skew guard and must come back as refused, never vanish.
            let skew_ms = rng.below(28 * 60_000) as i64 - 20 * 60_000;
            let since = Day::of_ms(start_ms);
            let replica = Replica::new(
                grant.device.clone(),
                grant.name.clone(),
                &grant.readable_streams(),
                since,
            );
            devices.push(Device {
                replica,
                grant,
                skew_ms,
                online: true,
                recorded: 0,
            });
        }
        Self {
            // Half the runs go through the Worker's list cache, whose pages are up to 30 s stale.
            kv: if seed.is_multiple_of(2) {
                Kv::new(120_000, 4).with_list_cache(30_000)
            } else {
                Kv::new(120_000, 4)
            },
            school,
            devices,
            now: start_ms,
            rng,
            loss: 15,
        }
    }

    fn device_now(&self, d: usize) -> u64 {
        self.now.saturating_add_signed(self.devices[d].skew_ms)
    }

    fn record(&mut self, d: usize) {
        let now = self.device_now(d);
        let pick = self.rng.below(3);
        let date = NaiveDate::from_ymd_opt(2026, 11, 23 + (self.rng.below(2) as u32)).unwrap();
        let dev = &mut self.devices[d];
        let (stream, payload) = match (dev.grant.role, pick) {
            (Role::Teacher, _) | (_, 0) => {
                let class = dev
                    .grant
                    .classes
                    .first()
                    .cloned()
                    .unwrap_or_else(|| class(CLASSES[pick as usize]));
                let present = 30 + (self.rng.below(10) as u16);
                let check = SessionCheck {
                    class,
                    date,
                    session: [Session::Morning, Session::Noon, Session::Evening]
                        [self.rng.below(3) as usize],
                    present,
                    absent: 2,
                    fever: (self.rng.below(2) as u16),
                    absences: vec![],
                    readings: vec![],
                };
                (Stream::Health, Payload::SessionCheck(check))
            }
            (_, 1) => (
                Stream::Supplies,
                Payload::StockMovement(StockMovement {
                    item: ["masks", "gloves", "alcohol"][self.rng.below(3) as usize].into(),
                    delta: self.rng.below(200) as i32 - 100,
                    reason: MovementReason::Issue,
                    signed_by: name("陈建国"),
                }),
            ),
            _ => {
                // Sometimes resolve what this device sees as a conflict, naming all sides.
                let docs = documents(&dev.replica.ops);
                let supersedes: Vec<OpId> = docs
                    .get(&(Stream::Notices, "n-1", "title"))
                    .filter(|_| self.rng.chance(50))
                    .map(|reg| {
                        std::iter::once(reg.winner)
                            .chain(reg.conflicts.iter().copied())
                            .map(|op| op.id.clone())
                            .take(8)
                            .collect()
                    })
                    .unwrap_or_default();
                (
                    Stream::Notices,
                    Payload::SetField(SetField {
                        doc: "n-1".into(),
                        field: "title".into(),
                        value: format!("title {}", self.rng.below(1000)).into(),
                        supersedes,
                    }),
                )
            }
        };
        // A zero movement is invalid and refused locally, before the outbox: not a lost write.
        if dev.replica.record(stream, payload, now).is_ok() {
            dev.recorded += 1;
        }
    }

    /// One sync of one device: push every stream's next segment, then pull every page.
    /// Each request takes a second of simulated time.
    fn sync(&mut self, d: usize, lossy: bool) {
        for stream in self.devices[d].replica.streams_to_push() {
            let Some(req) = self.devices[d].replica.next_push(stream) else {
                continue;
            };
            self.now += 1_000;
            if !self.devices[d].online || (lossy && self.rng.chance(self.loss / 2)) {
                return; // never reached the server
            }
            // A crash between the KV write and the ack: the server acted, the device heard
            // nothing and will retry the same segment.
            let result = push(
                &mut self.kv,
                &self.school,
                &self.devices[d].grant,
                req,
                self.now,
                &mut self.rng,
            )
            .and_then(|ack| {
                if lossy && self.rng.chance(self.loss / 2) {
                    Err(Failure::Lost)
                } else {
                    Ok(ack)
                }
            });
            match result {
                Ok(ack) => {
                    let now = self.device_now(d);
                    self.devices[d].replica.on_ack(&ack, now);
                }
                Err(Failure::Lost | Failure::Status(429)) => return,
                Err(Failure::ClockAhead(server_ms)) => {
                    let now = self.device_now(d);
                    self.devices[d]
                        .replica
                        .restamp_sealed(stream, server_ms, now);
                    return;
                }
                Err(Failure::Status(code)) => panic!("push refused with {code}"),
            }
        }
        loop {
            self.now += 1_000;
            if !self.devices[d].online || (lossy && self.rng.chance(self.loss)) {
                return;
            }
            let req = self.devices[d].replica.pull_request();
            let response = pull(&mut self.kv, &self.devices[d].grant, &req, self.now)
                .unwrap_or_else(|f| panic!("pull failed: {f:?}"));
            // Reordering: segments arrive in any order.
            let mut response = response;
            let n = response.segments.len() as u64;
            if n > 1 {
                let i = self.rng.below(n) as usize;
                response.segments.swap(0, i);
            }
            let now = self.device_now(d);
            if !self.devices[d].replica.on_pull(response, now) {
                return;
            }
        }
    }

    fn run(&mut self, steps: usize) {
        let n = self.devices.len() as u64;
        for _ in 0..steps {
            self.now += self.rng.below(90_000);
            let d = self.rng.below(n) as usize;
            match self.rng.below(10) {
                0..=4 => {
                    for _ in 0..=self.rng.below(3) {
                        self.record(d);
                    }
                }
                5..=8 => self.sync(d, true),
                _ => self.devices[d].online = !self.devices[d].online,
            }
        }
    }

    /// The network heals: everyone online, nothing lost. Rounds are spaced beyond KV's
    /// visibility delay and the cached-miss window, as the app's sync timer spaces them.
    fn heal_and_sync(&mut self, rounds: usize) {
        for dev in &mut self.devices {
            dev.online = true;
        }
        for _ in 0..rounds {
            self.now += 5 * 60_000;
            for d in 0..self.devices.len() {
                // A sync pushes everything waiting, a segment at a time.
                while !self.devices[d].replica.streams_to_push().is_empty() {
                    let before = self.devices[d].replica.pending_count();
                    self.sync(d, false);
                    if self.devices[d].replica.pending_count() == before {
                        break; // 429: the next round retries
                    }
                }
                self.sync(d, false);
            }
        }
    }

    fn check(&self) {
        // The truth: every op of every stored segment, each id once with one content.
        let mut truth: BTreeMap<OpId, Op> = BTreeMap::new();
        for seg in self.kv.all_segments() {
            for op in seg.ops {
                if let Some(existing) = truth.get(&op.id) {
                    assert_eq!(existing, &op, "one op id stored with two contents");
                }
                truth.insert(op.id.clone(), op);
            }
        }
        // Devices that may see the same things must show the same projections.
        let mut projections: BTreeMap<String, String> = BTreeMap::new();
        for dev in &self.devices {
            let r = &dev.replica;
            assert_eq!(
                r.pending_count(),
                0,
                "{}: outbox not drained",
                dev.grant.device
            );
            let expected: BTreeSet<&OpId> = truth
                .values()
                .filter(|op| dev.grant.may_read_op(op))
                .map(|op| &op.id)
                .collect();
            let held: BTreeSet<&OpId> = r.ops.keys().collect();
            let lost: Vec<_> = expected.difference(&held).collect();
            let extra: Vec<_> = held.difference(&expected).collect();
            assert!(
                lost.is_empty(),
                "{}: missing {} ops, e.g. {:?}",
                dev.grant.device,
                lost.len(),
                lost.first()
            );
            assert!(
                extra.is_empty(),
                "{}: {} ops it may not see or that were never stored",
                dev.grant.device,
                extra.len()
            );
            for (id, op) in &r.ops {
                assert_eq!(
                    Some(op),
                    truth.get(id),
                    "op content differs from the stored one"
                );
            }
            // Every change the person made is either stored or shown to them as refused.
            let own_accepted = truth
                .keys()
                .filter(|id| id.device == dev.grant.device)
                .count();
            assert_eq!(
                own_accepted + r.refused.len(),
                dev.recorded,
                "{}: a write vanished",
                dev.grant.device
            );
            for vector in r.cursors.values() {
                assert!(vector.held.is_empty(), "gaps left after healing");
            }
            let projection = format!("{:?} {:?}", documents(&r.ops), stock_on_hand(&r.ops));
            let view = format!("{:?} {:?}", dev.grant.role, dev.grant.classes);
            if let Some(seen) = projections.get(&view) {
                assert_eq!(seen, &projection, "devices with the same view differ");
            }
            projections.insert(view, projection);
        }
    }
}

/// 24 runs from a fixed seed, so CI is repeatable; `PROPTEST_RNG_SEED=<n>` explores others.
fn config() -> ProptestConfig {
    let base = ProptestConfig::default();
    let rng_seed = match base.rng_seed {
        proptest::test_runner::RngSeed::Random => proptest::test_runner::RngSeed::Fixed(20_261_123),
        chosen => chosen,
    };
    ProptestConfig {
        cases: 24,
        failure_persistence: None,
        rng_seed,
        ..base
    }
}

/// 2026-11-23 20:00 UTC: the run crosses midnight, so segments land in several day partitions.
const START_MS: u64 = 1_795_464_000_000;

proptest! {
    #![proptest_config(config())]
    #[test]
    fn devices_converge(seed in any::<u64>()) {
        let mut world = World::new(seed, 3, 3, START_MS);
        world.run(500);
        world.heal_and_sync(2);
        world.check();
        let segments = world.kv.all_segments();
        let days: BTreeSet<u64> = segments.iter().map(|s| s.received_ms / 86_400_000).collect();
        // The run is only a proof if it exercised what it claims to.
        prop_assert!(segments.len() > 30 && days.len() >= 2);
    }
}

#[test]
fn a_clock_far_ahead_is_corrected_not_refused() {
    // A phone an hour fast records before it has ever heard from the server: its first push
    // is refused unstored, restamped on the server's clock, and then stored.
    let mut world = World::new(7, 1, 0, START_MS);
    world.devices[0].skew_ms = 60 * 60_000;
    for _ in 0..5 {
        world.record(0);
    }
    world.heal_and_sync(2);
    let r = &world.devices[0].replica;
    assert!(r.refused.is_empty());
    assert_eq!(r.ops.len(), world.devices[0].recorded);
    assert!(r.ops.values().all(|op| op.hlc.wall < world.now + 60_000));
    world.check();
}

#[test]
fn refused_changes_are_reported_not_dropped() {
    // A teacher's device writes a check for a class that is not theirs (the app would not
    // offer it; a tampered client might): the Worker refuses it and the device lists it.
    let mut world = World::new(9, 0, 1, START_MS);
    let now = world.device_now(0);
    let other = Payload::SessionCheck(SessionCheck {
        class: class("g3c2"),
        date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        session: Session::Morning,
        present: 30,
        absent: 1,
        fever: 0,
        absences: vec![],
        readings: vec![],
    });
    world.devices[0]
        .replica
        .record(Stream::Health, other, now)
        .unwrap();
    world.devices[0].recorded += 1;
    world.record(0);
    world.heal_and_sync(2);
    let r = &world.devices[0].replica;
    assert_eq!(r.refused.len(), 1);
    assert_eq!(r.ops.len(), 1);
    world.check();
}
