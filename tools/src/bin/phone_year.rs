//! What a class teacher's phone holds after a school year: her class's checks for 180 school
//! days × 3 sessions (absences with their detail on some days), her staff reports, the class
//! list and the catalog, stored as the app stores them (one JSON value per op), before and
//! after the phone drops daily checks older than it keeps. Prints one JSON line for
//! `bench/phone-year.mjs`.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use guardpost_domain::changes::{Payload, Replica};
use guardpost_domain::checkins::{Session, SessionCheck, Student, StudentNumber, keeps_daily_from};
use guardpost_domain::school::{ClassId, Role};
use guardpost_domain::sync::segment::Day;
use guardpost_domain::sync::{DeviceId, Hlc, Op, OpId, Seq, Stream};
use guardpost_domain::text::Name;

fn main() -> Result<(), String> {
    let class = ClassId::parse("g1c1").map_err(|e| e.to_string())?;
    let teacher = Name::parse("李红").map_err(|e| e.to_string())?;
    let device = DeviceId::parse("phone-year-0001").map_err(|e| e.to_string())?;
    let mut replica = Replica::new(
        device.clone(),
        teacher.clone(),
        &[Stream::Health, Stream::Supplies],
        Day::try_from(20260801).map_err(|e| e.to_string())?,
    );
    let mut k: u16 = 0;
    let mut seq = 1u32;
    let mut add = |replica: &mut Replica, payload: Payload, wall: u64| -> Result<(), String> {
        if k == 500 {
            k = 0;
            seq += 1;
        }
        let id = OpId {
            device: device.clone(),
            stream: if matches!(payload, Payload::SupplyItem(_)) {
                Stream::Supplies
            } else {
                Stream::Health
            },
            seq: Seq::new(seq).map_err(|e| e.to_string())?,
            k,
        };
        k += 1;
        replica.ops.insert(
            id.clone(),
            Op {
                id,
                hlc: Hlc { wall, counter: 0 },
                by: teacher.clone(),
                payload,
            },
        );
        Ok(())
    };
    for i in 0..45u32 {
        let student = Student::new(
            class.clone(),
            Name::parse(&format!("学生{i}")).map_err(|e| e.to_string())?,
            StudentNumber::parse(&format!("2026{:03}", i + 1)).map_err(|e| e.to_string())?,
            false,
        );
        add(&mut replica, Payload::Student(student), 1)?;
    }
    for item in guardpost_domain::supplies::starter_catalog() {
        add(&mut replica, Payload::SupplyItem(item), 1)?;
    }
    // 180 school days from 1 September (weekdays), three checks a day.
    let mut day = NaiveDate::from_ymd_opt(2026, 9, 1).ok_or("date")?;
    let mut days = 0;
    while days < 180 {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            for session in [Session::Morning, Session::Noon, Session::Evening] {
                let check = SessionCheck {
                    class: class.clone(),
                    date: day,
                    session,
                    present: 44,
                    absent: 1,
                    fever: 0,
                    absences: vec![],
                    readings: vec![],
                };
                add(&mut replica, Payload::SessionCheck(check), 1)?;
            }
            days += 1;
        }
        day += Duration::days(1);
    }
    let size = |r: &Replica| -> usize {
        r.ops
            .values()
            .map(|op| serde_json::to_string(op).map(|s| s.len()).unwrap_or(0))
            .sum::<usize>()
            + serde_json::to_string(r).map(|s| s.len()).unwrap_or(0)
    };
    let before = (replica.ops.len(), size(&replica));
    let today = day;
    let keep_from = keeps_daily_from(Role::Teacher, today).ok_or("teachers keep recent days")?;
    let dropped = replica.drop_daily_before(keep_from).len();
    let after = (replica.ops.len(), size(&replica));
    println!(
        "{}",
        serde_json::json!({
            "school_days": days,
            "ops_before": before.0,
            "bytes_before": before.1,
            "ops_after": after.0,
            "bytes_after": after.1,
            "dropped": dropped,
            "keeps_days": guardpost_domain::checkins::TEACHER_KEEPS_DAYS,
        })
    );
    Ok(())
}
