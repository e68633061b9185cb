//! Emergency contacts (应急联系电话): who to call, with their hours and who is on duty today
//! (a weekly rota). Logistics or an admin edit them in the app as ops of the notices stream
//! (a later write of the same id replaces it); they reach the public page with the next board.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::refusals::OpInvalid;
use crate::sync::op::short_id;
use crate::sync::{Hlc, Stream};
use crate::text::{Name, TextError, bounded};

mod versions;
pub use versions::{ContactView, UnseenEdit, current, views};

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("a phone number has 3 to 20 digits, optionally with +, - and spaces")]
    Malformed,
}

/// A dialable phone number: digits with optional `+`, `-` and spaces, so it can be put in a
/// `tel:` link without escaping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let text = raw.trim();
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let plus_only_first = text.chars().skip(1).all(|c| c != '+');
        let ok_chars = text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '+' || c == '-' || c == ' ');
        if (3..=20).contains(&digits) && ok_chars && plus_only_first && text.len() <= 30 {
            Ok(Self(text.to_owned()))
        } else {
            Err(PhoneError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as a `tel:` URI target: digits and a leading `+` only.
    pub fn dial(&self) -> String {
        self.0
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }
}

crate::text::validated_string!(Phone, PhoneError);

/// Who a contact is, so the page can say when to call them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// The school's own prevention office.
    School,
    /// Township clinic or hospital (乡镇卫生院).
    Clinic,
    /// Police station (派出所).
    Police,
    /// Government duty phone, nights and weekends (政府值班电话).
    GovernmentDuty,
}

/// A contact's id (`c-school`, `c-mf3k2a`): chosen when it is first added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContactId(String);

impl ContactId {
    pub fn parse(raw: &str) -> Result<Self, OpInvalid> {
        short_id("contact", raw).map(|()| Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(ContactId, OpInvalid);

/// When a contact answers, as people write it ("24小时", "周一至周五 8:00–17:30").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hours(String);

impl Hours {
    pub const MAX: usize = 60;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("hours", raw, Self::MAX, false).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::validated_string!(Hours, TextError);

/// A day of the week, Monday first, as the rota keys it (one person per day, by
/// construction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    pub fn of(date: NaiveDate) -> Self {
        match date.weekday() {
            Weekday::Mon => Day::Mon,
            Weekday::Tue => Day::Tue,
            Weekday::Wed => Day::Wed,
            Weekday::Thu => Day::Thu,
            Weekday::Fri => Day::Fri,
            Weekday::Sat => Day::Sat,
            Weekday::Sun => Day::Sun,
        }
    }
}

/// Who answers on one day of the week: a name given for publication (a duty title like
/// "值班老师 张" is fine) and, if not the contact's own number, their phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnDuty {
    pub who: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
}

/// One emergency contact as edited and published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyContact {
    pub id: ContactId,
    pub kind: ContactKind,
    pub name: Name,
    pub phone: Phone,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    /// The weekly rota: who is on duty each day (days without anyone are left out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rota: BTreeMap<Day, OnDuty>,
    /// Taken off the list (kept as a write so that it wins over older edits).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
    /// The versions (by their clock) this write was made over: the one shown when the edit
    /// began, and any other version shown beside it as not kept. See [`versions`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<Hlc>,
}

impl EmergencyContact {
    pub fn new(id: &str, kind: ContactKind, name: &str, phone: &str) -> Result<Self, ContactError> {
        Ok(Self {
            id: ContactId::parse(id).map_err(|_| ContactError::Id)?,
            kind,
            name: Name::parse(name)?,
            phone: Phone::parse(phone)?,
            hours: None,
            rota: BTreeMap::new(),
            removed: false,
            replaces: Vec::new(),
        })
    }

    /// Who is on duty on `date` (the school's local date), if the rota names anyone.
    pub fn on_duty(&self, date: NaiveDate) -> Option<&OnDuty> {
        self.rota.get(&Day::of(date))
    }

    /// As an op's payload: it belongs in the notices stream (edited by whoever runs the
    /// public page).
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Notices {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        if self.replaces.len() > crate::sync::versions::MAX_REPLACES as usize {
            return Err(OpInvalid::OutOfRange {
                what: "replaces".into(),
                max: crate::sync::versions::MAX_REPLACES,
            });
        }
        Ok(())
    }
}

/// A contact's form as typed: every field text, the rota one (who, phone) per weekday,
/// Monday first; a day left blank has no one on duty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub kind: Option<ContactKind>,
    pub name: String,
    pub phone: String,
    pub hours: String,
    pub rota: [(String, String); 7],
}

/// What to fix in a contact's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactProblem {
    Kind,
    Name,
    Phone,
    Hours,
    /// A phone on a day with no one named, or a name or phone that is not one.
    Duty(Day),
}

impl ContactInput {
    /// The form of an existing contact, to edit it.
    pub fn of(c: &EmergencyContact) -> Self {
        let mut rota: [(String, String); 7] = Default::default();
        for (i, day) in Day::ALL.iter().enumerate() {
            if let Some(d) = c.rota.get(day) {
                rota[i] = (
                    d.who.to_string(),
                    d.phone.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                );
            }
        }
        Self {
            kind: Some(c.kind),
            name: c.name.to_string(),
            phone: c.phone.to_string(),
            hours: c.hours.as_ref().map(|h| h.to_string()).unwrap_or_default(),
            rota,
        }
    }

    /// The contact `id` as this form makes it, or the first thing to fix.
    pub fn build(&self, id: ContactId) -> Result<EmergencyContact, ContactProblem> {
        let kind = self.kind.ok_or(ContactProblem::Kind)?;
        let name = Name::parse(&self.name).map_err(|_| ContactProblem::Name)?;
        let phone = Phone::parse(&self.phone).map_err(|_| ContactProblem::Phone)?;
        let hours = match self.hours.trim() {
            "" => None,
            h => Some(Hours::parse(h).map_err(|_| ContactProblem::Hours)?),
        };
        let mut rota = BTreeMap::new();
        for (day, (who, duty_phone)) in Day::ALL.into_iter().zip(&self.rota) {
            let (who, duty_phone) = (who.trim(), duty_phone.trim());
            if who.is_empty() {
                if duty_phone.is_empty() {
                    continue;
                }
                return Err(ContactProblem::Duty(day));
            }
            let who = Name::parse(who).map_err(|_| ContactProblem::Duty(day))?;
            let phone = match duty_phone {
                "" => None,
                p => Some(Phone::parse(p).map_err(|_| ContactProblem::Duty(day))?),
            };
            rota.insert(day, OnDuty { who, phone });
        }
        Ok(EmergencyContact {
            id,
            kind,
            name,
            phone,
            hours,
            rota,
            removed: false,
            replaces: Vec::new(),
        })
    }
}

/// Who edits the emergency contacts: logistics and the office (the Worker's write rule
/// says the same).
pub fn may_edit(role: crate::school::Role) -> bool {
    use crate::school::Role;
    matches!(role, Role::Admin | Role::Logistics)
}

/// A fresh id for a new contact, unlike any in `taken`.
pub fn new_contact_id(taken: impl Fn(&ContactId) -> bool, now_ms: u64) -> ContactId {
    ContactId(crate::text::fresh_id(
        "c",
        |id| taken(&ContactId(id.to_owned())),
        now_ms,
    ))
}

/// Why an emergency contact was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContactError {
    #[error("a contact id is 1 to 40 characters of a-z, 0-9, '-' and '_'")]
    Id,
    #[error(transparent)]
    Name(#[from] TextError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse(" 0571-8888 1234 ").unwrap().dial(),
            "057188881234"
        );
        assert_eq!(Phone::parse("+86 110").unwrap().dial(), "+86110");
        for bad in ["", "12", "abc", "110; DROP", "1+10", &"1".repeat(21)] {
            assert!(Phone::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_contact_names_at_most_32_versions_it_replaces() {
        let mut c =
            EmergencyContact::new("c-clinic", ContactKind::Clinic, "卫生院", "120").unwrap();
        c.replaces = (0..32).map(|wall| Hlc { wall, counter: 0 }).collect();
        assert_eq!(c.validate(&Stream::Notices), Ok(()));
        c.replaces.push(Hlc {
            wall: 32,
            counter: 0,
        });
        assert!(matches!(
            c.validate(&Stream::Notices),
            Err(OpInvalid::OutOfRange { max: 32, .. })
        ));
        assert!(c.validate(&Stream::Supplies).is_err());
    }

    fn write(wall: u64, _k: u16, contact: &EmergencyContact) -> (Hlc, Name, EmergencyContact) {
        (
            Hlc { wall, counter: 0 },
            Name::parse("陈建国").unwrap(),
            contact.clone(),
        )
    }

    #[test]
    fn the_latest_write_of_each_contact_wins_in_any_order_and_removal_hides_it() {
        let clinic =
            EmergencyContact::new("c-clinic", ContactKind::Clinic, "卫生院", "120").unwrap();
        let mut moved = clinic.clone();
        moved.phone = Phone::parse("0571-8800 0120").unwrap();
        let school =
            EmergencyContact::new("c-school", ContactKind::School, "防控办", "05a").unwrap_err();
        assert!(matches!(school, ContactError::Phone(_)));
        let school =
            EmergencyContact::new("c-school", ContactKind::School, "防控办", "0571-8800").unwrap();
        let mut writes = vec![
            write(2, 1, &moved),
            write(1, 0, &clinic),
            write(3, 2, &school),
        ];
        let view =
            |w: &[(Hlc, Name, EmergencyContact)]| current(w.iter().map(|(h, i, c)| (*h, i, c)));
        let got = view(&writes);
        writes.reverse();
        assert_eq!(view(&writes), got);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id.as_str(), "c-school", "the school comes first");
        assert_eq!(got[1].phone.as_str(), "0571-8800 0120");
        let mut gone = moved.clone();
        gone.removed = true;
        writes.push(write(4, 3, &gone));
        assert_eq!(view(&writes).len(), 1);
    }

    #[test]
    fn the_form_says_what_to_fix_and_round_trips() {
        let id = ContactId::parse("c-x").unwrap();
        let mut form = ContactInput {
            kind: Some(ContactKind::Clinic),
            name: "卫生院".into(),
            phone: "0571-8800 0120".into(),
            hours: " 24小时 ".into(),
            ..ContactInput::default()
        };
        form.rota[2] = ("值班医生".into(), "13800000000".into());
        let built = form.build(id.clone()).unwrap();
        assert_eq!(built.hours.as_ref().unwrap().as_str(), "24小时");
        assert_eq!(built.rota.keys().collect::<Vec<_>>(), [&Day::Wed]);
        assert_eq!(ContactInput::of(&built).build(id.clone()).unwrap(), built);
        let broken = |f: fn(&mut ContactInput)| {
            let mut bad = form.clone();
            f(&mut bad);
            bad.build(id.clone()).unwrap_err()
        };
        assert_eq!(broken(|f| f.kind = None), ContactProblem::Kind);
        assert_eq!(broken(|f| f.name = " ".into()), ContactProblem::Name);
        assert_eq!(broken(|f| f.phone = "abc".into()), ContactProblem::Phone);
        assert_eq!(broken(|f| f.hours = "长".repeat(61)), ContactProblem::Hours);
        assert_eq!(
            broken(|f| f.rota[0] = (String::new(), "110".into())),
            ContactProblem::Duty(Day::Mon)
        );
        assert_eq!(
            broken(|f| f.rota[6] = ("周日值班".into(), "x".into())),
            ContactProblem::Duty(Day::Sun)
        );
    }

    #[test]
    fn the_rota_names_who_is_on_duty_by_weekday() {
        let mut c =
            EmergencyContact::new("c-school", ContactKind::School, "防控办", "0571-8800").unwrap();
        c.rota.insert(
            Day::Mon,
            OnDuty {
                who: Name::parse("值班 张老师").unwrap(),
                phone: Some(Phone::parse("13800000000").unwrap()),
            },
        );
        // 2026-11-30 is a Monday, 2026-12-01 a Tuesday.
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(c.on_duty(monday).unwrap().who.as_str(), "值班 张老师");
        assert!(c.on_duty(monday.succ_opt().unwrap()).is_none());
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("\"mon\""), "{json}");
        assert_eq!(serde_json::from_str::<EmergencyContact>(&json).unwrap(), c);
        assert!(c.validate(&Stream::Notices).is_ok());
        assert!(c.validate(&Stream::Supplies).is_err());
    }
}
