//! Proof of convergence: a deterministic simulation of a school's devices (every role, random
//! classes, every kind of op) syncing through an eventually consistent KV, with offline
//! windows, lost requests and answers, latency on every call, shuffled delivery, clock skew
//! and midnight crossings. After the network heals and two more sync rounds, every device
//! holds exactly the ops it may see (judged by a model of the rules written here, not by the
//! Worker's own functions), none lost or doubled; its projections equal a reference fold of
//! those ops, which gives the same result in every order; every change made is stored or
//! refused for the reason the rules give.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use guardpost_domain::changes::{Op, Payload, Replica};
use guardpost_domain::checkins::{
    ReturnCertificate, StaffHealth, Student, StudentId, StudentNumber, Temperature,
};
use guardpost_domain::checkins::{Session, SessionCheck};
use guardpost_domain::notices::workflow::Action;
use guardpost_domain::refusals::OpInvalid;
use guardpost_domain::school::ClassId;
use guardpost_domain::school::{Role, SchoolId, SchoolTimeZone, StaffId};
use guardpost_domain::supplies::refill::{RefillLine, RefillRequest};
use guardpost_domain::supplies::{
    Holder, ItemId, LotRef, MovementKind, Recipient, Signature, StockMovement, Variance, Zone,
    starter_catalog, stock_of,
};
use guardpost_domain::sync::auth::{Actor, DeviceGrant};
use guardpost_domain::sync::document::{SetField, documents};
use guardpost_domain::sync::replica::VISIBILITY_MARGIN_MS;
use guardpost_domain::sync::segment::{self, Day, Rejection};
use guardpost_domain::sync::wire::{PullRequest, resume_of};
use guardpost_domain::sync::{DeviceId, Exchange, Hlc, OpId, Stream};
use guardpost_domain::text::Name;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

mod sim;

use sim::{Failure, Kv, Rng, compact_plan, compact_write, pull_paged, push};

const CLASSES: [&str; 4] = ["g1c1", "g3c2", "g5c1", "g6c1"];
/// The fields devices edit concurrently, per stream: few, so that edits collide.
const FIELDS: [(Stream, &str, &str); 8] = [
    (Stream::Notices, "n-1", "title"),
    (Stream::Notices, "n-1", "body"),
    (Stream::Notices, "n-2", "title"),
    (Stream::Drills, "d-1", "place"),
    (Stream::Drills, "d-1", "date"),
    (Stream::Supplies, "masks", "unit"),
    (Stream::Supplies, "masks", "minimum"),
    (Stream::Directory, "s1", "name"),
];

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn class(s: &str) -> ClassId {
    ClassId::parse(s).unwrap()
}

/// What a device may record, as the person's screens offer it (and, now and then, as a
/// tampered client might send it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Check,
    Movement,
    Field,
    Student,
    Certificate,
    StaffHealth,
}

const KINDS: [Kind; 6] = [
    Kind::Check,
    Kind::Movement,
    Kind::Field,
    Kind::Student,
    Kind::Certificate,
    Kind::StaffHealth,
];

/// The kinds each role's screens offer.
fn offered(role: Role) -> &'static [Kind] {
    match role {
        Role::Admin => &KINDS,
        Role::Health => &[
            Kind::Check,
            Kind::Student,
            Kind::Certificate,
            Kind::StaffHealth,
            Kind::Field,
        ],
        Role::Logistics => &[Kind::Movement, Kind::Field, Kind::StaffHealth],
        // A teacher's "movement" is a refill request for her class's kit.
        Role::Teacher => &[
            Kind::Check,
            Kind::Student,
            Kind::StaffHealth,
            Kind::Movement,
        ],
    }
}

/// The model of who may see what, written from README's rules rather than taken from
/// `auth.rs`: the office sees everything; the doctor everything but supplies; logistics
/// everything but health; a teacher no health and no supplies, except the records of
/// their own classes (checks, students, certificates; not staff reports). A device also
/// keeps what it wrote itself (its own health report on a stream it does not read).
fn model_may_see(device: &DeviceId, role: Role, classes: &[ClassId], op: &Op) -> bool {
    let own_class = |c: &ClassId| classes.contains(c);
    if op.id.device == *device {
        return true;
    }
    match (role, op.id.stream, &op.payload) {
        (Role::Admin, _, _) => true,
        (Role::Health, Stream::Supplies, _) | (Role::Logistics, Stream::Health, _) => false,
        (Role::Health | Role::Logistics, _, _) => true,
        // In supplies: the catalog, and what concerns her classes (issues, returns and
        // refill requests); never the office's ledger.
        (Role::Teacher, Stream::Supplies, Payload::SupplyItem(_)) => !classes.is_empty(),
        (Role::Teacher, Stream::Supplies, Payload::RefillRequest(r)) => own_class(&r.class),
        (Role::Teacher, Stream::Supplies, Payload::StockMovement(m)) => match &m.what {
            MovementKind::Issue { to, .. } => {
                matches!(&to.holder, Holder::Class(c) if own_class(c))
            }
            _ => false,
        },
        (Role::Teacher, Stream::Supplies, _) => false,
        (Role::Teacher, Stream::Health, Payload::SessionCheck(c)) => own_class(&c.class),
        (Role::Teacher, Stream::Health, Payload::Student(s)) => own_class(&s.class),
        (Role::Teacher, Stream::Health, Payload::Certificate(c)) => own_class(&c.class),
        (Role::Teacher, Stream::Health, _) => false,
        // Drills are the office's, logistics' and the doctor's.
        (Role::Teacher, Stream::Drills, _) => false,
        (Role::Teacher, _, _) => true,
    }
}

/// Why the model expects the Worker to refuse an op.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Date,
    Forbidden,
}

/// The model of what the Worker refuses, written from README's rules: a dated record dated
/// over a day after the school day of its timestamp, or before 1 August of the school year
/// that day is in, is invalid; then
/// directory entries are no one's to write as ops; checks and students are the class
/// teacher's, the doctor's and the office's; certificates the doctor's and the office's;
/// everyone reports their own health; supplies and drills are logistics' and the office's;
/// notices those plus the doctor's.
fn model_refusal(
    role: Role,
    classes: &[ClassId],
    stream: Stream,
    payload: &Payload,
    hlc: Hlc,
) -> Option<Refusal> {
    let date = match payload {
        Payload::SessionCheck(c) => Some(c.date),
        Payload::Certificate(c) => Some(c.date),
        Payload::StaffHealth(h) => Some(h.date),
        _ => None,
    };
    if let Some(date) = date {
        let written = chrono::DateTime::from_timestamp_millis(hlc.wall as i64)
            .unwrap()
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive();
        let year = if written.month() >= 8 {
            written.year()
        } else {
            written.year() - 1
        };
        let term_year_began = NaiveDate::from_ymd_opt(year, 8, 1).unwrap();
        if date > written + Duration::days(1) || date < term_year_began {
            return Some(Refusal::Date);
        }
    }
    let allowed = match (payload, stream) {
        (_, Stream::Directory) => false,
        (Payload::SessionCheck(SessionCheck { class, .. }), _)
        | (Payload::Student(Student { class, .. }), _) => match role {
            Role::Admin | Role::Health => true,
            Role::Teacher => classes.contains(class),
            Role::Logistics => false,
        },
        (Payload::Certificate(_), _) => matches!(role, Role::Admin | Role::Health),
        (Payload::StaffHealth(_), _) => true,
        (Payload::RefillRequest(r), Stream::Supplies) => match role {
            Role::Admin | Role::Logistics => true,
            Role::Teacher => classes.contains(&r.class),
            Role::Health => false,
        },
        (Payload::Drill(event), Stream::Drills) if role == Role::Health => event.act.is_tap(),
        (_, Stream::Supplies | Stream::Drills) => matches!(role, Role::Admin | Role::Logistics),
        (Payload::Notice(event), Stream::Notices) => match role {
            Role::Admin => true,
            Role::Health | Role::Logistics => !matches!(
                event.step,
                Action::Return { .. } | Action::Approve {} | Action::Withdraw {}
            ),
            Role::Teacher => false,
        },
        (Payload::Contact(_), Stream::Notices) => matches!(role, Role::Admin | Role::Logistics),
        (_, Stream::Notices) => role != Role::Teacher,
        _ => role == Role::Admin,
    };
    (!allowed).then_some(Refusal::Forbidden)
}

fn refusal_of(reason: &Rejection) -> Option<Refusal> {
    match reason {
        Rejection::Invalid {
            problem: OpInvalid::DateOutOfRange { .. },
        } => Some(Refusal::Date),
        Rejection::Forbidden { .. } => Some(Refusal::Forbidden),
        _ => None,
    }
}

/// A field's merged value as the model sees it: the winning write and the conflicting ones.
type Fields = BTreeMap<(Stream, String, String), (OpId, BTreeSet<OpId>)>;

/// The reference fold of last-writer-wins registers, one op at a time in the order given: a
/// write is live until a write of the same field names it in `supersedes`, or the same
/// device writes the field with a later timestamp; the live write with the greatest
/// (timestamp, device) wins and the other live ones are conflicts. Replacement is for good,
/// so an op arriving after the one that replaced it is dead on arrival.
fn model_fields<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Fields {
    #[derive(Default)]
    struct Register<'a> {
        seen: Vec<&'a Op>,
        replaced: BTreeSet<&'a OpId>,
        live: Vec<&'a Op>,
    }
    let mut registers: BTreeMap<(Stream, String, String), Register<'a>> = BTreeMap::new();
    for op in ops {
        let Payload::SetField(set) = &op.payload else {
            continue;
        };
        let reg = registers
            .entry((op.id.stream, set.doc.clone(), set.field.clone()))
            .or_default();
        reg.seen.push(op);
        reg.replaced.extend(set.supersedes.iter());
        reg.live.push(op);
        let (seen, replaced) = (&reg.seen, &reg.replaced);
        reg.live.retain(|w| {
            !replaced.contains(&w.id)
                && !seen
                    .iter()
                    .any(|o| o.id.device == w.id.device && o.hlc > w.hlc)
        });
    }
    registers
        .into_iter()
        .filter_map(|(key, reg)| {
            let winner = reg.live.iter().max_by_key(|o| (o.hlc, &o.id.device))?;
            let conflicts = reg
                .live
                .iter()
                .filter(|o| o.id != winner.id)
                .map(|o| o.id.clone())
                .collect();
            Some((key, (winner.id.clone(), conflicts)))
        })
        .collect()
}

/// The supplies ledger as the model sees it: stock per item is the sum of its movements.
fn model_stock<'a>(ops: impl IntoIterator<Item = &'a Op>) -> BTreeMap<String, i64> {
    let mut stock = BTreeMap::new();
    for op in ops {
        // The simulation writes count adjustments (found or missing) and issues to classes.
        if let Payload::StockMovement(m) = &op.payload {
            let delta = match m.what {
                MovementKind::Adjustment { gain: true, .. } => i64::from(m.quantity),
                MovementKind::Adjustment { gain: false, .. } | MovementKind::Issue { .. } => {
                    -i64::from(m.quantity)
                }
                _ => 0,
            };
            *stock
                .entry(format!("{}/{}/{}", m.lot.item, m.lot.lot, m.zone))
                .or_insert(0) += delta;
        }
    }
    stock
}

/// What a replica's own projection functions make of its ops, in the model's terms.
fn replica_fields(ops: &BTreeMap<OpId, Op>) -> Fields {
    documents(ops)
        .into_iter()
        .map(|((stream, doc, field), reg)| {
            (
                (stream, doc.to_owned(), field.to_owned()),
                (
                    reg.winner.id.clone(),
                    reg.conflicts.iter().map(|o| o.id.clone()).collect(),
                ),
            )
        })
        .collect()
}

struct Device {
    replica: Replica,
    grant: DeviceGrant,
    skew_ms: i64,
    online: bool,
    recorded: usize,
    /// The listing horizon after the last finished pull: it never moves back.
    since: Day,
    /// For a device that joined late: daily records dated before this are not its to get.
    horizon: Option<NaiveDate>,
}

/// The school day a daily record (a class's check, a staff member's report) is about.
fn model_daily_date(payload: &Payload) -> Option<NaiveDate> {
    match payload {
        Payload::SessionCheck(c) => Some(c.date),
        Payload::StaffHealth(h) => Some(h.date),
        _ => None,
    }
}

/// What a run exercised, summed over runs to show the proof covers what it claims.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    runs: u64,
    /// Pushes answered 429: a retry reached KV within a second of the write it repeats.
    throttled: u64,
    /// Segments refused whole as stamped ahead of the server's clock, then restamped.
    clock_ahead: u64,
    /// Requests or answers lost.
    lost: u64,
    /// Pushes retried at once after a lost answer (a tap on "Sync now", an `online` event).
    quick_retries: u64,
    /// Pull answers whose segments arrived in another order than listed.
    reordered: u64,
    /// Pulls in which the listing horizon would have moved back without `max`.
    horizon_held: u64,
    /// Changes refused for their date, and as not the writer's to make.
    refused_date: u64,
    refused_forbidden: u64,
    /// Ops stored, and of them field writes; fields with a conflict left open at the end.
    stored: u64,
    field_writes: u64,
    open_conflicts: u64,
    /// Field writes that resolved a conflict or replaced a value, naming what they replace.
    resolutions: u64,
    kinds: [u64; 6],
    /// Compaction runs that wrote their head; that died partway; that ran two at once;
    /// that landed between two pages of a pull.
    compactions: u64,
    compactions_crashed: u64,
    compactions_doubled: u64,
    compactions_mid_pull: u64,
    /// Pages asked for before the page before was taken in.
    asked_ahead: u64,
    /// Devices that joined late, and the daily records their horizon kept from them.
    joined: u64,
    beyond_horizon: u64,
}

struct World {
    kv: Kv,
    school: SchoolId,
    tz: SchoolTimeZone,
    devices: Vec<Device>,
    now: u64,
    rng: Rng,
    /// Percent of requests lost (for pushes, half before the server acts and half after:
    /// a crash between the KV write and the ack).
    loss: u64,
    tally: Tally,
    /// Whether the Worker compacts settled days now and then.
    compacting: bool,
    /// Where the Worker cuts a pull page.
    page_ops: usize,
}

impl World {
    fn new(seed: u64, people: &[(Role, Vec<ClassId>)], start_ms: u64) -> Self {
        let mut rng = Rng(seed);
        let school = SchoolId::parse("sim").unwrap();
        let mut devices = Vec::new();
        for (i, (role, classes)) in people.iter().enumerate() {
            let grant = DeviceGrant {
                school: school.clone(),
                device: DeviceId::parse(&format!("device-{i:04}")).unwrap(),
                staff: StaffId::parse(&format!("s{i}")).unwrap(),
                name: name(&format!("staff {i}")),
                role: *role,
                classes: classes.clone(),
                label: None,
                created_at_ms: 0,
                expires_at_ms: u64::MAX,
                revoked_at_ms: None,
            };
            // Clocks from 20 minutes slow to 20 minutes fast. A segment stamped over 5
            // minutes ahead is refused whole and unstored (422 with the server's time); the
            // device corrects its clock and restamps it, so it is stored, never refused.
            let skew_ms = rng.below(40 * 60_000) as i64 - 20 * 60_000;
            // Nothing is stored before the run starts: the horizon is its first day.
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
                since,
                horizon: None,
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
            tz: SchoolTimeZone::default(),
            devices,
            now: start_ms,
            rng,
            loss: 15,
            tally: Tally::default(),
            compacting: false,
            page_ops: guardpost_domain::sync::wire::PULL_PAGE_OPS,
        }
    }

    /// A school of one admin, one doctor, one logistics officer and four teachers of random
    /// classes (now and then none), the last of whom may hold any role.
    fn random(seed: u64, start_ms: u64) -> Self {
        let mut rng = Rng(seed ^ 0x5eed);
        let mut people = vec![
            (Role::Admin, vec![]),
            (Role::Health, vec![]),
            (Role::Logistics, vec![]),
        ];
        for i in 0..4 {
            let role = if i == 3 {
                [Role::Admin, Role::Health, Role::Logistics, Role::Teacher][rng.below(4) as usize]
            } else {
                Role::Teacher
            };
            let mut classes = BTreeSet::new();
            if role == Role::Teacher {
                let n = if rng.chance(10) { 0 } else { 1 + rng.below(2) };
                for _ in 0..n {
                    classes.insert(class(CLASSES[rng.below(4) as usize]));
                }
            }
            people.push((role, classes.into_iter().collect()));
        }
        Self::new(seed, &people, start_ms)
    }

    /// A device signs in today: it gets every long-lived record, however old, and the daily
    /// ones from yesterday on.
    fn join(&mut self, role: Role, classes: Vec<ClassId>) {
        let i = self.devices.len();
        let grant = DeviceGrant {
            school: self.school.clone(),
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
        let horizon = Day::of_ms(self.now).prev();
        let replica = Replica::joining(
            grant.device.clone(),
            grant.name.clone(),
            &grant.readable_streams(),
            horizon,
        );
        self.devices.push(Device {
            replica,
            grant,
            skew_ms: 0,
            online: true,
            recorded: 0,
            since: Day::FIRST,
            horizon: horizon.date(),
        });
        self.tally.joined += 1;
    }

    /// The Worker compacts: mostly one run, now and then one that dies partway, or two at
    /// once from the same head.
    fn compact(&mut self) {
        let mode = self.rng.below(5);
        let mut plans = vec![compact_plan(&mut self.kv, &self.school, self.now)];
        if mode == 1 {
            self.now += self.rng.below(3_000);
            plans.push(compact_plan(&mut self.kv, &self.school, self.now));
            self.tally.compactions_doubled += 1;
        }
        for built in plans.into_iter().flatten() {
            self.now += self.rng.below(1_500);
            let writes = built.chunks.len() as u64 + 2;
            let crash = (mode == 0).then(|| self.rng.below(writes) as usize);
            let written = compact_write(
                &mut self.kv,
                &self.school,
                &built,
                self.now,
                &mut self.rng,
                crash,
            );
            match (crash, written) {
                (Some(_), _) => self.tally.compactions_crashed += 1,
                (None, Ok(())) => self.tally.compactions += 1,
                (None, Err(_)) => {}
            }
        }
    }

    fn device_now(&self, d: usize) -> u64 {
        self.now.saturating_add_signed(self.devices[d].skew_ms)
    }

    /// How long one way of a request takes on a school's phones: mostly quick, now and then
    /// seconds.
    fn latency(&mut self) -> u64 {
        if self.rng.chance(10) {
            1_000 + self.rng.below(4_000)
        } else {
            20 + self.rng.below(600)
        }
    }

    fn payload(&mut self, d: usize) -> (Stream, Payload) {
        let role = self.devices[d].grant.role;
        // Now and then, what the person's screens would not offer: a tampered client.
        let tampered = self.rng.chance(8);
        let kind = if tampered {
            KINDS[self.rng.below(KINDS.len() as u64) as usize]
        } else if role == Role::Teacher && self.devices[d].grant.classes.is_empty() {
            // A teacher with no class has only their own health to report.
            Kind::StaffHealth
        } else {
            let kinds = offered(role);
            kinds[self.rng.below(kinds.len() as u64) as usize]
        };
        let now = self.device_now(d);
        let today = self.tz.date_at_ms(self.devices[d].replica.corrected(now));
        // Mostly today or yesterday; now and then two days ahead or over a year back
        // (refused).
        let date = match self.rng.below(100) {
            0 => today + Duration::days(2),
            1 => today - Duration::days(400),
            _ => today - Duration::days(self.rng.below(2) as i64),
        };
        let own = &self.devices[d].grant.classes;
        let class = if !own.is_empty() && !tampered {
            own[self.rng.below(own.len() as u64) as usize].clone()
        } else {
            class(CLASSES[self.rng.below(4) as usize])
        };
        let number = StudentNumber::parse(&format!("2026{:03}", 1 + self.rng.below(40))).unwrap();
        match kind {
            Kind::Check => (
                Stream::Health,
                Payload::SessionCheck(SessionCheck {
                    class,
                    date,
                    session: [Session::Morning, Session::Noon, Session::Evening]
                        [self.rng.below(3) as usize],
                    present: 30 + self.rng.below(10) as u16,
                    absent: self.rng.below(3) as u16,
                    fever: self.rng.below(2) as u16,
                    absences: vec![],
                    readings: vec![],
                }),
            ),
            Kind::Student => (
                Stream::Health,
                Payload::Student(Student::new(
                    class,
                    name(&format!("学生 {}", number.as_str())),
                    number,
                    self.rng.chance(20),
                )),
            ),
            Kind::Certificate => (
                Stream::Health,
                Payload::Certificate(ReturnCertificate {
                    student: StudentId::of(&class, &number),
                    class,
                    date,
                    issuer: name("城关镇卫生院"),
                    note: None,
                }),
            ),
            Kind::StaffHealth => (
                Stream::Health,
                Payload::StaffHealth(StaffHealth {
                    date,
                    temperature: Some(
                        Temperature::from_tenths(360 + self.rng.below(20) as u16).unwrap(),
                    ),
                    symptoms: vec![],
                }),
            ),
            Kind::Movement if role == Role::Teacher => (
                Stream::Supplies,
                Payload::RefillRequest(RefillRequest {
                    class,
                    items: vec![RefillLine {
                        item: ItemId::parse("hand-sanitiser").unwrap(),
                        quantity: 1 + self.rng.below(3) as u32,
                    }],
                    note: None,
                }),
            ),
            Kind::Movement => {
                let lot = LotRef::new(
                    ["masks", "gloves", "alcohol"][self.rng.below(3) as usize],
                    "L1",
                    None,
                )
                .unwrap();
                let zone = Zone::parse(["A", "B"][self.rng.below(2) as usize]).unwrap();
                let payload = match self.rng.below(4) {
                    // The catalog, which every reader of the stream receives.
                    0 => {
                        Payload::SupplyItem(starter_catalog()[self.rng.below(11) as usize].clone())
                    }
                    // An issue to a class, which that class's teacher receives.
                    1 => Payload::StockMovement(StockMovement {
                        lot,
                        zone,
                        quantity: 1 + self.rng.below(20) as u32,
                        what: MovementKind::Issue {
                            to: Recipient {
                                holder: Holder::Class(class),
                                person: name("李红"),
                            },
                            signature: Signature::parse("1,1 9,9").unwrap(),
                            due: None,
                        },
                    }),
                    // Zero is invalid and refused on the device, before the outbox.
                    _ => Payload::StockMovement(StockMovement::adjustment(
                        lot,
                        zone,
                        self.rng.below(100) as u32,
                        self.rng.below(2) == 0,
                        Variance::Miscounted,
                    )),
                };
                (Stream::Supplies, payload)
            }
            Kind::Field => {
                // The screens offer notices to all but teachers, drills and supplies to
                // logistics and the office; the directory is edited through its own API.
                let offered: Vec<_> = FIELDS
                    .iter()
                    .filter(|(stream, ..)| {
                        tampered
                            || match stream {
                                Stream::Notices => true,
                                Stream::Drills | Stream::Supplies => role != Role::Health,
                                _ => false,
                            }
                    })
                    .collect();
                let (stream, doc, field) = *offered[self.rng.below(offered.len() as u64) as usize];
                // Sometimes resolve what this device sees as a conflict, naming all sides.
                let supersedes: Vec<OpId> = if self.rng.chance(40) {
                    documents(&self.devices[d].replica.ops)
                        .get(&(stream, doc, field))
                        .map(|reg| {
                            std::iter::once(reg.winner)
                                .chain(reg.conflicts.iter().copied())
                                .map(|op| op.id.clone())
                                .take(8)
                                .collect()
                        })
                        .unwrap_or_default()
                } else {
                    vec![]
                };
                (
                    stream,
                    Payload::SetField(SetField {
                        doc: doc.into(),
                        field: field.into(),
                        value: format!("{d}: {}", self.rng.below(1000)).into(),
                        supersedes,
                    }),
                )
            }
        }
    }

    fn record(&mut self, d: usize) {
        let (stream, payload) = self.payload(d);
        let now = self.device_now(d);
        if self.devices[d].replica.record(stream, payload, now).is_ok() {
            self.devices[d].recorded += 1;
        }
    }

    /// One sync of one device: push every stream's next segment, then pull every page.
    /// Returns whether it finished; every request and answer takes its own latency.
    fn sync(&mut self, d: usize, lossy: bool) -> bool {
        for stream in self.devices[d].replica.streams_to_push() {
            let Some(req) = self.devices[d].replica.next_push(stream) else {
                continue;
            };
            let sent = self.device_now(d);
            self.now += self.latency();
            if !self.devices[d].online || (lossy && self.rng.chance(self.loss / 2)) {
                self.tally.lost += 1;
                return false; // never reached the server
            }
            let result = push(
                &mut self.kv,
                &self.school,
                &self.devices[d].grant,
                req,
                self.now,
                &mut self.rng,
            );
            self.now += self.latency();
            // A crash between the KV write and the ack: the server acted, the device heard
            // nothing and will retry the same segment.
            let result = result.and_then(|ack| {
                if lossy && self.rng.chance(self.loss / 2) {
                    Err(Failure::Lost)
                } else {
                    Ok(ack)
                }
            });
            match result {
                Ok(ack) => {
                    let now = self.device_now(d);
                    self.devices[d]
                        .replica
                        .on_ack(&ack, Exchange::new(sent, now));
                }
                Err(Failure::Lost | Failure::Status(429)) => {
                    self.tally.lost += 1;
                    return false;
                }
                Err(Failure::ClockAhead(server_ms)) => {
                    self.tally.clock_ahead += 1;
                    let now = self.device_now(d);
                    self.devices[d].replica.restamp_sealed(
                        stream,
                        server_ms,
                        Exchange::new(sent, now),
                    );
                    return false;
                }
                Err(Failure::Status(code)) => panic!("push refused with {code}"),
            }
        }
        // The app asks for a page before it has taken in the one before
        // (`PullRequest::next_page`): with the cursors of that page's request.
        let mut asked_ahead: Option<PullRequest> = None;
        loop {
            let sent = self.device_now(d);
            self.now += self.latency();
            if !self.devices[d].online || (lossy && self.rng.chance(self.loss)) {
                self.tally.lost += 1;
                return false;
            }
            let req = match asked_ahead.take() {
                Some(req) => {
                    self.tally.asked_ahead += 1;
                    req
                }
                None => self.devices[d].replica.pull_request(),
            };
            if self.compacting && req.resume.is_some() && self.rng.chance(20) {
                self.compact();
                self.tally.compactions_mid_pull += 1;
            }
            let grant = &self.devices[d].grant;
            let mut response = match pull_paged(&mut self.kv, grant, &req, self.now, self.page_ops)
            {
                Ok(response) => response,
                // A snapshot part not yet visible: the device tries again later.
                Err(Failure::Status(429)) => {
                    self.tally.lost += 1;
                    return false;
                }
                Err(f) => panic!("pull failed: {f:?}"),
            };
            self.now += self.latency();
            // Segments arrive in any order.
            let listed: Vec<_> = response
                .segments
                .iter()
                .map(|s| (s.device.clone(), s.stream, s.seq))
                .collect();
            for i in (1..response.segments.len()).rev() {
                let j = self.rng.below(i as u64 + 1) as usize;
                response.segments.swap(i, j);
            }
            if response
                .segments
                .iter()
                .map(|s| (s.device.clone(), s.stream, s.seq))
                .ne(listed)
            {
                self.tally.reordered += 1;
            }
            let server_ms = response.server_ms;
            if self.rng.chance(50) {
                // As the app does: the resume point read from the answer's JSON alone.
                let json = serde_json::to_string(&response).expect("an answer is JSON");
                let resume = resume_of(&json).expect("the resume point reads");
                assert_eq!(resume, response.resume);
                asked_ahead = req.next_page(resume);
            }
            let now = self.device_now(d);
            let heard = Exchange::new(sent, now);
            if !self.devices[d].replica.on_pull(response, heard).more {
                self.check_horizon(d, server_ms);
                return true;
            }
        }
    }

    /// After a finished pull: the listing horizon never moves back (a day it settled is not
    /// listed again), and never passes a stored segment this device lacks (it would never
    /// be listed again: lost).
    fn check_horizon(&mut self, d: usize, server_ms: u64) {
        let dev = &self.devices[d];
        let since = dev.replica.since;
        assert!(
            since >= dev.since,
            "{}: the listing horizon moved back from {:?} to {since:?}",
            dev.grant.device,
            dev.since
        );
        if Day::of_ms(server_ms.saturating_sub(VISIBILITY_MARGIN_MS)) < dev.since {
            self.tally.horizon_held += 1;
        }
        for key in self.kv.keys() {
            let day: u32 = key.split('/').nth(3).unwrap().parse().unwrap();
            let day = Day::try_from(day).unwrap();
            let (stream, device, seq) =
                segment::parse_key(&segment::day_prefix(&self.school, day), key).unwrap();
            let lacks = dev
                .replica
                .cursors
                .get(&stream)
                .is_some_and(|c| !c.covers(&device, seq));
            assert!(
                !lacks || since <= day,
                "{}: horizon {since:?} passed {key}, which it lacks",
                dev.grant.device
            );
        }
        self.devices[d].since = since;
    }

    fn run(&mut self, steps: usize) {
        let n = self.devices.len() as u64;
        for _ in 0..steps {
            // Mostly quiet stretches, sometimes a burst of activity within a second.
            self.now += if self.rng.chance(30) {
                self.rng.below(1_000)
            } else {
                self.rng.below(90_000)
            };
            let d = self.rng.below(n) as usize;
            match self.rng.below(10) {
                0..=4 => {
                    for _ in 0..=self.rng.below(3) {
                        self.record(d);
                    }
                }
                5..=8 => {
                    // After a failure the person may tap "Sync now", or the network's
                    // return fires `online`, straight away.
                    let mut tries = 0;
                    while !self.sync(d, true) && tries < 3 && self.rng.chance(40) {
                        tries += 1;
                        self.tally.quick_retries += 1;
                        self.now += self.rng.below(500);
                    }
                }
                _ if self.compacting && self.rng.chance(15) => self.compact(),
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
                        break; // 429 or a restamp: the next round retries
                    }
                }
                self.sync(d, false);
            }
        }
    }

    fn check(&mut self) {
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
        // The reference fold gives the same fields whatever order the ops come in.
        let mut order: Vec<&Op> = truth.values().collect();
        let reference = model_fields(order.iter().copied());
        for _ in 0..3 {
            for i in (1..order.len()).rev() {
                let j = self.rng.below(i as u64 + 1) as usize;
                order.swap(i, j);
            }
            assert_eq!(
                model_fields(order.iter().copied()),
                reference,
                "the fold depends on the order"
            );
        }
        let by_id: BTreeMap<&OpId, &Op> = truth.iter().collect();
        for (_, conflicts) in reference.values() {
            self.tally.open_conflicts += u64::from(!conflicts.is_empty());
        }
        self.tally.resolutions += truth
            .values()
            .filter(|o| matches!(&o.payload, Payload::SetField(s) if !s.supersedes.is_empty()))
            .count() as u64;
        self.tally.stored += truth.len() as u64;
        self.tally.field_writes += truth
            .values()
            .filter(|o| matches!(o.payload, Payload::SetField(_)))
            .count() as u64;
        for op in truth.values() {
            let kind = match op.payload {
                Payload::SessionCheck(_) => 0,
                Payload::StockMovement(_)
                | Payload::SupplyItem(_)
                | Payload::RefillRequest(_)
                | Payload::RefillAnswer(_) => 1,
                Payload::Notice(_) | Payload::Contact(_) => 2,
                Payload::DrillPlan(_) | Payload::DrillTerm(_) | Payload::Drill(_) => 2,
                Payload::SetField(_) => 2,
                Payload::Student(_) => 3,
                Payload::Certificate(_) => 4,
                Payload::StaffHealth(_) => 5,
            };
            self.tally.kinds[kind] += 1;
        }

        for dev in &self.devices {
            let r = &dev.replica;
            let (role, classes) = (dev.grant.role, &dev.grant.classes);
            assert_eq!(
                r.pending_count(),
                0,
                "{}: outbox not drained",
                dev.grant.device
            );
            let beyond_horizon = |op: &Op| {
                op.id.device != dev.grant.device
                    && dev
                        .horizon
                        .is_some_and(|h| model_daily_date(&op.payload).is_some_and(|date| date < h))
            };
            let expected: BTreeSet<&OpId> = truth
                .values()
                .filter(|op| model_may_see(&dev.grant.device, role, classes, op))
                .filter(|op| !beyond_horizon(op))
                .map(|op| &op.id)
                .collect();
            self.tally.beyond_horizon += truth
                .values()
                .filter(|op| model_may_see(&dev.grant.device, role, classes, op))
                .filter(|op| beyond_horizon(op))
                .count() as u64;
            let held: BTreeSet<&OpId> = r.ops.keys().collect();
            let lost: Vec<_> = expected.difference(&held).collect();
            let extra: Vec<_> = held.difference(&expected).collect();
            assert!(
                lost.is_empty(),
                "{} ({role:?} {classes:?}): missing {} ops, e.g. {:?}",
                dev.grant.device,
                lost.len(),
                lost.first()
            );
            assert!(
                extra.is_empty(),
                "{} ({role:?} {classes:?}): {} ops it may not see or that were never stored, e.g. {:?}",
                dev.grant.device,
                extra.len(),
                extra.first()
            );
            for (id, op) in &r.ops {
                assert_eq!(
                    Some(op),
                    truth.get(id),
                    "op content differs from the stored one"
                );
            }
            // Every change the person made is either stored or shown to them as refused,
            // and refused exactly when the rules say, for the reason they give.
            let own: Vec<&Op> = truth
                .values()
                .filter(|op| op.id.device == dev.grant.device)
                .collect();
            assert_eq!(
                own.len() + r.refused.len(),
                dev.recorded,
                "{}: a write vanished",
                dev.grant.device
            );
            for op in &own {
                assert_eq!(
                    model_refusal(role, classes, op.id.stream, &op.payload, op.hlc),
                    None,
                    "{} ({role:?} {classes:?}): stored {:?}",
                    dev.grant.device,
                    op.payload
                );
            }
            for refused in &r.refused {
                let expected =
                    model_refusal(role, classes, refused.stream, &refused.payload, refused.hlc);
                assert!(
                    expected.is_some() && expected == refusal_of(&refused.reason),
                    "{} ({role:?} {classes:?}): {:?} refused as {:?}, expected {expected:?}",
                    dev.grant.device,
                    refused.payload,
                    refused.reason
                );
                match expected {
                    Some(Refusal::Date) => self.tally.refused_date += 1,
                    _ => self.tally.refused_forbidden += 1,
                }
            }
            for vector in r.cursors.values() {
                assert!(vector.held.is_empty(), "gaps left after healing");
            }
            // Having heard everything, the device lists only the days it must.
            let last = r.last_pull_ms.unwrap();
            assert!(
                r.since >= Day::of_ms(last.saturating_sub(VISIBILITY_MARGIN_MS)),
                "{}: still listing from {:?} at {last}",
                dev.grant.device,
                r.since
            );
            // Projections: the replica's own merge equals the reference fold of what it
            // may see.
            let visible: Vec<&Op> = expected.iter().map(|id| by_id[*id]).collect();
            assert_eq!(
                replica_fields(&r.ops),
                model_fields(visible.iter().copied()),
                "{} ({role:?}): fields differ from the reference fold",
                dev.grant.device
            );
            let stock: BTreeMap<String, i64> =
                stock_of(r.ops.values().map(|op| (op.hlc, &op.by, &op.payload)))
                    .lots
                    .values()
                    .map(|l| {
                        (
                            format!("{}/{}/{}", l.lot.item, l.lot.lot, l.zone),
                            l.on_hand,
                        )
                    })
                    .collect();
            assert_eq!(stock, model_stock(visible.iter().copied()));
        }
        self.tally.throttled += self.kv.counts.throttled;
        self.tally.runs += 1;
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

/// 2026-11-23 22:00 UTC (06:00 at the school): the run crosses UTC midnight, so segments
/// land in several day partitions, and ends after 01:00, when the visibility margin no
/// longer reaches back to the first day.
const START_MS: u64 = 1_795_471_200_000;
/// 2026-11-24 00:20 UTC (08:20 at the school): for the first 40 minutes the visibility
/// margin reaches back into the day before the device's horizon.
const MORNING_START_MS: u64 = 1_795_479_600_000;

#[test]
fn devices_converge() {
    let total = RefCell::new(Tally::default());
    let mut runner = TestRunner::new(config());
    runner
        .run(&any::<u64>(), |seed| {
            let morning = seed % 3 == 0;
            let start = if morning { MORNING_START_MS } else { START_MS };
            let mut world = World::random(seed, start);
            world.run(500);
            world.heal_and_sync(2);
            world.check();
            let segments = world.kv.all_segments();
            let days: BTreeSet<u64> = segments
                .iter()
                .map(|s| s.received_ms / 86_400_000)
                .collect();
            // The run is only a proof if it exercised what it claims to.
            prop_assert!(segments.len() > 30, "{} segments", segments.len());
            prop_assert!(morning || days.len() >= 2, "one day only");
            let settled = Day::of_ms(world.now - VISIBILITY_MARGIN_MS);
            prop_assert!(
                morning || settled > Day::of_ms(start),
                "the first day never settled"
            );
            let mut total = total.borrow_mut();
            let t = world.tally;
            total.runs += t.runs;
            total.throttled += t.throttled;
            total.clock_ahead += t.clock_ahead;
            total.lost += t.lost;
            total.quick_retries += t.quick_retries;
            total.reordered += t.reordered;
            total.horizon_held += t.horizon_held;
            total.refused_date += t.refused_date;
            total.refused_forbidden += t.refused_forbidden;
            total.stored += t.stored;
            total.field_writes += t.field_writes;
            total.open_conflicts += t.open_conflicts;
            total.resolutions += t.resolutions;
            for (sum, n) in total.kinds.iter_mut().zip(t.kinds) {
                *sum += n;
            }
            Ok(())
        })
        .unwrap();
    let total = total.into_inner();
    println!("{total:#?}");
    // Shrinking re-runs cases, so these hold for at least the 24 cases of a passing run.
    assert!(total.runs >= 24);
    assert!(
        total.throttled >= 10,
        "429 reached only {} times",
        total.throttled
    );
    assert!(
        total.clock_ahead >= 10,
        "422 reached only {} times",
        total.clock_ahead
    );
    assert!(total.quick_retries > 0 && total.reordered > 100);
    assert!(
        total.horizon_held > 0,
        "the horizon was never at risk of moving back"
    );
    assert!(total.refused_date > 0 && total.refused_forbidden > 0);
    assert!(total.open_conflicts > 10 && total.resolutions > 10);
    assert!(total.kinds.iter().all(|&n| n > 20), "{:?}", total.kinds);
}

fn check_payload(class: &str, date: NaiveDate) -> Payload {
    Payload::SessionCheck(SessionCheck {
        class: self::class(class),
        date,
        session: Session::Morning,
        present: 30,
        absent: 1,
        fever: 0,
        absences: vec![],
        readings: vec![],
    })
}

#[test]
fn a_clock_far_ahead_is_corrected_not_refused() {
    // A phone an hour fast records before it has ever heard from the server: its first push
    // is refused unstored, restamped on the server's clock, and then stored.
    let mut world = World::new(7, &[(Role::Admin, vec![])], START_MS);
    world.devices[0].skew_ms = 60 * 60_000;
    let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    for _ in 0..5 {
        let now = world.device_now(0);
        world.devices[0]
            .replica
            .record(Stream::Health, check_payload("g1c1", date), now)
            .unwrap();
        world.devices[0].recorded += 1;
    }
    world.heal_and_sync(2);
    assert!(world.tally.clock_ahead > 0);
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
    let mut world = World::new(9, &[(Role::Teacher, vec![class("g1c1")])], START_MS);
    let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    for class in ["g3c2", "g1c1"] {
        let now = world.device_now(0);
        world.devices[0]
            .replica
            .record(Stream::Health, check_payload(class, date), now)
            .unwrap();
        world.devices[0].recorded += 1;
    }
    world.heal_and_sync(2);
    let r = &world.devices[0].replica;
    assert_eq!(r.refused.len(), 1);
    assert_eq!(r.ops.len(), 1);
    world.check();
}

/// One writer makes two notice edits, the first held invisible in KV until `late_until`
/// (KV promises 60 s "or more"); a reader syncs every 10 minutes for four hours, holding the
/// second past the gap the whole time, and must still list the day the first is stored
/// under (`first_day`), though the visibility margin alone would have moved on.
fn a_late_write_stays_listed(
    seed: u64,
    start: u64,
    second_at: u64,
    late_until: u64,
    first_day: Day,
) {
    let people = [(Role::Admin, vec![]), (Role::Health, vec![])];
    let mut world = World::new(seed, &people, start);
    for dev in &mut world.devices {
        dev.skew_ms = 0;
    }
    let title = |value: &str| {
        Payload::SetField(SetField {
            doc: "n-1".into(),
            field: "title".into(),
            value: value.into(),
            supersedes: vec![],
        })
    };
    for (i, value) in ["first", "second"].into_iter().enumerate() {
        let now = world.device_now(0);
        world.devices[0]
            .replica
            .record(Stream::Notices, title(value), now)
            .unwrap();
        world.devices[0].recorded += 1;
        assert!(world.sync(0, false));
        if i == 0 {
            let key = segment::key(
                &world.school,
                Day::of_ms(world.now),
                Stream::Notices,
                &world.devices[0].grant.device,
                guardpost_domain::sync::Seq::FIRST,
            );
            world.kv.hold_back(&key, late_until);
            world.now = world.now.max(second_at);
        }
    }
    for _ in 0..24 {
        world.now += 10 * 60_000;
        assert!(world.sync(1, false));
        let cursor = &world.devices[1].replica.cursors[&Stream::Notices];
        assert_eq!(cursor.held.len(), 1, "seq 2 held past the gap");
    }
    assert!(Day::of_ms(world.now - VISIBILITY_MARGIN_MS) > first_day);
    assert!(world.devices[1].replica.since <= first_day);
    world.now = late_until + 60_000;
    world.heal_and_sync(2);
    world.check();
}

#[test]
fn a_gap_keeps_its_day_listed_until_it_closes() {
    // Both writes after midnight: the held segment's day stays listed past 01:00 UTC.
    let start = START_MS + 30 * 60_000;
    a_late_write_stays_listed(
        11,
        start,
        start + 60_000,
        START_MS + 5 * 3_600_000,
        Day::of_ms(start + 120_000),
    );
}

#[test]
fn a_gap_across_midnight_keeps_the_earlier_day_listed() {
    // The late write a few minutes before UTC midnight, the next one a minute after: the
    // missing segment is stored under the day before the held one's, which stays listed.
    let midnight = (START_MS / 86_400_000 + 1) * 86_400_000;
    a_late_write_stays_listed(
        12,
        midnight - 5 * 60_000,
        midnight + 60_000,
        midnight + 5 * 3_600_000,
        Day::of_ms(midnight - 1),
    );
}

/// Five school days with the Worker compacting settled days now and then — runs that die
/// partway, two at once, one landing between two pages of a device's pull — and a device
/// joining each day after the first: every device still converges to exactly what it may
/// see (a joining one: every long-lived record, however old, and the daily ones from its
/// horizon on), nothing lost or doubled, and the snapshot ends up covering the settled days.
#[test]
fn compaction_loses_and_doubles_nothing() {
    let total = RefCell::new(Tally::default());
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 12,
        ..config()
    });
    runner
        .run(&any::<u64>(), |seed| {
            let mut world = World::random(seed, START_MS);
            world.compacting = true;
            // Small pages, so that pulls are paged often, and compactions and nights fall
            // between their pages.
            world.page_ops = 40;
            for day in 0..5 {
                world.run(150);
                if day > 0 {
                    let role = [Role::Admin, Role::Health, Role::Logistics, Role::Teacher]
                        [world.rng.below(4) as usize];
                    let classes = if role == Role::Teacher {
                        vec![class(CLASSES[world.rng.below(4) as usize])]
                    } else {
                        vec![]
                    };
                    world.join(role, classes);
                }
                world.now += 20 * 3_600_000;
            }
            world.compact();
            world.heal_and_sync(2);
            world.check();
            let head = world
                .kv
                .get(
                    &guardpost_domain::sync::snapshot::head_key(&world.school),
                    world.now,
                )
                .map(|v| serde_json::from_str::<guardpost_domain::sync::snapshot::Manifest>(&v))
                .transpose()
                .unwrap();
            prop_assert!(head.is_some_and(|h| h.cut > Day::of_ms(START_MS).next()));
            let mut total = total.borrow_mut();
            let t = world.tally;
            total.runs += t.runs;
            total.compactions += t.compactions;
            total.compactions_crashed += t.compactions_crashed;
            total.compactions_doubled += t.compactions_doubled;
            total.compactions_mid_pull += t.compactions_mid_pull;
            total.asked_ahead += t.asked_ahead;
            total.joined += t.joined;
            total.beyond_horizon += t.beyond_horizon;
            Ok(())
        })
        .unwrap();
    let total = total.into_inner();
    println!("{total:#?}");
    assert!(total.compactions > 20 && total.compactions_crashed > 5);
    assert!(total.compactions_doubled > 5 && total.compactions_mid_pull > 5);
    assert!(
        total.asked_ahead > 50,
        "{} pages asked ahead",
        total.asked_ahead
    );
    assert!(total.joined >= 48 && total.beyond_horizon > 20);
}
