//! The whole school's day, as the office and the school doctor see it.

use chrono::NaiveDate;

use super::DayContext;
use crate::checkins::roster::roster;
use crate::checkins::status::{self, Case, DayCount, DayStatus, Warning};
use crate::checkins::{AsCheckin, Entry, StaffHealth, Student, StudentId, Symptom, Temperature};
use crate::school::ClassId;
use crate::sync::Op;
use crate::sync::wire::ClassRef;
use crate::text::Name;

/// How many days the trend of fevers and illness absences covers, today included.
pub const TREND_DAYS: u32 = 14;

/// The school's day at a glance: every class's checks and the day's counts, the cases still
/// awaiting a return-to-class certificate, the early-warning flags, the trend and staff's
/// own reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchoolDayView {
    /// The grid of classes × sessions, with the day's fevers, illness absences, missing and
    /// late checks.
    pub day: DayStatus,
    /// Cases not yet closed by a certificate, in the order the cases were opened.
    pub open_cases: Vec<OpenCase>,
    pub warnings: Vec<ClassWarning>,
    /// Fevers and illness absences per day for the [`TREND_DAYS`] days up to today.
    pub trend: Vec<DayCount>,
    /// Staff's own reports of today, people with a fever or symptoms first.
    pub staff: Vec<StaffReport>,
}

/// A student's case that a return-to-class certificate has not closed yet, with the names a
/// person reads.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCase {
    pub case: Case,
    /// The student's name, or their id when the roster does not list them (a case opened
    /// from a check written before the roster arrived).
    pub student_name: String,
    /// The class's name, or its id when the directory does not list it.
    pub class_name: String,
    /// The symptoms besides fever: a fever already shows through the case's readings.
    pub other_symptoms: Vec<Symptom>,
}

/// How many open cases the doctor's day lists before she asks for all of them: a normal
/// week's, and few enough that a cheap phone draws them (and their certificate forms) at
/// once in an outbreak.
pub const CASES_LISTED: usize = 30;

/// The open cases a list shows, and how many more it holds back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseList {
    pub shown: Vec<OpenCase>,
    /// Cases matching the search that are not shown until she asks for all.
    pub held_back: usize,
    /// Cases open in all, whatever the search.
    pub open: usize,
}

impl CaseList {
    /// The cases whose student's or class's name holds `search` (every case when it is
    /// blank), in the order they were opened; the first [`CASES_LISTED`] unless `all`.
    pub fn of(cases: &[OpenCase], search: &str, all: bool) -> Self {
        let search = search.trim().to_lowercase();
        let matching: Vec<&OpenCase> = cases
            .iter()
            .filter(|c| {
                search.is_empty()
                    || c.student_name.to_lowercase().contains(&search)
                    || c.class_name.to_lowercase().contains(&search)
            })
            .collect();
        let listed = if all { matching.len() } else { CASES_LISTED };
        CaseList {
            held_back: matching.len().saturating_sub(listed),
            shown: matching.into_iter().take(listed).cloned().collect(),
            open: cases.len(),
        }
    }
}

/// An early-warning flag with the name of the class it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassWarning {
    pub class_name: String,
    pub warning: Warning,
}

/// One member of staff's latest own report of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReport {
    pub name: Name,
    pub health: StaffHealth,
    /// The temperature reported is a fever.
    pub fever: bool,
}

impl SchoolDayView {
    /// Builds the view of `day.date` from every change the device knows: `entries` as
    /// `Replica::entries` lists them (held, then waiting), `ops` the ones the Worker holds
    /// (a member of staff's report is read with its author), `classes` the school's
    /// directory.
    pub fn build<'a, P: AsCheckin + 'a>(
        classes: &[ClassRef],
        day: DayContext<'_>,
        entries: &[Entry<'_, P>],
        ops: impl IntoIterator<Item = &'a Op<P>>,
    ) -> Self {
        let DayContext {
            settings,
            tz,
            date,
            now_ms,
        } = day;
        let groups: Vec<_> = classes.iter().map(ClassRef::group).collect();
        let standing = status::standing(entries.iter().copied());
        let grid = status::day_status(&groups, settings, tz, date, now_ms, &standing);
        let cases = status::cases(&standing, entries.iter().copied());
        let warnings = status::warnings(&grid, &cases, settings);
        let students = roster(entries.iter().copied());
        let class_name = |id: &ClassId| {
            classes
                .iter()
                .find(|c| &c.id == id)
                .map_or_else(|| id.to_string(), |c| c.name.to_string())
        };
        Self {
            open_cases: cases
                .into_iter()
                .filter(Case::is_open)
                .map(|case| OpenCase {
                    student_name: student_name(&students, &case.student),
                    class_name: class_name(&case.class),
                    other_symptoms: case
                        .symptoms
                        .iter()
                        .copied()
                        .filter(|s| *s != Symptom::Fever)
                        .collect(),
                    case,
                })
                .collect(),
            warnings: warnings
                .into_iter()
                .map(|warning| ClassWarning {
                    class_name: class_name(warning.class()),
                    warning,
                })
                .collect(),
            trend: status::trend(&standing, date, TREND_DAYS),
            staff: staff_reports(ops, date),
            day: grid,
        }
    }
}

fn student_name(students: &[Student], id: &StudentId) -> String {
    students
        .iter()
        .find(|s| &s.id == id)
        .map_or_else(|| id.to_string(), |s| s.name.to_string())
}

fn staff_reports<'a, P: AsCheckin + 'a>(
    ops: impl IntoIterator<Item = &'a Op<P>>,
    date: NaiveDate,
) -> Vec<StaffReport> {
    status::staff_day(ops, date)
        .into_iter()
        .map(|(name, health)| StaffReport {
            fever: health.temperature.is_some_and(Temperature::is_fever),
            name,
            health,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Payload;
    use crate::checkins::roster::StudentNumber;
    use crate::checkins::{
        Absence, AbsenceCause, CheckinSettings, Reading, ReturnCertificate, Session, SessionCheck,
    };
    use crate::school::SchoolTimeZone;
    use crate::sync::hlc::Hlc;
    use crate::sync::ids::{DeviceId, OpId, Seq, Stream};

    fn class(id: &str, name: &str) -> ClassRef {
        ClassRef {
            id: ClassId::parse(id).unwrap(),
            name: Name::parse(name).unwrap(),
            students: 30,
            boarding: false,
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn context(settings: &CheckinSettings) -> DayContext<'_> {
        let tz = SchoolTimeZone::default();
        DayContext {
            settings,
            tz,
            date: day(),
            now_ms: status::deadline_ms(settings, tz, day(), Session::Morning) + 1,
        }
    }

    fn entry(ms: u64, payload: &Payload) -> Entry<'_, Payload> {
        Entry {
            hlc: Hlc {
                wall: ms,
                counter: 0,
            },
            payload,
        }
    }

    fn op(k: u16, who: &str, payload: Payload) -> Op<Payload> {
        Op {
            id: OpId {
                device: DeviceId::parse("device-0001").unwrap(),
                stream: Stream::Health,
                seq: Seq::FIRST,
                k,
            },
            hlc: Hlc {
                wall: u64::from(k),
                counter: 0,
            },
            by: Name::parse(who).unwrap(),
            payload,
        }
    }

    fn student(class: &ClassRef, name: &str, number: &str) -> Student {
        Student::new(
            class.id.clone(),
            Name::parse(name).unwrap(),
            StudentNumber::parse(number).unwrap(),
            false,
        )
    }

    /// A morning check of `class` with `ill` absent with a fever and a cough, measured.
    fn feverish_morning(class: &ClassRef, ill: &[StudentId]) -> Payload {
        let absent = u16::try_from(ill.len()).unwrap();
        let mut check = SessionCheck::all_well(class.id.clone(), day(), Session::Morning, 30);
        check.present = 30 - absent;
        check.absent = absent;
        check.fever = absent;
        check.absences = ill
            .iter()
            .map(|s| Absence {
                student: s.clone(),
                cause: AbsenceCause::Illness {
                    symptoms: vec![Symptom::Fever, Symptom::Cough],
                },
            })
            .collect();
        check.readings = ill
            .iter()
            .map(|s| Reading {
                student: s.clone(),
                temperature: Temperature::parse("38.5").unwrap(),
            })
            .collect();
        Payload::SessionCheck(check)
    }

    #[test]
    fn an_open_case_names_the_student_and_class_or_falls_back_to_their_ids() {
        let known = class("g1c1", "一年级1班");
        // Not in the directory the device was given: its case still shows, by id.
        let unlisted = class("g9c9", "九年级9班");
        let listed = student(&known, "王小明", "01");
        let unknown = StudentId::of(&unlisted.id, &StudentNumber::parse("07").unwrap());
        let on_roster = Payload::Student(listed.clone());
        let first = feverish_morning(&known, std::slice::from_ref(&listed.id));
        let second = feverish_morning(&unlisted, std::slice::from_ref(&unknown));
        let entries = [entry(1, &on_roster), entry(2, &first), entry(3, &second)];
        let settings = CheckinSettings::default();
        let view = SchoolDayView::build(
            std::slice::from_ref(&known),
            context(&settings),
            &entries,
            std::iter::empty(),
        );
        let names: Vec<_> = view
            .open_cases
            .iter()
            .map(|c| (c.student_name.as_str(), c.class_name.as_str()))
            .collect();
        assert!(names.contains(&("王小明", "一年级1班")), "{names:?}");
        assert!(
            names.contains(&(unknown.to_string().as_str(), "g9c9")),
            "{names:?}"
        );
        // The fever shows through the readings; the cough is said on its own.
        assert!(
            view.open_cases
                .iter()
                .all(|c| c.other_symptoms == [Symptom::Cough])
        );
        assert_eq!(view.day.fever, 1, "only listed classes are in the grid");
    }

    #[test]
    fn in_an_outbreak_the_first_cases_are_listed_and_a_search_finds_any() {
        let one = class("g1c1", "一年级1班");
        let two = class("g2c1", "二年级1班");
        // 28 ill in each class, the one named 王小明 in the second.
        let ids = |c: &ClassRef| -> Vec<StudentId> {
            (10..38)
                .map(|n| StudentId::of(&c.id, &StudentNumber::parse(&n.to_string()).unwrap()))
                .collect()
        };
        let named = student(&two, "王小明", "37");
        let on_roster = Payload::Student(named.clone());
        let (first, second) = (
            feverish_morning(&one, &ids(&one)),
            feverish_morning(&two, &ids(&two)),
        );
        let entries = [entry(1, &on_roster), entry(2, &first), entry(3, &second)];
        let settings = CheckinSettings::default();
        let view = SchoolDayView::build(
            &[one, two],
            context(&settings),
            &entries,
            std::iter::empty(),
        );
        assert_eq!(view.open_cases.len(), 56);
        let first_look = CaseList::of(&view.open_cases, "", false);
        assert_eq!(first_look.shown.len(), CASES_LISTED);
        assert_eq!(
            (first_look.held_back, first_look.open),
            (56 - CASES_LISTED, 56)
        );
        assert_eq!(first_look.shown[..], view.open_cases[..CASES_LISTED]);
        let all = CaseList::of(&view.open_cases, "", true);
        assert_eq!((all.shown.len(), all.held_back), (56, 0));
        // Her name, part of it, or a class's name, whatever the case is written in.
        let found = CaseList::of(&view.open_cases, " 小明 ", false);
        assert_eq!(found.shown.len(), 1);
        assert_eq!(found.shown[0].student_name, "王小明");
        let class_two = CaseList::of(&view.open_cases, "二年级", false);
        assert_eq!((class_two.shown.len(), class_two.held_back), (28, 0));
        let by_id = CaseList::of(&view.open_cases, "G1C1-1", false);
        assert_eq!(by_id.shown.len(), 10, "g1c1-10 to g1c1-19");
        let none = CaseList::of(&view.open_cases, "李", true);
        assert!(none.shown.is_empty());
        assert_eq!(none.open, 56);
    }

    #[test]
    fn a_certified_case_is_no_longer_open() {
        let known = class("g1c1", "一年级1班");
        let ill = student(&known, "王小明", "01");
        let check = feverish_morning(&known, std::slice::from_ref(&ill.id));
        let certificate = Payload::Certificate(ReturnCertificate {
            student: ill.id.clone(),
            class: known.id.clone(),
            date: day(),
            issuer: Name::parse("区医院").unwrap(),
            note: None,
        });
        let settings = CheckinSettings::default();
        let entries = [entry(2, &check), entry(3, &certificate)];
        let view = SchoolDayView::build(
            std::slice::from_ref(&known),
            context(&settings),
            &entries,
            std::iter::empty(),
        );
        assert!(view.open_cases.is_empty());
        let entries = [entry(2, &check)];
        let view = SchoolDayView::build(&[known], context(&settings), &entries, std::iter::empty());
        assert_eq!(view.open_cases.len(), 1);
    }

    #[test]
    fn a_warning_names_its_class_and_the_trend_covers_two_weeks_to_today() {
        let known = class("g1c1", "一年级1班");
        let ill: Vec<StudentId> = ["01", "02"]
            .iter()
            .map(|n| student(&known, "学生", n).id)
            .collect();
        let check = feverish_morning(&known, &ill);
        let settings = CheckinSettings {
            illness_percent: 5,
            ..CheckinSettings::default()
        };
        let entries = [entry(2, &check)];
        let view = SchoolDayView::build(
            std::slice::from_ref(&known),
            context(&settings),
            &entries,
            std::iter::empty(),
        );
        assert!(view.warnings.iter().any(|w| w.class_name == "一年级1班"
            && matches!(w.warning, Warning::IllnessShare { ill: 2, .. })));
        assert_eq!(view.trend.len(), 14);
        assert_eq!(
            view.trend.first().map(|d| d.date),
            day().checked_sub_days(chrono::Days::new(13))
        );
        assert_eq!(
            view.trend.last().map(|d| (d.date, d.fever, d.illness)),
            Some((day(), 2, 2))
        );
    }

    #[test]
    fn staff_reports_say_who_has_a_fever() {
        let report = |tenths: u16| {
            Payload::StaffHealth(StaffHealth {
                date: day(),
                temperature: Some(Temperature::from_tenths(tenths).unwrap()),
                symptoms: vec![],
            })
        };
        let ops = [op(1, "李红", report(365)), op(2, "王磊", report(385))];
        let settings = CheckinSettings::default();
        let view = SchoolDayView::build::<Payload>(&[], context(&settings), &[], &ops);
        let staff: Vec<_> = view
            .staff
            .iter()
            .map(|s| (s.name.as_str(), s.fever))
            .collect();
        assert_eq!(staff, [("王磊", true), ("李红", false)]);
    }
}
