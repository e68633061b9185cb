//! Each class's students: typed in one by one or imported from a CSV file, with a report of
//! every row refused and why. A student is a record in the class's `health` stream, so only
//! the class teacher, the school doctor and the office see it; the latest write of a student
//! id wins (a correction, or the student leaving, is a later write).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{AsCheckin, Entry, Record};
use crate::refusals::OpInvalid;
use crate::school::{ClassGroup, ClassId};
use crate::sync::hlc::Hlc;
use crate::sync::versions::{self, Unseen};
use crate::text::{Name, TextError};

/// Why a student's identifiers were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StudentError {
    #[error("a student number is 1 to 20 letters and digits")]
    Number,
    #[error("a student id is 1 to 40 characters of a-z, 0-9 and '-'")]
    Id,
}

/// The school's number for a student (学号): 1 to 20 letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StudentNumber(String);

impl StudentNumber {
    pub fn parse(raw: &str) -> Result<Self, StudentError> {
        let raw = raw.trim();
        if (1..=20).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(StudentError::Number)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(StudentNumber, StudentError);

/// A student's stable id: their class and number, so importing the same list twice updates
/// rather than duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StudentId(String);

impl StudentId {
    pub fn parse(raw: &str) -> Result<Self, StudentError> {
        if (1..=40).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            Ok(Self(raw.to_owned()))
        } else {
            Err(StudentError::Id)
        }
    }

    pub fn of(class: &ClassId, number: &StudentNumber) -> Self {
        Self(format!("{class}-{}", number.as_str().to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(StudentId, StudentError);

/// A student on a class's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Student {
    pub id: StudentId,
    pub class: ClassId,
    pub name: Name,
    pub number: StudentNumber,
    /// Boards at school, and so has an evening check.
    #[serde(default)]
    pub boarder: bool,
    /// Left the class; kept so past reports still name them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub left: bool,
    /// The versions this write was made over (see [`crate::sync::versions`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<Hlc>,
}

impl Student {
    pub fn new(class: ClassId, name: Name, number: StudentNumber, boarder: bool) -> Self {
        Self {
            id: StudentId::of(&class, &number),
            class,
            name,
            number,
            boarder,
            left: false,
            replaces: Vec::new(),
        }
    }

    /// Names no more versions than a person's write could have been made over.
    pub fn validate(&self) -> Result<(), OpInvalid> {
        if self.replaces.len() > versions::MAX_REPLACES as usize {
            return Err(OpInvalid::OutOfRange {
                what: "replaces".into(),
                max: versions::MAX_REPLACES,
            });
        }
        Ok(())
    }

    /// The same student as written, whatever each write was made over.
    fn reads_as(&self, other: &Student) -> bool {
        (
            &self.id,
            &self.class,
            &self.name,
            &self.number,
            self.boarder,
            self.left,
        ) == (
            &other.id,
            &other.class,
            &other.name,
            &other.number,
            other.boarder,
            other.left,
        )
    }
}

/// A student written on two devices that had not seen each other's write (a teacher marks a
/// boarder while the doctor corrects the name, both offline): the version kept and those
/// not kept, for someone to choose between. Versions that read the same are not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentConflict {
    pub kept: Unseen<Student>,
    /// Newest first.
    pub not_kept: Vec<Unseen<Student>>,
    replaced: Vec<Hlc>,
}

impl StudentConflict {
    /// `chosen` (one of the versions shown) written over all of them, which then stop being
    /// shown on every device.
    pub fn choose(&self, chosen: &Student) -> Student {
        Student {
            replaces: self.replaced.clone(),
            ..chosen.clone()
        }
    }
}

/// A class's students as the class list page writes them: what a write of each replaces,
/// and the students written on two devices at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterVersions {
    /// By student id.
    replaced: Vec<(StudentId, Vec<Hlc>)>,
    /// By student number.
    pub conflicts: Vec<StudentConflict>,
}

impl RosterVersions {
    /// From changes in any order, for `class`'s students.
    pub fn of<'a, P: AsCheckin + ?Sized + 'a>(
        changes: impl IntoIterator<Item = (Hlc, &'a Name, &'a P)>,
        class: &ClassId,
    ) -> Self {
        let writes = changes.into_iter().filter_map(|(hlc, by, payload)| {
            match (Entry { hlc, payload }).record() {
                Some(Record::Student(s)) if s.class == *class => Some((hlc, by, s)),
                _ => None,
            }
        });
        let mut out = RosterVersions::default();
        for (_, v) in versions::of_records(writes, |s| s.id.as_str(), |s: &Student| &s.replaces) {
            out.replaced
                .push((v.current.record.id.clone(), v.replaced()));
            let not_kept: Vec<Unseen<Student>> = v
                .unseen
                .iter()
                .filter(|u| !u.record.reads_as(v.current.record))
                .map(|u| u.owned())
                .collect();
            if !not_kept.is_empty() {
                out.conflicts.push(StudentConflict {
                    kept: v.current.owned(),
                    not_kept,
                    replaced: v.replaced(),
                });
            }
        }
        crate::order::sort_by(&mut out.conflicts, |a, b| {
            a.kept.record.number.cmp(&b.kept.record.number)
        });
        out
    }

    /// `student` as written from what this device holds: over its kept version and the
    /// versions shown beside it. A student this device has never held replaces the version
    /// at clock zero, so two first writes of one student made apart (two devices importing
    /// lists that differ) show as such.
    pub fn over(&self, student: Student) -> Student {
        let replaces = self
            .replaced
            .binary_search_by(|(id, _)| id.cmp(&student.id))
            .ok()
            .and_then(|i| self.replaced.get(i))
            .map_or_else(|| vec![Hlc::default()], |(_, r)| r.clone());
        Student {
            replaces,
            ..student
        }
    }
}

/// The current roster from the ops held: per student id, the latest write; students who
/// left are dropped. Sorted by class, then number.
pub fn roster<'a, P: AsCheckin + ?Sized + 'a>(
    entries: impl IntoIterator<Item = Entry<'a, P>>,
) -> Vec<Student> {
    let mut latest: BTreeMap<&StudentId, (Hlc, &Student)> = BTreeMap::new();
    for entry in entries {
        if let Some(Record::Student(student)) = entry.record() {
            let newer = latest
                .get(&student.id)
                .is_none_or(|(held, _)| *held <= entry.hlc);
            if newer {
                latest.insert(&student.id, (entry.hlc, student));
            }
        }
    }
    let mut students: Vec<Student> = latest
        .into_values()
        .map(|(_, s)| s.clone())
        .filter(|s| !s.left)
        .collect();
    crate::order::sort_by(&mut students, |a, b| {
        (&a.class, &a.number).cmp(&(&b.class, &b.number))
    });
    students
}

/// The most rows one import reads.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// Why a row (or the whole file) of an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RowProblem {
    #[error("the file has no {0} column")]
    MissingColumn(&'static str),
    #[error("the file could not be read as CSV: {0}")]
    Unreadable(String),
    #[error("no class {0:?} in the directory")]
    UnknownClass(String),
    #[error("the name: {0}")]
    Name(TextError),
    #[error("the student number: {0}")]
    Number(StudentError),
    #[error("boarding is yes or no, not {0:?}")]
    Boarder(String),
    #[error("student number {0} appears twice in this class")]
    Duplicate(String),
    #[error("more than {MAX_IMPORT_ROWS} rows")]
    TooManyRows,
}

/// One refused row: its line in the file (1 is the header) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedRow {
    pub line: u64,
    pub problem: RowProblem,
}

/// What an import found: students to record, and the rows refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub students: Vec<Student>,
    pub refused: Vec<RefusedRow>,
}

// ASCII lowercasing is enough: the names matched are ASCII or Chinese, which has no case, and
// the full Unicode lowercase would bring its tables into a teacher's download.
fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        names.iter().any(|n| h == *n)
    })
}

fn boarder(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "否" | "no" | "n" | "0" | "false" | "走读" => Some(false),
        "是" | "yes" | "y" | "1" | "true" | "住校" | "寄宿" | "住宿" => Some(true),
        _ => None,
    }
}

/// Reads a roster CSV (header row; columns 学号/number, 姓名/name, 班级/class and optionally
/// 住宿/boarder, in any order). `classes` are the classes the importer may fill: a row of
/// another class is refused. With `default_class`, a file without a class column fills it.
pub fn import_csv(
    text: &str,
    classes: &[ClassGroup],
    default_class: Option<&ClassId>,
) -> ImportReport {
    let mut report = ImportReport::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            report.refused.push(RefusedRow {
                line: 1,
                problem: RowProblem::Unreadable(e.to_string()),
            });
            return report;
        }
    };
    let number_at = column(&headers, &["学号", "number", "student number", "no"]);
    let name_at = column(&headers, &["姓名", "name"]);
    let class_at = column(&headers, &["班级", "class"]);
    let boarder_at = column(&headers, &["住宿", "寄宿", "boarder", "boarding"]);
    let missing = match (number_at, name_at, class_at.or(default_class.map(|_| 0))) {
        (None, _, _) => Some("学号 / number"),
        (_, None, _) => Some("姓名 / name"),
        (_, _, None) => Some("班级 / class"),
        _ => None,
    };
    if let Some(which) = missing {
        report.refused.push(RefusedRow {
            line: 1,
            problem: RowProblem::MissingColumn(which),
        });
        return report;
    }
    let mut seen = BTreeSet::new();
    for (i, row) in reader.records().enumerate() {
        let line = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(2);
        if i >= MAX_IMPORT_ROWS {
            report.refused.push(RefusedRow {
                line,
                problem: RowProblem::TooManyRows,
            });
            break;
        }
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                report.refused.push(RefusedRow {
                    line,
                    problem: RowProblem::Unreadable(e.to_string()),
                });
                continue;
            }
        };
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cell = |at: Option<usize>| at.and_then(|at| row.get(at)).unwrap_or("");
        let parsed = (|| {
            let class_cell = cell(class_at);
            let class = if class_at.is_some() && !class_cell.is_empty() {
                classes
                    .iter()
                    .find(|c| c.name.as_str() == class_cell || c.id.as_str() == class_cell)
                    .map(|c| c.id.clone())
                    .ok_or_else(|| RowProblem::UnknownClass(class_cell.to_owned()))?
            } else {
                default_class
                    .filter(|id| classes.iter().any(|c| &c.id == *id))
                    .cloned()
                    .ok_or_else(|| RowProblem::UnknownClass(class_cell.to_owned()))?
            };
            let name = Name::parse(cell(name_at)).map_err(RowProblem::Name)?;
            let number = StudentNumber::parse(cell(number_at)).map_err(RowProblem::Number)?;
            let boards = boarder(cell(boarder_at))
                .ok_or_else(|| RowProblem::Boarder(cell(boarder_at).to_owned()))?;
            if !seen.insert((class.clone(), number.as_str().to_ascii_lowercase())) {
                return Err(RowProblem::Duplicate(number.to_string()));
            }
            Ok(Student::new(class, name, number, boards))
        })();
        match parsed {
            Ok(student) => report.students.push(student),
            Err(problem) => report.refused.push(RefusedRow { line, problem }),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_class_list_imports_with_its_mistakes_reported() {
        let classes = crate::demo::school().classes;
        let csv = "\u{feff}学号,姓名,班级,住宿\n\
                   2026001,张小明,一年级一班,否\n\
                   2026002,李小红,一年级一班,是\n\
                   2026003,,一年级一班,否\n\
                   2026004,王五,九年级九班,否\n\
                   2026001,张小明二,一年级一班,否\n\
                   20 26,赵六,一年级一班,否\n\
                   2026007,钱七,g3c2,也许\n\
                   \n\
                   2026008,孙八,g3c2\n";
        let report = import_csv(csv, &classes, None);
        assert_eq!(report.students.len(), 3, "{:?}", report.refused);
        assert_eq!(report.students[1].id.as_str(), "g1c1-2026002");
        assert!(report.students[1].boarder);
        assert_eq!(report.students[2].class.as_str(), "g3c2");
        let lines: Vec<(u64, &RowProblem)> = report
            .refused
            .iter()
            .map(|r| (r.line, &r.problem))
            .collect();
        assert!(matches!(lines[0], (4, RowProblem::Name(_))));
        assert!(matches!(lines[1], (5, RowProblem::UnknownClass(_))));
        assert!(matches!(lines[2], (6, RowProblem::Duplicate(_))));
        assert!(matches!(lines[3], (7, RowProblem::Number(_))));
        assert!(matches!(lines[4], (8, RowProblem::Boarder(_))));
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn a_teachers_own_list_needs_no_class_column() {
        let classes = crate::demo::school().classes;
        let own = ClassId::parse("g1c1").unwrap();
        let report = import_csv("name,number\nAnna,1\nBen,2\n", &classes, Some(&own));
        assert_eq!(report.students.len(), 2);
        let none = import_csv("name,number\nAnna,1\n", &classes, None);
        assert!(matches!(
            none.refused[0].problem,
            RowProblem::MissingColumn(_)
        ));
        let no_number = import_csv("姓名,班级\n张三,g1c1\n", &classes, None);
        assert_eq!(no_number.refused.len(), 1);
    }

    fn at(wall: u64) -> Hlc {
        Hlc { wall, counter: 0 }
    }

    fn versions_of(writes: &[(u64, &str, Student)]) -> RosterVersions {
        let writes: Vec<(Hlc, Name, crate::changes::Payload)> = writes
            .iter()
            .map(|(t, by, s)| {
                let by = Name::parse(by).unwrap();
                (at(*t), by, crate::changes::Payload::Student(s.clone()))
            })
            .collect();
        RosterVersions::of(
            writes.iter().map(|(h, by, p)| (*h, by, p)),
            &ClassId::parse("g1c1").unwrap(),
        )
    }

    fn ming() -> Student {
        Student::new(
            ClassId::parse("g1c1").unwrap(),
            Name::parse("李明").unwrap(),
            StudentNumber::parse("12").unwrap(),
            false,
        )
    }

    #[test]
    fn a_student_changed_on_two_devices_apart_is_shown_until_one_version_is_chosen() {
        let none = RosterVersions::default();
        let added = none.over(ming());
        assert_eq!(added.replaces, vec![Hlc::default()]);
        let held = versions_of(&[(1, "李红", added.clone())]);
        assert!(held.conflicts.is_empty());
        // Offline, the teacher marks him a boarder; the doctor corrects his name.
        let boarder = held.over(Student {
            boarder: true,
            ..ming()
        });
        let renamed = held.over(Student {
            name: Name::parse("李明明").unwrap(),
            ..ming()
        });
        assert_eq!(boarder.replaces, vec![at(1)]);
        let both = [
            (1, "李红", added.clone()),
            (3, "王医生", renamed.clone()),
            (2, "李红", boarder.clone()),
        ];
        let shown = versions_of(&both);
        assert_eq!(shown.conflicts.len(), 1);
        let conflict = &shown.conflicts[0];
        assert_eq!(conflict.kept.record, renamed);
        assert_eq!(conflict.not_kept.len(), 1);
        assert_eq!(conflict.not_kept[0].record, boarder);
        assert_eq!(conflict.not_kept[0].by.as_str(), "李红");
        // The roster keeps the later version until the teacher chooses.
        let entries: Vec<crate::changes::Payload> = both
            .iter()
            .map(|(_, _, s)| crate::changes::Payload::Student(s.clone()))
            .collect();
        let listed = roster(both.iter().zip(&entries).map(|((t, _, _), p)| Entry {
            hlc: at(*t),
            payload: p,
        }));
        assert_eq!(listed[0].name.as_str(), "李明明");
        // She keeps hers, with the name corrected too: shown on no device after.
        let chosen = conflict.choose(&Student {
            name: Name::parse("李明明").unwrap(),
            ..boarder.clone()
        });
        assert_eq!(chosen.replaces, vec![at(3), at(2)]);
        let mut after = both.to_vec();
        after.push((4, "李红", chosen.clone()));
        assert!(versions_of(&after).conflicts.is_empty());
        // In any order.
        after.reverse();
        assert!(versions_of(&after).conflicts.is_empty());
    }

    #[test]
    fn the_same_list_imported_on_two_devices_shows_nothing() {
        let none = RosterVersions::default();
        let shown = versions_of(&[
            (1, "李红", none.over(ming())),
            (2, "王医生", none.over(ming())),
        ]);
        assert!(shown.conflicts.is_empty());
        // Two first writes that differ do show.
        let boarder = none.over(Student {
            boarder: true,
            ..ming()
        });
        let shown = versions_of(&[(1, "李红", none.over(ming())), (2, "王医生", boarder)]);
        assert_eq!(shown.conflicts.len(), 1);
        // Writes from before versions were named show nothing, as before.
        let shown = versions_of(&[
            (1, "李红", ming()),
            (
                2,
                "王医生",
                Student {
                    boarder: true,
                    ..ming()
                },
            ),
        ]);
        assert!(shown.conflicts.is_empty());
    }

    #[test]
    fn a_student_naming_too_many_versions_is_refused() {
        let mut s = ming();
        s.replaces = (0..32).map(at).collect();
        assert!(s.validate().is_ok());
        s.replaces.push(at(99));
        assert!(matches!(
            crate::changes::Payload::Student(s).validate(&crate::sync::Stream::Health),
            Err(OpInvalid::OutOfRange { .. })
        ));
    }

    #[test]
    fn garbage_never_panics() {
        let classes = crate::demo::school().classes;
        for text in [
            "",
            "\"",
            "a,b\n\"unterminated",
            "学号,姓名,班级\n\u{0},\u{0},\u{0}",
        ] {
            let _ = import_csv(text, &classes, None);
        }
    }
}
