//! The school as a tenant: its id, name, time zone, classes and staff.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::{Name, TextError};

mod class;
mod settings;

pub use class::{ClassId, ClassIdError};
pub use settings::CheckinSettings;

/// Why a school's identity or settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SchoolError {
    #[error("a school id is 2 to 32 characters of a-z, 0-9 and '-', starting with a letter")]
    BadId,
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Id(#[from] ClassIdError),
    #[error("a staff id is 1 to 16 characters of a-z and 0-9")]
    BadStaffId,
    #[error("class id {0:?} appears twice")]
    DuplicateClass(String),
    #[error("staff id {0:?} appears twice")]
    DuplicateStaff(String),
    #[error("staff member {name} teaches unknown class {class:?}")]
    UnknownClass { name: String, class: String },
    #[error("only teachers are class teachers; {0} is not a teacher")]
    ClassesOfNonTeacher(String),
    #[error("a school has at most {max} {what}")]
    TooMany { what: &'static str, max: usize },
    #[error("a class has at most {max} students", max = ClassGroup::MAX_STUDENTS)]
    TooManyStudents,
}

/// The school's tenant id: every KV key of the school starts with `v1/{id}/`, so the id is
/// restricted to characters that can never form another prefix or a path trick.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolId(String);

impl SchoolId {
    pub fn parse(raw: &str) -> Result<Self, SchoolError> {
        let ok_len = (2..=32).contains(&raw.len());
        let starts_with_letter = raw.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok_len && starts_with_letter && ok_chars {
            Ok(Self(raw.to_owned()))
        } else {
            Err(SchoolError::BadId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(SchoolId, SchoolError);

/// The IANA time zone the school keeps its days in: a "school day", a report deadline and
/// every date shown to a person are read in this zone, never in the device's or server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolTimeZone(Tz);

impl SchoolTimeZone {
    pub fn parse(raw: &str) -> Result<Self, SchoolError> {
        Tz::from_str(raw)
            .map(Self)
            .map_err(|_| SchoolError::UnknownTimeZone(raw.to_owned()))
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    /// Formats an instant as the school's local date and time, `YYYY-MM-DD HH:MM`.
    pub fn local_minute(self, at: DateTime<Utc>) -> String {
        minute_text(at.with_timezone(&self.0).naive_local(), ' ')
    }

    /// The school's local date at a Unix-milliseconds instant: which school day it is.
    pub fn date_at_ms(self, ms: u64) -> chrono::NaiveDate {
        let at = i64::try_from(ms)
            .ok()
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or_default();
        at.with_timezone(&self.0).date_naive()
    }

    /// [`Self::local_minute`] of a Unix-milliseconds instant.
    pub fn local_minute_at_ms(self, ms: u64) -> Option<String> {
        let at = DateTime::from_timestamp_millis(i64::try_from(ms).ok()?)?;
        Some(self.local_minute(at))
    }

    /// The instant (Unix ms) of a local time typed in the school's zone, `YYYY-MM-DDTHH:MM`
    /// (a `datetime-local` field); None if it is not one, or falls in a clock change's gap.
    pub fn ms_of_local(self, raw: &str) -> Option<u64> {
        use chrono::TimeZone;
        let local = crate::dates::parse_minute(raw.trim())?;
        let at = self.0.from_local_datetime(&local).earliest()?;
        u64::try_from(at.timestamp_millis()).ok()
    }

    /// An instant as a `datetime-local` field shows it in the school's zone.
    pub fn local_field_at_ms(self, ms: u64) -> Option<String> {
        let at = DateTime::from_timestamp_millis(i64::try_from(ms).ok()?)?;
        Some(minute_text(at.with_timezone(&self.0).naive_local(), 'T'))
    }

    /// The school's local calendar date of an instant, `YYYY-MM-DD`.
    pub fn local_date(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0).date_naive().to_string()
    }
}

/// `YYYY-MM-DD`, `between`, `HH:MM`. Written out rather than through chrono's `format`, whose
/// pattern interpreter would be in a teacher's download for these alone.
fn minute_text(at: chrono::NaiveDateTime, between: char) -> String {
    use chrono::Timelike;
    format!("{}{between}{:02}:{:02}", at.date(), at.hour(), at.minute())
}

impl Default for SchoolTimeZone {
    fn default() -> Self {
        Self(chrono_tz::Asia::Shanghai)
    }
}

impl TryFrom<String> for SchoolTimeZone {
    type Error = SchoolError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SchoolTimeZone> for String {
    fn from(value: SchoolTimeZone) -> Self {
        value.0.name().to_owned()
    }
}

/// A teaching class (班级), e.g. "三年级二班".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassGroup {
    /// Stable short id used in keys and scopes, e.g. `g3c2`.
    pub id: ClassId,
    pub name: Name,
    /// Number of students, used for supply norms and reporting completeness.
    pub students: u16,
    /// Whether the class boards, and so has an evening check (晚检).
    pub boarding: bool,
}

impl ClassGroup {
    pub const MAX_STUDENTS: u16 = 200;
}

/// A member of staff's stable id in the directory (`s7`): device grants name it, so renaming
/// a person or changing their classes takes effect on their devices at once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StaffId(String);

impl StaffId {
    pub fn parse(raw: &str) -> Result<Self, SchoolError> {
        if (1..=16).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            Ok(Self(raw.to_owned()))
        } else {
            Err(SchoolError::BadStaffId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(StaffId, SchoolError);

/// What a member of staff is trusted to do; see DESIGN.md "Accounts and roles".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Prevention office (领导小组办公室): directory, approvals, settings.
    Admin,
    /// School doctor (校医): follow-up and return certificates.
    Health,
    /// Logistics office (总务处): supplies and drills.
    Logistics,
    /// Class teacher (班主任): check-ins of their own classes.
    Teacher,
}

/// The first day of the school year `date` falls in: 1 August, so the summer before term
/// (September) belongs to the coming year and late corrections of July to the one ending.
pub fn school_year_start(date: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let year = if date.month() >= 8 {
        date.year()
    } else {
        date.year() - 1
    };
    chrono::NaiveDate::from_ymd_opt(year, 8, 1).unwrap_or(date)
}

impl Role {
    /// Sees every class's health records and the school's day (the office and the doctor);
    /// a teacher sees their own classes, logistics none.
    pub fn sees_whole_school(self) -> bool {
        matches!(self, Role::Admin | Role::Health)
    }

    /// Sees the school's class list with head counts: the office and the doctor, and the
    /// logistics office, whose reserves and class kits are counted from it.
    pub fn sees_class_list(self) -> bool {
        matches!(self, Role::Admin | Role::Health | Role::Logistics)
    }

    /// Which build of the app this person's device loads. A class teacher's phone on one bar
    /// of signal must not wait for the office's screens (the directory, the school's day,
    /// and the ledgers to come) before her first check; the office's devices load everything.
    pub fn app_build(self) -> AppBuild {
        match self {
            Role::Teacher => AppBuild::Class,
            Role::Admin | Role::Health | Role::Logistics => AppBuild::Office,
        }
    }
}

/// The two builds of the app: the class teacher's (Today, check-ins, roster, sync) and the
/// office's, which holds every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppBuild {
    Class,
    Office,
}

impl AppBuild {
    /// The name the page's loader reads back from the device's storage.
    pub fn as_str(self) -> &'static str {
        match self {
            AppBuild::Class => "class",
            AppBuild::Office => "office",
        }
    }
}

/// A member of staff in the school's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffMember {
    pub id: StaffId,
    pub name: Name,
    pub role: Role,
    /// Class ids this person is class teacher of; empty for other roles.
    #[serde(default)]
    pub classes: Vec<ClassId>,
}

/// `GET /api/v1/school`: what anyone may know about the school without logging in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSummary {
    pub id: SchoolId,
    pub name: Name,
    pub timezone: SchoolTimeZone,
}

/// Everything that identifies a school and its people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolProfile {
    pub id: SchoolId,
    pub name: Name,
    pub timezone: SchoolTimeZone,
    /// Bumped by every directory change, so two admins editing at once can't overwrite each
    /// other unseen.
    #[serde(default)]
    pub revision: u64,
    /// The highest `s{n}` staff number and `c{n}` class number ever issued: a removed
    /// person's id is never given to someone else, so their devices, invites and history
    /// can't pass to a newcomer.
    #[serde(default)]
    pub staff_seq: u32,
    #[serde(default)]
    pub class_seq: u32,
    /// When each check is due and when a class is flagged.
    #[serde(default)]
    pub checkins: CheckinSettings,
    pub classes: Vec<ClassGroup>,
    pub staff: Vec<StaffMember>,
}

/// The number of an issued id (`s7` → 7 for prefix `s`).
pub fn issued_number(id: &str, prefix: char) -> Option<u32> {
    let digits = id.strip_prefix(prefix)?;
    if digits.starts_with('0') {
        return None;
    }
    digits.parse().ok()
}

impl SchoolProfile {
    pub const MAX_CLASSES: usize = 300;
    pub const MAX_STAFF: usize = 600;

    /// Checks the cross-field rules that single fields can't: sizes, unique ids, and every
    /// class teacher is a teacher of classes that exist.
    pub fn validate(&self) -> Result<(), SchoolError> {
        if self.classes.len() > Self::MAX_CLASSES {
            return Err(SchoolError::TooMany {
                what: "classes",
                max: Self::MAX_CLASSES,
            });
        }
        if self.staff.len() > Self::MAX_STAFF {
            return Err(SchoolError::TooMany {
                what: "staff",
                max: Self::MAX_STAFF,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for class in &self.classes {
            if !seen.insert(&class.id) {
                return Err(SchoolError::DuplicateClass(class.id.to_string()));
            }
            if class.students > ClassGroup::MAX_STUDENTS {
                return Err(SchoolError::TooManyStudents);
            }
        }
        let mut staff_ids = std::collections::BTreeSet::new();
        for member in &self.staff {
            if !staff_ids.insert(&member.id) {
                return Err(SchoolError::DuplicateStaff(member.id.to_string()));
            }
            if member.role != Role::Teacher && !member.classes.is_empty() {
                return Err(SchoolError::ClassesOfNonTeacher(member.name.to_string()));
            }
            if let Some(class) = member.classes.iter().find(|c| !seen.contains(c)) {
                return Err(SchoolError::UnknownClass {
                    name: member.name.to_string(),
                    class: class.to_string(),
                });
            }
        }
        Ok(())
    }

    pub fn staff_member(&self, id: &StaffId) -> Option<&StaffMember> {
        self.staff.iter().find(|m| &m.id == id)
    }

    pub fn class(&self, id: &ClassId) -> Option<&ClassGroup> {
        self.classes.iter().find(|c| &c.id == id)
    }

    /// The highest staff number issued so far, counting ids from before the counter.
    pub fn staff_high_water(&self) -> u32 {
        self.staff
            .iter()
            .filter_map(|m| issued_number(m.id.as_str(), 's'))
            .fold(self.staff_seq, u32::max)
    }

    /// The highest class number issued so far, counting ids from before the counter.
    pub fn class_high_water(&self) -> u32 {
        self.classes
            .iter()
            .filter_map(|c| issued_number(c.id.as_str(), 'c'))
            .fold(self.class_seq, u32::max)
    }

    /// The id the next new person gets: `s` and a number never issued before.
    pub fn next_staff_id(&self) -> StaffId {
        StaffId(format!("s{}", self.staff_high_water().saturating_add(1)))
    }

    /// The id the next new class gets: `c` and a number never issued before.
    pub fn next_class_id(&self) -> ClassId {
        ClassId::parse(&format!("c{}", self.class_high_water().saturating_add(1)))
            .unwrap_or_else(|_| unreachable!("c + digits"))
    }

    /// What anyone may know about the school without logging in.
    pub fn summary(&self) -> SchoolSummary {
        SchoolSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            timezone: self.timezone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_school_year_starts_on_the_first_of_august() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(school_year_start(d(2026, 11, 30)), d(2026, 8, 1));
        assert_eq!(school_year_start(d(2026, 8, 1)), d(2026, 8, 1));
        assert_eq!(school_year_start(d(2027, 7, 31)), d(2026, 8, 1));
    }

    #[test]
    fn only_class_teachers_load_the_class_build() {
        assert_eq!(Role::Teacher.app_build(), AppBuild::Class);
        for role in [Role::Admin, Role::Health, Role::Logistics] {
            // Whoever sees the whole school needs the office's screens to see it.
            assert_eq!(role.app_build(), AppBuild::Office, "{role:?}");
        }
        assert_ne!(AppBuild::Class.as_str(), AppBuild::Office.as_str());
    }

    #[test]
    fn the_office_and_the_doctor_see_the_whole_school() {
        assert!(Role::Admin.sees_whole_school() && Role::Health.sees_whole_school());
        assert!(!Role::Teacher.sees_whole_school() && !Role::Logistics.sees_whole_school());
    }
    use chrono::TimeZone;

    #[test]
    fn school_ids() {
        assert!(SchoolId::parse("demo").is_ok());
        assert!(SchoolId::parse("chengguan-no1").is_ok());
        for bad in [
            "",
            "a",
            "Demo",
            "1demo",
            "de/mo",
            "de mo",
            "demo.",
            &"a".repeat(33),
        ] {
            assert_eq!(SchoolId::parse(bad), Err(SchoolError::BadId), "{bad:?}");
        }
    }

    #[test]
    fn time_zone_formats_in_school_local_time() {
        let tz = SchoolTimeZone::parse("Asia/Shanghai").unwrap_or_default();
        // 16:30 UTC is already the next morning in Shanghai.
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 16, 30, 0).single();
        let at = at.unwrap_or_default();
        assert_eq!(tz.local_minute(at), "2026-11-24 00:30");
        assert_eq!(tz.local_date(at), "2026-11-24");
        assert!(SchoolTimeZone::parse("Mars/Olympus").is_err());
        let ms = u64::try_from(at.timestamp_millis()).unwrap();
        assert_eq!(tz.date_at_ms(ms).to_string(), "2026-11-24");
        assert_eq!(
            tz.local_minute_at_ms(ms).as_deref(),
            Some("2026-11-24 00:30")
        );
        assert_eq!(String::from(tz), "Asia/Shanghai");
    }

    #[test]
    fn fresh_ids_are_unused() {
        let school = crate::demo::school();
        let staff = school.next_staff_id();
        assert!(school.staff_member(&staff).is_none());
        let class = school.next_class_id();
        assert!(school.class(&class).is_none());
        assert!(StaffId::parse("S1").is_err());
        assert!(StaffId::parse("").is_err());
    }

    #[test]
    fn profile_validation() {
        let mut school = crate::demo::school();
        assert_eq!(school.validate(), Ok(()));
        school.staff[0]
            .classes
            .push(ClassId::parse("nope").unwrap());
        assert!(matches!(
            school.validate(),
            Err(SchoolError::UnknownClass { .. })
        ));
        let mut school = crate::demo::school();
        let first = school.classes[0].clone();
        school.classes.push(first);
        assert!(matches!(
            school.validate(),
            Err(SchoolError::DuplicateClass(_))
        ));
    }
}
