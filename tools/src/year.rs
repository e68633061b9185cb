//! A whole school year gone by, at the size issue 17 names: 1,000 students in 30 classes
//! (`c00`..`c29`), 180 school days of three checks a class, each pushed on its own, and
//! 5,000 stock movements, ending on a given day. For the first-sync bench: its directory
//! must list the classes ([`classes`]).

use chrono::{Datelike, NaiveDate, Weekday};
use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::{Session, SessionCheck, Student, StudentNumber};
use guardpost_domain::school::{ClassGroup, ClassId, Role, StaffId};
use guardpost_domain::supplies::{LotRef, StockMovement, Variance, Zone};
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::auth::DeviceGrant;
use guardpost_domain::text::Name;

use crate::term::morning_ms;
use crate::{KvEntry, segment_entry};

pub const CLASSES: usize = 30;
pub const STUDENTS_PER_CLASS: usize = 34;
pub const SCHOOL_DAYS: usize = 180;
pub const MOVEMENTS: usize = 5_000;

/// The year's classes, as the school's directory lists them.
pub fn classes() -> Result<Vec<ClassGroup>, String> {
    (0..CLASSES)
        .map(|c| {
            Ok(ClassGroup {
                id: ClassId::parse(&format!("c{c:02}")).map_err(|e| e.to_string())?,
                name: Name::parse(&format!("{}年级{}班", c / 5 + 1, c % 5 + 1))
                    .map_err(|e| e.to_string())?,
                students: STUDENTS_PER_CLASS as u16,
                boarding: c % 10 == 0,
            })
        })
        .collect()
}

fn grant(id: &str, staff: &str, role: Role, classes: Vec<ClassId>) -> Result<DeviceGrant, String> {
    let staff = StaffId::parse(staff).map_err(|e| e.to_string())?;
    let name = Name::parse(id).map_err(|e| e.to_string())?;
    crate::writer(id, staff, name, role, classes)
}

/// The year's school days (weekdays), the last on `last`, oldest first.
fn school_days(last: NaiveDate) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = last
        .iter_days()
        .rev()
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .take(SCHOOL_DAYS)
        .collect();
    days.reverse();
    days
}

/// The year's segments, each under the day it was received.
pub fn year(last: NaiveDate) -> Result<Vec<KvEntry>, String> {
    let days = school_days(last);
    let first = *days.first().ok_or("no school days")?;
    let classes = classes()?;
    let mut entries = Vec::new();

    let admin = grant("year-admin", "yadmin", Role::Admin, vec![])?;
    let mut students = Vec::new();
    for class in &classes {
        for i in 0..STUDENTS_PER_CLASS {
            students.push(Payload::Student(Student::new(
                class.id.clone(),
                Name::parse(&format!("{}学生{i}", class.name)).map_err(|e| e.to_string())?,
                StudentNumber::parse(&format!(
                    "2026{}{i:02}",
                    class.id.as_str().trim_start_matches('c')
                ))
                .map_err(|e| e.to_string())?,
                class.boarding,
            )));
        }
    }
    for (seq, part) in students.chunks(500).enumerate() {
        let at = morning_ms(first)? + seq as u64;
        let (entry, _) = segment_entry(&admin, Stream::Health, seq as u32 + 1, at, part.to_vec())?;
        entries.push(entry);
    }

    let logistics = grant("year-logistics", "ylogistics", Role::Logistics, vec![])?;
    let per_day = MOVEMENTS.div_ceil(SCHOOL_DAYS);
    let mut made = 0;
    for (d, date) in days.iter().enumerate() {
        let n = per_day.min(MOVEMENTS - made);
        if n == 0 {
            break;
        }
        let movements = (0..n)
            .map(|i| {
                Ok(Payload::StockMovement(StockMovement::adjustment(
                    LotRef::new("masks", "L1", None).map_err(|e| e.to_string())?,
                    Zone::parse("A区").map_err(|e| e.to_string())?,
                    u32::try_from(i + 1).map_err(|e| e.to_string())?,
                    false,
                    Variance::Miscounted,
                )))
            })
            .collect::<Result<Vec<_>, String>>()?;
        made += n;
        let at = morning_ms(*date)? + 2 * 3_600_000;
        let (entry, _) = segment_entry(&logistics, Stream::Supplies, d as u32 + 1, at, movements)?;
        entries.push(entry);
    }

    for (c, class) in classes.iter().enumerate() {
        let teacher = grant(
            &format!("year-teacher-{c:02}"),
            &format!("yt{c:02}"),
            Role::Teacher,
            vec![class.id.clone()],
        )?;
        let mut seq = 0;
        for date in &days {
            for (s, session) in [Session::Morning, Session::Noon, Session::Evening]
                .into_iter()
                .enumerate()
            {
                seq += 1;
                let check = Payload::SessionCheck(SessionCheck {
                    class: class.id.clone(),
                    date: *date,
                    session,
                    present: class.students - 1,
                    absent: 1,
                    fever: 0,
                    absences: vec![],
                    readings: vec![],
                });
                let at = morning_ms(*date)? + s as u64 * 4 * 3_600_000 + c as u64 * 1_000;
                let (entry, _) = segment_entry(&teacher, Stream::Health, seq, at, vec![check])?;
                entries.push(entry);
            }
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_every_segment_it_says_all_accepted() {
        let last = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let entries = year(last).unwrap_or_default();
        // 1,020 students in 3 segments, 5,000 movements in 179, 30 × 180 × 3 checks.
        assert_eq!(entries.len(), 3 + 179 + CLASSES * SCHOOL_DAYS * 3);
        assert!(entries[0].key.starts_with("v1/demo/seg/2026"));
        assert!(
            entries
                .iter()
                .any(|e| e.key.starts_with("v1/demo/seg/20261127/"))
        );
    }
}
