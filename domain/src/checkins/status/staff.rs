//! Staff's own daily health reports, as the doctor reads them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::checkins::{AsCheckin, Record};
use crate::checkins::{StaffHealth, Temperature};
use crate::sync::Op;
use crate::sync::hlc::Hlc;
use crate::text::Name;

/// Whether a person has reported their own health on `date`, from the changes their device
/// wrote (held or still waiting).
pub fn reported_own<'a, P: AsCheckin + ?Sized + 'a>(
    own: impl IntoIterator<Item = &'a P>,
    date: NaiveDate,
) -> bool {
    own.into_iter()
        .any(|p| matches!(p.checkin(), Some(Record::StaffHealth(h)) if h.date == date))
}

/// Staff's own reports of `date`, the latest per person, people with a fever or symptoms
/// first.
pub fn staff_day<'a, P: AsCheckin + 'a>(
    ops: impl IntoIterator<Item = &'a Op<P>>,
    date: NaiveDate,
) -> Vec<(Name, StaffHealth)> {
    let mut latest: BTreeMap<&Name, (Hlc, &StaffHealth)> = BTreeMap::new();
    for op in ops {
        if let Some(Record::StaffHealth(report)) = op.payload.checkin()
            && report.date == date
            && latest.get(&op.by).is_none_or(|(hlc, _)| *hlc <= op.hlc)
        {
            latest.insert(&op.by, (op.hlc, report));
        }
    }
    let mut out: Vec<(Name, StaffHealth)> = latest
        .into_iter()
        .map(|(name, (_, report))| (name.clone(), report.clone()))
        .collect();
    let unwell = |r: &StaffHealth| {
        r.temperature.is_some_and(Temperature::is_fever) || !r.symptoms.is_empty()
    };
    crate::order::sort_by_key(&mut out, |(name, r)| (!unwell(r), name.clone()));
    out
}
