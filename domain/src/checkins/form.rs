//! The class teacher's check as it is marked on the phone, turned into the report that is
//! filed; what the one-tap zero report may do once a session has a report; the earlier
//! session's absences offered at the next check; and the checks of the day already missed.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::status::{self, Slot, Standing};
use super::temperature::TemperatureError;
use super::{Absence, AbsenceCause, CheckinSettings, Reading, Student, StudentId, Temperature};
use super::{Session, SessionCheck};
use crate::school::ClassId;
use crate::school::{ClassGroup, SchoolTimeZone};
use crate::text::Name;

/// How many students a session counts: the roster's (boarders only in the evening), or the
/// directory's head count while the class has no roster.
pub fn expected(roster: &[Student], head_count: u16, session: Session) -> u16 {
    if roster.is_empty() {
        return head_count;
    }
    let n = roster
        .iter()
        .filter(|s| session != Session::Evening || s.boarder)
        .count();
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// One student's marks on the form: absent (with why) or not, and the temperature as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mark {
    pub absent: Option<AbsenceCause>,
    pub temperature: String,
}

impl Mark {
    /// Whether the teacher entered anything for the student: an absence or a temperature.
    pub fn is_entered(&self) -> bool {
        self.absent.is_some() || !self.temperature.trim().is_empty()
    }
}

/// Why the form can't be filed as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub student: Name,
    pub problem: TemperatureError,
}

/// The report of a detailed check. A temperature typed for a student who is then marked
/// absent is kept: a reading taken before a child was sent home is evidence for the doctor,
/// and it counts among the session's fevers.
pub fn check_from_marks(
    class: &ClassId,
    date: NaiveDate,
    session: Session,
    roster: &[Student],
    marks: &BTreeMap<StudentId, Mark>,
) -> Result<SessionCheck, FormError> {
    let mut check = SessionCheck::all_well(class.clone(), date, session, 0);
    let in_session = roster
        .iter()
        .filter(|s| session != Session::Evening || s.boarder);
    for student in in_session {
        let Some(mark) = marks.get(&student.id) else {
            continue;
        };
        if let Some(cause) = &mark.absent {
            check.absences.push(Absence {
                student: student.id.clone(),
                cause: cause.clone(),
            });
        }
        if !mark.temperature.trim().is_empty() {
            let temperature =
                Temperature::parse(&mark.temperature).map_err(|problem| FormError {
                    student: student.name.clone(),
                    problem,
                })?;
            check.readings.push(Reading {
                student: student.id.clone(),
                temperature,
            });
        }
    }
    let count = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    check.absent = count(check.absences.len());
    check.present = expected(roster, 0, session).saturating_sub(check.absent);
    check.fever = count(
        check
            .readings
            .iter()
            .filter(|r| r.temperature.is_fever())
            .count(),
    );
    Ok(check)
}

/// The numbers of a report, to name what a new one would replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub present: u16,
    pub absent: u16,
    pub fever: u16,
    /// When it was written (device clock).
    pub at_ms: u64,
}

impl Summary {
    pub fn of(standing: &Standing<'_>) -> Self {
        Self {
            present: standing.check.present,
            absent: standing.check.absent,
            fever: standing.check.fever,
            at_ms: standing.at_ms,
        }
    }
}

/// What the one-tap "all present and well" button may do for a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneTap {
    /// No report yet: one tap files the zero report of `present` students.
    File { present: u16 },
    /// The session already has the zero report: nothing to tap.
    AlreadyFiled,
    /// The session has a detailed report: a tap only asks, naming what would be replaced.
    AskFirst { present: u16, replaces: Summary },
    /// The form below holds what the teacher entered for `entered` students: a tap would
    /// report the class all present and well and drop it, so the form's own save reports.
    UseTheForm { entered: usize },
}

impl OneTap {
    /// The button beside a form holding `marks`: none to tap while anything is entered.
    pub fn beside(self, marks: impl IntoIterator<Item = impl std::borrow::Borrow<Mark>>) -> OneTap {
        let entered = marks
            .into_iter()
            .filter(|m| m.borrow().is_entered())
            .count();
        match self {
            OneTap::File { .. } | OneTap::AskFirst { .. } if entered > 0 => {
                OneTap::UseTheForm { entered }
            }
            other => other,
        }
    }
}

pub fn one_tap(standing: Option<&Standing<'_>>, present: u16) -> OneTap {
    match standing {
        None => OneTap::File { present },
        Some(s) if is_zero_report(s.check) && s.check.present == present => OneTap::AlreadyFiled,
        Some(s) => OneTap::AskFirst {
            present,
            replaces: Summary::of(s),
        },
    }
}

fn is_zero_report(check: &SessionCheck) -> bool {
    check.absent == 0 && check.fever == 0 && check.absences.is_empty() && check.readings.is_empty()
}

/// The absences of the day's latest earlier session with a report, offered when a later
/// session is checked: a child sent home in the morning is usually still away at noon, but
/// only the teacher can say so.
pub fn earlier_absences<'a>(
    standing: &'a BTreeMap<(ClassId, NaiveDate, Session), Standing<'a>>,
    class: &ClassId,
    date: NaiveDate,
    session: Session,
) -> Option<(Session, &'a [Absence])> {
    [Session::Evening, Session::Noon, Session::Morning]
        .into_iter()
        .filter(|earlier| *earlier < session)
        .find_map(|earlier| {
            standing
                .get(&(class.clone(), date, earlier))
                .map(|s| (earlier, s.check.absences.as_slice()))
        })
        .filter(|(_, absences)| !absences.is_empty())
}

/// The class's checks of `date` whose deadline has passed with no report, with the deadline.
pub fn missed(
    class: &ClassGroup,
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
    date: NaiveDate,
    now_ms: u64,
    standing: &BTreeMap<(ClassId, NaiveDate, Session), Standing<'_>>,
) -> Vec<(Session, u64)> {
    let day = status::day_status(
        std::slice::from_ref(class),
        settings,
        tz,
        date,
        now_ms,
        standing,
    );
    let Some(row) = day.classes.first() else {
        return Vec::new();
    };
    [Session::Morning, Session::Noon, Session::Evening]
        .into_iter()
        .zip(row.slots)
        .filter(|(_, slot)| *slot == Slot::Missing)
        .map(|(session, _)| (session, status::deadline_ms(settings, tz, date, session)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkins::Entry;
    use crate::checkins::Symptom;
    use crate::checkins::roster::StudentNumber;
    use crate::checkins::status::{cases, day_status, standing};
    use crate::checkins::testing::Payload;
    use crate::sync::hlc::Hlc;

    fn class() -> ClassId {
        ClassId::parse("g1c1").unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn roster(n: usize) -> Vec<Student> {
        (1..=n)
            .map(|i| {
                Student::new(
                    class(),
                    Name::parse(&format!("学生{i}")).unwrap(),
                    StudentNumber::parse(&format!("{i:02}")).unwrap(),
                    i % 2 == 0,
                )
            })
            .collect()
    }

    fn ill(symptoms: &[Symptom]) -> Option<AbsenceCause> {
        Some(AbsenceCause::Illness {
            symptoms: symptoms.to_vec(),
        })
    }

    fn entry(ms: u64, payload: &Payload) -> Entry<'_> {
        Entry {
            hlc: Hlc {
                wall: ms,
                counter: 0,
            },
            payload,
        }
    }

    #[test]
    fn a_temperature_taken_before_a_student_was_sent_home_is_kept_and_counted() {
        let students = roster(8);
        let mut marks = BTreeMap::new();
        marks.insert(
            students[2].id.clone(),
            Mark {
                absent: ill(&[Symptom::Cough]),
                temperature: "38.5".into(),
            },
        );
        marks.insert(
            students[3].id.clone(),
            Mark {
                absent: None,
                temperature: "36.6".into(),
            },
        );
        let check = check_from_marks(&class(), day(), Session::Morning, &students, &marks).unwrap();
        assert_eq!((check.present, check.absent, check.fever), (7, 1, 1));
        assert_eq!(check.readings.len(), 2);
        let payload = Payload::SessionCheck(check);
        payload.validate(&crate::sync::Stream::Health).unwrap();

        // The doctor's day counts the fever, and the case has both the cough and the reading.
        let entries = [entry(1, &payload)];
        let held = standing(entries.iter().copied());
        let classes = crate::demo::school().classes;
        let status = day_status(
            &classes,
            &CheckinSettings::default(),
            SchoolTimeZone::default(),
            day(),
            0,
            &held,
        );
        assert_eq!(status.fever, 1);
        let case = &cases(&held, entries.iter().copied())[0];
        assert_eq!(case.student, students[2].id);
        assert!(case.symptoms.contains(&Symptom::Cough) && case.symptoms.contains(&Symptom::Fever));
        assert_eq!(case.readings.len(), 1);
        assert_eq!(case.readings[0].2.tenths(), 385);
    }

    #[test]
    fn a_bad_temperature_names_the_student_even_when_absent() {
        let students = roster(3);
        let mut marks = BTreeMap::new();
        marks.insert(
            students[0].id.clone(),
            Mark {
                absent: ill(&[]),
                temperature: "45".into(),
            },
        );
        let err = check_from_marks(&class(), day(), Session::Noon, &students, &marks).unwrap_err();
        assert_eq!(err.student.as_str(), "学生1");
        assert_eq!(err.problem, TemperatureError::OutOfRange);
    }

    #[test]
    fn the_evening_check_counts_boarders_only() {
        let students = roster(8);
        let check = check_from_marks(
            &class(),
            day(),
            Session::Evening,
            &students,
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(check.present, 4);
        assert_eq!(expected(&[], 40, Session::Morning), 40);
    }

    #[test]
    fn the_one_tap_never_replaces_a_detailed_report_unasked() {
        let zero =
            Payload::SessionCheck(SessionCheck::all_well(class(), day(), Session::Morning, 8));
        let mut detailed = SessionCheck::all_well(class(), day(), Session::Morning, 7);
        detailed.absent = 1;
        let detailed = Payload::SessionCheck(detailed);
        assert_eq!(one_tap(None, 8), OneTap::File { present: 8 });
        let held = standing([entry(5, &zero)]);
        assert_eq!(one_tap(held.values().next(), 8), OneTap::AlreadyFiled);
        let held = standing([entry(5, &zero), entry(9, &detailed)]);
        assert_eq!(
            one_tap(held.values().next(), 8),
            OneTap::AskFirst {
                present: 8,
                replaces: Summary {
                    present: 7,
                    absent: 1,
                    fever: 0,
                    at_ms: 9
                }
            }
        );
    }

    #[test]
    fn the_one_tap_is_not_offered_beside_a_form_holding_entries() {
        let blank = Mark::default();
        let absent = Mark {
            absent: Some(AbsenceCause::Personal),
            temperature: String::new(),
        };
        let reading = Mark {
            absent: None,
            temperature: " 38.2 ".into(),
        };
        let spaces = Mark {
            absent: None,
            temperature: "  ".into(),
        };
        let file = OneTap::File { present: 8 };
        // Cleared marks and stray spaces are nothing entered: the tap stays.
        assert_eq!(file.beside([&blank, &spaces]), file);
        assert_eq!(
            file.beside([&blank, &absent, &reading]),
            OneTap::UseTheForm { entered: 2 }
        );
        let ask = OneTap::AskFirst {
            present: 8,
            replaces: Summary {
                present: 7,
                absent: 1,
                fever: 0,
                at_ms: 9,
            },
        };
        assert_eq!(ask.beside([&reading]), OneTap::UseTheForm { entered: 1 });
        assert_eq!(ask.beside(std::iter::empty::<Mark>()), ask);
        // Already filed: there was nothing to tap, and the form's save still reports.
        assert_eq!(OneTap::AlreadyFiled.beside([&absent]), OneTap::AlreadyFiled);
    }

    #[test]
    fn the_mornings_absences_are_offered_at_noon_not_in_the_morning() {
        let students = roster(8);
        let mut marks = BTreeMap::new();
        marks.insert(
            students[0].id.clone(),
            Mark {
                absent: ill(&[Symptom::Fever]),
                temperature: String::new(),
            },
        );
        let morning = Payload::SessionCheck(
            check_from_marks(&class(), day(), Session::Morning, &students, &marks).unwrap(),
        );
        let held = standing([entry(1, &morning)]);
        let (session, absences) = earlier_absences(&held, &class(), day(), Session::Noon).unwrap();
        assert_eq!(session, Session::Morning);
        assert_eq!(absences[0].student, students[0].id);
        assert!(earlier_absences(&held, &class(), day(), Session::Morning).is_none());
        let other_day = day().succ_opt().unwrap();
        assert!(earlier_absences(&held, &class(), other_day, Session::Noon).is_none());
    }

    #[test]
    fn a_missed_morning_check_is_named_with_its_deadline() {
        let settings = CheckinSettings::default();
        let tz = SchoolTimeZone::default();
        let group = crate::demo::school()
            .classes
            .into_iter()
            .find(|c| c.id == class())
            .unwrap();
        let morning_due = status::deadline_ms(&settings, tz, day(), Session::Morning);
        let none = BTreeMap::new();
        assert!(missed(&group, &settings, tz, day(), morning_due, &none).is_empty());
        assert_eq!(
            missed(&group, &settings, tz, day(), morning_due + 1, &none),
            vec![(Session::Morning, morning_due)]
        );
        let report =
            Payload::SessionCheck(SessionCheck::all_well(class(), day(), Session::Morning, 8));
        let held = standing([entry(morning_due + 60_000, &report)]);
        assert!(missed(&group, &settings, tz, day(), morning_due + 120_000, &held).is_empty());
    }
}
