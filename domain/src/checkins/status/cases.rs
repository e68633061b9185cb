//! Cases: a student's follow-up from the fever or illness absence that opens it to the
//! return-to-class certificate that closes it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::checkins::{AbsenceCause, StudentId, Symptom, Temperature};
use crate::checkins::{AsCheckin, Entry, Record, Session};
use crate::school::ClassId;
use crate::text::Name;

use super::grid::{SlotKey, Standing};
/// A student's follow-up: opened by an illness absence or a fever, closed by a
/// return-to-class certificate dated on or after the day it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub student: StudentId,
    pub class: ClassId,
    pub opened: NaiveDate,
    pub symptoms: BTreeSet<Symptom>,
    pub highest: Option<Temperature>,
    /// Every fever reading of the case, present or sent home, in order.
    pub readings: Vec<(NaiveDate, Session, Temperature)>,
    /// Certificates recorded for the student, dated before the case's last sign, that closed
    /// nothing: an earlier date never closes a case, so the doctor is shown them to correct.
    pub misdated_certificates: Vec<(NaiveDate, Name)>,
    /// The certificate's date and issuer, once recorded.
    pub closed: Option<(NaiveDate, Name)>,
}

impl Case {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

/// Every case, oldest first, from the standing reports and the certificates held.
pub fn cases<'a, P: AsCheckin + ?Sized + 'a>(
    standing: &BTreeMap<SlotKey, Standing<'a>>,
    entries: impl IntoIterator<Item = Entry<'a, P>>,
) -> Vec<Case> {
    // Per student: the days something was wrong, with what.
    type Signs = (ClassId, BTreeSet<Symptom>, Vec<(Session, Temperature)>);
    let mut events: BTreeMap<StudentId, BTreeMap<NaiveDate, Signs>> = BTreeMap::new();
    for ((class, date, session), report) in standing {
        let mut note =
            |student: &StudentId, symptoms: &[Symptom], temperature: Option<Temperature>| {
                let day = events
                    .entry(student.clone())
                    .or_default()
                    .entry(*date)
                    .or_insert_with(|| (class.clone(), BTreeSet::new(), Vec::new()));
                day.1.extend(symptoms.iter().copied());
                if let Some(temperature) = temperature {
                    day.1.insert(Symptom::Fever);
                    day.2.push((*session, temperature));
                }
            };
        for absence in &report.check.absences {
            if let AbsenceCause::Illness { symptoms } = &absence.cause {
                note(&absence.student, symptoms, None);
            }
        }
        for reading in report
            .check
            .readings
            .iter()
            .filter(|r| r.temperature.is_fever())
        {
            note(&reading.student, &[], Some(reading.temperature));
        }
    }
    let mut certificates: BTreeMap<&StudentId, Vec<(NaiveDate, &Name)>> = BTreeMap::new();
    for entry in entries {
        if let Some(Record::Certificate(cert)) = entry.record() {
            certificates
                .entry(&cert.student)
                .or_default()
                .push((cert.date, &cert.issuer));
        }
    }
    for list in certificates.values_mut() {
        crate::order::sort(list);
    }
    let mut out = Vec::new();
    for (student, days) in events {
        let certs = certificates.get(&student).cloned().unwrap_or_default();
        // A certificate dated on or after a case's last sign closes it; a sign after that
        // certificate opens a new case.
        let closing = |last: NaiveDate, before: Option<NaiveDate>| {
            certs
                .iter()
                .find(|(d, _)| *d >= last && before.is_none_or(|b| *d < b))
                .map(|(d, issuer)| (*d, (*issuer).clone()))
        };
        let mut open: Option<(Case, NaiveDate)> = None;
        for (date, (class, symptoms, readings)) in days {
            if let Some((mut case, last)) = open.take() {
                match closing(last, Some(date)) {
                    Some(closed) => {
                        case.closed = Some(closed);
                        out.push(case);
                    }
                    None => open = Some((case, last)),
                }
            }
            let (case, last) = open.get_or_insert_with(|| {
                (
                    Case {
                        student: student.clone(),
                        class: class.clone(),
                        opened: date,
                        symptoms: BTreeSet::new(),
                        highest: None,
                        readings: Vec::new(),
                        misdated_certificates: Vec::new(),
                        closed: None,
                    },
                    date,
                )
            });
            case.symptoms.extend(symptoms);
            for (session, temperature) in readings {
                case.highest = case.highest.max(Some(temperature));
                case.readings.push((date, session, temperature));
            }
            *last = date;
        }
        if let Some((mut case, last)) = open {
            case.closed = closing(last, None);
            if case.closed.is_none() {
                let used: Vec<_> = out
                    .iter()
                    .filter(|c| c.student == student)
                    .filter_map(|c| c.closed.as_ref().map(|(d, _)| *d))
                    .collect();
                case.misdated_certificates = certs
                    .iter()
                    .filter(|(d, _)| *d < last && !used.contains(d))
                    .map(|(d, issuer)| (*d, (*issuer).clone()))
                    .collect();
            }
            out.push(case);
        }
    }
    crate::order::sort_by(&mut out, |a, b| {
        (a.opened, &a.student).cmp(&(b.opened, &b.student))
    });
    out
}
