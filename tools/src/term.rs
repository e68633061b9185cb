//! A term gone by, as the Worker would have stored it, for the tests and benches of a school
//! that has been running for months: its segments sit under the days they were received,
//! which a live server can't produce (it stamps today).

use chrono::{Datelike, NaiveDate, TimeZone, Utc, Weekday};
use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::{Session, SessionCheck, Student, StudentNumber};
use guardpost_domain::demo;
use guardpost_domain::school::{ClassId, Role};
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::auth::DeviceGrant;
use guardpost_domain::text::Name;

use crate::{KvEntry, segment_entry};

/// The names the term's class lists give: distinct from the demo's own roster, so a test can
/// tell they came from the term's first day.
pub const GIVEN: [&str; 4] = ["秋实", "秋雨", "秋阳", "秋月"];

/// The demo school's term from `first` to `last` (school dates): on the first day the office
/// imported each class's list (four students a class) and logistics received two lots of
/// masks; every weekday after, each class's teacher filed the morning check. Each writer is
/// a device of its own, numbering its segments from 1.
pub fn demo_term(first: NaiveDate, last: NaiveDate) -> Result<Vec<KvEntry>, String> {
    let school = demo::school();
    let device = |id: &str, role: Role, classes: Vec<ClassId>| -> Result<DeviceGrant, String> {
        let staff = school
            .staff
            .iter()
            .find(|s| s.role == role && s.classes == classes)
            .ok_or_else(|| format!("the demo has no {role:?} for {classes:?}"))?;
        crate::writer(id, staff.id.clone(), staff.name.clone(), role, classes)
    };
    let mut entries = Vec::new();
    let mut segment =
        |grant: &DeviceGrant, stream, seq, date: NaiveDate, payloads: Vec<Payload>| {
            segment_entry(grant, stream, seq, morning_ms(date)?, payloads)
                .map(|(e, _)| entries.push(e))
        };

    let admin = device("term-admin", Role::Admin, vec![])?;
    let mut students = Vec::new();
    for (c, class) in school.classes.iter().enumerate() {
        for (i, given) in GIVEN.iter().enumerate() {
            let name = Name::parse(&format!("{}{given}", ["周", "吴", "郑", "孙"][c % 4]))
                .map_err(|e| e.to_string())?;
            let number = StudentNumber::parse(&format!("2027{}{:02}", c + 1, i + 1))
                .map_err(|e| e.to_string())?;
            students.push(Payload::Student(Student::new(
                class.id.clone(),
                name,
                number,
                class.boarding,
            )));
        }
    }
    segment(&admin, Stream::Health, 1, first, students)?;

    let logistics = device("term-logistics", Role::Logistics, vec![])?;
    let expires = first + chrono::Duration::days(400);
    let supplies = serde_json::json!([
        { "type": "supply_item", "id": "masks", "name": "医用口罩", "category": "masks", "unit": "只",
          "pack_size": 50, "hazard": "none", "zone": "A区", "reusable": false, "reserve_days": 7 },
        { "type": "stock_movement", "lot": { "item": "masks", "lot": "L-AUTUMN-1", "expires": expires },
          "zone": "A区", "quantity": 500, "what": { "kind": "receipt", "supplier": "县医药公司" } },
        { "type": "stock_movement", "lot": { "item": "masks", "lot": "L-AUTUMN-2", "expires": expires },
          "zone": "A区", "quantity": 300, "what": { "kind": "receipt", "supplier": "县医药公司" } },
    ]);
    let supplies: Vec<Payload> = serde_json::from_value(supplies).map_err(|e| e.to_string())?;
    segment(&logistics, Stream::Supplies, 1, first, supplies)?;

    for (c, class) in school.classes.iter().enumerate() {
        let teacher = device(
            &format!("term-teacher-{c}"),
            Role::Teacher,
            school
                .staff
                .iter()
                .find(|s| s.classes.contains(&class.id))
                .map(|s| s.classes.clone())
                .unwrap_or_default(),
        )?;
        let mut seq = 0;
        let mut date = first;
        while date <= last {
            if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                seq += 1;
                let check = Payload::SessionCheck(SessionCheck {
                    class: class.id.clone(),
                    date,
                    session: Session::Morning,
                    present: class.students.saturating_sub(1),
                    absent: 1,
                    fever: 0,
                    absences: vec![],
                    readings: vec![],
                });
                segment(&teacher, Stream::Health, seq, date, vec![check])?;
            }
            date = date.succ_opt().ok_or("the calendar ended")?;
        }
    }
    Ok(entries)
}

/// 08:00 at the school (UTC+8) on `date`, as Unix milliseconds.
pub(crate) fn morning_ms(date: NaiveDate) -> Result<u64, String> {
    let at = Utc
        .from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .timestamp_millis();
    u64::try_from(at).map_err(|e| e.to_string())
}
