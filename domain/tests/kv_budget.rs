//! KV operations a school day costs, against DESIGN.md's budget: at most 300 writes a day for
//! a school of 2,000 students and 100 staff (the free plan allows 1,000 writes and 1,000
//! lists a day per account, and 100,000 reads).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use chrono::NaiveDate;
use guardpost_domain::changes::{Payload, Replica};
use guardpost_domain::checkins::{Session, SessionCheck};
use guardpost_domain::school::ClassId;
use guardpost_domain::school::{Role, SchoolId, StaffId};
use guardpost_domain::supplies::{LotRef, StockMovement, Variance, Zone};
use guardpost_domain::sync::auth::Actor;
use guardpost_domain::sync::auth::DeviceGrant;
use guardpost_domain::sync::segment::Day;
use guardpost_domain::sync::{DeviceId, Exchange, Stream};
use guardpost_domain::text::Name;
use sim::{Kv, Rng, pull, push};

const WRITE_BUDGET: u64 = 300;
/// The free plan's lists per day.
const LIST_BUDGET: u64 = 1_000;
/// How long the Worker keeps a list page in its cache (`worker/src/sync.rs`).
const LIST_CACHE_MS: u64 = 30_000;
/// 2026-11-23 00:00 in Asia/Shanghai, as UTC milliseconds.
const LOCAL_MIDNIGHT_MS: u64 = 1_795_363_200_000;
const MINUTE: u64 = 60_000;

/// When and how a device is used during the day: (local minute it opens, minutes it stays
/// visible, ops it records on opening).
type Visit = (u64, u64, usize);

struct Staff {
    replica: Replica,
    grant: DeviceGrant,
    visits: Vec<Visit>,
    class: Option<ClassId>,
}

fn staff(i: usize, role: Role, class: Option<ClassId>, visits: Vec<Visit>) -> Staff {
    let grant = DeviceGrant {
        school: SchoolId::parse("budget").unwrap(),
        device: DeviceId::parse(&format!("device-{i:04}")).unwrap(),
        staff: StaffId::parse(&format!("s{i}")).unwrap(),
        name: Name::parse(&format!("staff {i}")).unwrap(),
        role,
        classes: class.iter().cloned().collect(),
        label: None,
        created_at_ms: 0,
        expires_at_ms: u64::MAX,
        revoked_at_ms: None,
    };
    let since = Day::of_ms(LOCAL_MIDNIGHT_MS);
    let replica = Replica::new(
        grant.device.clone(),
        grant.name.clone(),
        &grant.readable_streams(),
        since,
    );
    Staff {
        replica,
        grant,
        visits,
        class,
    }
}

/// What a simulated school day cost: KV operations, pulls, and the health ops the doctor's
/// device held after its last visit.
struct SchoolDay {
    counts: sim::KvCounts,
    pulls: usize,
    doctor_health_ops: usize,
}

fn school_day(list_cache_ms: Option<u64>) -> SchoolDay {
    // 50 classes of 40 (2,000 students), 10 of them boarding. 50 class teachers do the
    // morning and noon checks (boarding classes also the evening one), each visit 3 minutes;
    // 3 logistics staff record 5 movements 4 times a day; the doctor looks in 3 times for 10
    // minutes; 2 office PCs are looked at for 2 hours each. The other 44 staff do not use it
    // daily. While visible the app syncs on opening, after each change and every 60 s.
    let mut people = Vec::new();
    for c in 0..50 {
        let class = ClassId::parse(&format!("c{c:02}")).unwrap();
        let mut visits = vec![
            (7 * 60 + 40 + c as u64 % 20, 3, 1),
            (12 * 60 + 20 + c as u64 % 15, 3, 1),
        ];
        if c < 10 {
            visits.push((20 * 60 + c as u64, 3, 1));
        }
        people.push(staff(c, Role::Teacher, Some(class), visits));
    }
    for l in 0..3 {
        let visits = [8 * 60, 10 * 60, 14 * 60, 16 * 60]
            .map(|m| (m + l * 7, 5, 5))
            .to_vec();
        people.push(staff(50 + l as usize, Role::Logistics, None, visits));
    }
    people.push(staff(
        53,
        Role::Health,
        None,
        vec![(9 * 60, 10, 0), (13 * 60, 10, 0), (16 * 60, 10, 0)],
    ));
    for a in 0..2 {
        people.push(staff(
            54 + a,
            Role::Admin,
            None,
            vec![(8 * 60 + a as u64 * 30, 60, 0), (14 * 60, 60, 0)],
        ));
    }

    // Every sync event of the day, in time order: (ms, person, ops to record first).
    let mut events: Vec<(u64, usize, usize)> = Vec::new();
    for (p, person) in people.iter().enumerate() {
        for &(open, minutes, ops) in &person.visits {
            let start = LOCAL_MIDNIGHT_MS + open * MINUTE;
            events.push((start, p, 0));
            events.push((start + 30_000, p, ops));
            for m in 1..=minutes {
                events.push((start + m * MINUTE, p, 0));
            }
        }
    }
    events.sort();

    let mut kv = Kv::new(60_000, 1_000);
    if let Some(ttl) = list_cache_ms {
        kv = kv.with_list_cache(ttl);
    }
    let school = SchoolId::parse("budget").unwrap();
    let mut rng = Rng(1);
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut pulls = 0;
    for (at, p, ops) in events {
        let person = &mut people[p];
        for i in 0..ops {
            let (stream, payload) = match (&person.class, person.grant.role) {
                (Some(class), _) => (
                    Stream::Health,
                    Payload::SessionCheck(SessionCheck {
                        class: class.clone(),
                        date,
                        session: [Session::Morning, Session::Noon, Session::Evening]
                            [(at / (5 * 60 * MINUTE)) as usize % 3],
                        present: 39,
                        absent: 1,
                        fever: 0,
                        absences: vec![],
                        readings: vec![],
                    }),
                ),
                _ => (
                    Stream::Supplies,
                    Payload::StockMovement(StockMovement::adjustment(
                        LotRef::new("masks", "L1", None).unwrap(),
                        Zone::parse("A").unwrap(),
                        i as u32 + 1,
                        false,
                        Variance::Miscounted,
                    )),
                ),
            };
            person.replica.record(stream, payload, at).unwrap();
        }
        for stream in person.replica.streams_to_push() {
            if let Some(req) = person.replica.next_push(stream) {
                let ack = push(&mut kv, &school, &person.grant, req, at, &mut rng)
                    .unwrap_or_else(|f| panic!("{f:?}"));
                person.replica.on_ack(&ack, Exchange::new(at, at));
            }
        }
        loop {
            pulls += 1;
            let req = person.replica.pull_request();
            let response =
                pull(&mut kv, &person.grant, &req, at).unwrap_or_else(|f| panic!("{f:?}"));
            if !person.replica.on_pull(response, Exchange::new(at, at)).more {
                break;
            }
        }
    }
    let doctor = &people[53].replica;
    SchoolDay {
        counts: kv.counts,
        pulls,
        doctor_health_ops: doctor
            .ops
            .values()
            .filter(|op| op.id.stream == Stream::Health)
            .count(),
    }
}

#[test]
fn a_school_day_stays_within_the_kv_budget() {
    let SchoolDay {
        counts,
        pulls,
        doctor_health_ops,
    } = school_day(Some(LIST_CACHE_MS));
    println!(
        "school day: {} writes (budget {WRITE_BUDGET}), {} lists (budget {LIST_BUDGET}), {} reads, {pulls} pulls",
        counts.writes, counts.lists, counts.reads
    );
    assert!(
        counts.writes <= WRITE_BUDGET,
        "{} KV writes in a school day",
        counts.writes
    );
    assert!(
        counts.lists <= LIST_BUDGET,
        "{} KV lists in a school day",
        counts.lists
    );
    assert!(counts.reads <= 100_000);
    // Every morning and noon check reached the doctor's device by the last visit (16:00);
    // the evening checks come later.
    assert_eq!(doctor_health_ops, 100);
}

#[test]
fn without_the_list_cache_the_lists_pass_the_budget() {
    // Why the Worker caches list pages (and why a `*.workers.dev` address, where the Cache
    // API does nothing, is over the free plan): the same day, every pull listing afresh.
    let SchoolDay {
        counts,
        doctor_health_ops,
        ..
    } = school_day(None);
    println!(
        "school day without the list cache: {} writes, {} lists, {} reads",
        counts.writes, counts.lists, counts.reads
    );
    assert!(
        (1_000..1_300).contains(&counts.lists),
        "{} KV lists without the cache",
        counts.lists
    );
    assert_eq!(doctor_health_ops, 100);
}

/// A school of 1,000 students in 30 classes, a year in: 180 school days of three checks a
/// class (one segment each, as teachers push them), 5,000 stock movements, the class lists
/// imported on the first day. The Worker compacts once a day (its every-minute cron costs one
/// read the other 1,439 times); then every one of 60 devices joins anew on one day. Both fit
/// the free plan on top of a school day's own traffic.
#[test]
fn a_year_old_school_compacts_and_joins_within_the_budget() {
    use guardpost_domain::checkins::{Student, StudentNumber};
    use guardpost_domain::sync::snapshot;
    use sim::{compact_plan, compact_write};

    let school = SchoolId::parse("budget").unwrap();
    let mut kv = Kv::new(60_000, 1_000).with_list_cache(LIST_CACHE_MS);
    let mut rng = Rng(7);
    let mut teachers: Vec<Staff> = (0..30)
        .map(|c| {
            let class = ClassId::parse(&format!("c{c:02}")).unwrap();
            staff(c, Role::Teacher, Some(class), vec![])
        })
        .collect();
    let mut office = staff(30, Role::Logistics, None, vec![]);
    let mut admin = staff(31, Role::Admin, None, vec![]);
    let send = |person: &mut Staff, kv: &mut Kv, at: u64, rng: &mut Rng| {
        while let Some(stream) = person.replica.streams_to_push().into_iter().next() {
            let req = person.replica.next_push(stream).unwrap();
            let ack = push(kv, &school, &person.grant, req, at, rng).unwrap();
            person.replica.on_ack(&ack, Exchange::new(at, at));
        }
    };
    // 2026-09-01 08:00 at the school.
    let first_ms = 1_788_220_800_000;
    let first = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    for c in 0..30 {
        for i in 0..34 {
            let student = Student::new(
                ClassId::parse(&format!("c{c:02}")).unwrap(),
                Name::parse(&format!("学生{c}-{i}")).unwrap(),
                StudentNumber::parse(&format!("2026{c:02}{i:02}")).unwrap(),
                false,
            );
            admin
                .replica
                .record(Stream::Health, Payload::Student(student), first_ms)
                .unwrap();
        }
    }
    send(&mut admin, &mut kv, first_ms, &mut rng);

    let mut compaction = sim::KvCounts::default();
    let mut worst_run = sim::KvCounts::default();
    let mut school_days = 0;
    let mut day_ms = first_ms;
    let mut date = first;
    while school_days < 180 {
        if !matches!(
            chrono::Datelike::weekday(&date),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        ) {
            school_days += 1;
            for (s, session) in [Session::Morning, Session::Noon, Session::Evening]
                .into_iter()
                .enumerate()
            {
                let at = day_ms + s as u64 * 4 * 60 * MINUTE;
                for teacher in &mut teachers {
                    let check = SessionCheck {
                        class: teacher.class.clone().unwrap(),
                        date,
                        session,
                        present: 33,
                        absent: 1,
                        fever: 0,
                        absences: vec![],
                        readings: vec![],
                    };
                    teacher
                        .replica
                        .record(Stream::Health, Payload::SessionCheck(check), at)
                        .unwrap();
                    send(teacher, &mut kv, at, &mut rng);
                }
            }
            for i in 0..28 {
                let movement = StockMovement::adjustment(
                    LotRef::new("masks", "L1", None).unwrap(),
                    Zone::parse("A").unwrap(),
                    i + 1,
                    false,
                    Variance::Miscounted,
                );
                office
                    .replica
                    .record(Stream::Supplies, Payload::StockMovement(movement), day_ms)
                    .unwrap();
            }
            send(&mut office, &mut kv, day_ms + 60 * MINUTE, &mut rng);
        }
        // The cron's one working run of the day, at 23:00 at the school.
        let at = day_ms + 15 * 60 * MINUTE;
        let before = kv.counts;
        if let Some(built) = compact_plan(&mut kv, &school, at) {
            compact_write(&mut kv, &school, &built, at, &mut rng, None).unwrap();
        }
        let run = since(kv.counts, before);
        compaction = add(compaction, run);
        worst_run.writes = worst_run.writes.max(run.writes);
        worst_run.lists = worst_run.lists.max(run.lists);
        worst_run.reads = worst_run.reads.max(run.reads);
        day_ms += 24 * 60 * MINUTE;
        date = date.succ_opt().unwrap();
    }
    let today = Day::of_ms(day_ms);
    let head = kv
        .get(&snapshot::head_key(&school), day_ms)
        .map(|v| serde_json::from_str::<snapshot::Manifest>(&v).unwrap())
        .unwrap();
    assert_eq!(head.cut, snapshot::target_cut(today.prev()));
    let stored: usize = kv.all_segments().iter().map(|s| s.ops.len()).sum();
    assert_eq!(stored, 30 * 34 + 180 * (90 + 28));

    // Sixty devices join on one day: thirty class teachers, thirty office staff.
    let before = kv.counts;
    let mut pages = 0;
    let horizon = Day::of_ms(day_ms - 150 * 24 * 60 * MINUTE);
    for i in 0..60 {
        let (role, class) = if i < 30 {
            (
                Role::Teacher,
                Some(ClassId::parse(&format!("c{i:02}")).unwrap()),
            )
        } else {
            (Role::Admin, None)
        };
        let person = staff(100 + i, role, class, vec![]);
        let mut replica = Replica::joining(
            person.grant.device.clone(),
            person.grant.name.clone(),
            &person.grant.readable_streams(),
            horizon,
        );
        let at = day_ms + i as u64 * MINUTE;
        loop {
            pages += 1;
            let response = pull(&mut kv, &person.grant, &replica.pull_request(), at).unwrap();
            if !replica.on_pull(response, Exchange::new(at, at)).more {
                break;
            }
        }
        let students = replica
            .ops
            .values()
            .filter(|op| matches!(op.payload, Payload::Student(_)))
            .count();
        assert_eq!(students, if i < 30 { 34 } else { 30 * 34 });
    }
    let joins = since(kv.counts, before);
    // The cron's other 1,439 runs of a day read the head and stop.
    let idle_reads = 1_439;
    let SchoolDay { counts: day, .. } = school_day(Some(LIST_CACHE_MS));
    println!(
        "a year: {} ops in {} chunks; compaction over 180 school days: {} writes, {} lists, {} reads \
         (worst day {} writes, {} lists, {} reads); 60 devices joining: {} lists, {} reads in {pages} pages",
        head.ops(),
        head.chunks.len(),
        compaction.writes,
        compaction.lists,
        compaction.reads,
        worst_run.writes,
        worst_run.lists,
        worst_run.reads,
        joins.lists,
        joins.reads
    );
    println!(
        "the busiest day: {} writes, {} lists, {} reads (free plan: 1,000, 1,000, 100,000)",
        day.writes + worst_run.writes,
        day.lists + worst_run.lists + joins.lists,
        day.reads + worst_run.reads + idle_reads + joins.reads
    );
    assert!(joins.lists <= 60 * 4, "{} lists", joins.lists);
    assert!(day.writes + worst_run.writes <= 1_000);
    assert!(day.lists + worst_run.lists + joins.lists <= 1_000);
    assert!(day.reads + worst_run.reads + idle_reads + joins.reads <= 100_000);
}

fn since(now: sim::KvCounts, before: sim::KvCounts) -> sim::KvCounts {
    sim::KvCounts {
        writes: now.writes - before.writes,
        lists: now.lists - before.lists,
        reads: now.reads - before.reads,
        throttled: now.throttled - before.throttled,
    }
}

fn add(a: sim::KvCounts, b: sim::KvCounts) -> sim::KvCounts {
    sim::KvCounts {
        writes: a.writes + b.writes,
        lists: a.lists + b.lists,
        reads: a.reads + b.reads,
        throttled: a.throttled + b.throttled,
    }
}
