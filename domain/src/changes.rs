//! The school's changes: one enum of every kind of change, each kind defined in its area.
//! It sits above the areas and the sync core, so sync carries changes without knowing what
//! they are and no area imports another through it. The aliases give the shells the sync
//! types at this one change type.

use chrono::NaiveDate;
use serde::Serialize;

use crate::checkins::{AsCheckin, Record, ReturnCertificate, SessionCheck, StaffHealth, Student};
#[cfg(feature = "drills")]
use crate::drills::{AsDrill, DrillChange, DrillEvent, Plan, TermPlan};
use crate::notices::contacts::EmergencyContact;
use crate::notices::workflow::{AsNoticeEvent, NoticeEvent};
use crate::refusals::OpInvalid;
use crate::school::{ClassId, Role, SchoolTimeZone};
use crate::supplies::refill::{RefillAnswer, RefillRequest};
use crate::supplies::{AsSupply, Holder, Item, MovementKind, StockMovement, Supply};
use crate::sync::document::SetField;
use crate::sync::op::{Change, WriteRule, check_date};
use crate::sync::{Stream, replica, segment, server, wire};

mod read;

pub use read::{AtStart, read_at_start};

/// What an operation does. Written with its `type` first, and read by [`read`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    SessionCheck(SessionCheck),
    /// A line of the supplies ledger.
    StockMovement(StockMovement),
    /// An item of the supplies catalog (a later write of the same id replaces it).
    SupplyItem(Item),
    /// A class teacher's request for her class's kit.
    RefillRequest(RefillRequest),
    /// The office's answer to a refill request.
    RefillAnswer(RefillAnswer),
    /// A step of a notice's approval (edit, submit, return, approve, withdraw).
    Notice(NoticeEvent),
    /// An emergency contact (a later write of the same id replaces it).
    Contact(EmergencyContact),
    /// A scenario's drill plan (a later write for the same scenario replaces it).
    #[cfg(feature = "drills")]
    DrillPlan(Plan),
    /// The drills a term requires (a later write for the same term replaces it).
    #[cfg(feature = "drills")]
    DrillTerm(TermPlan),
    /// A step of a drill's run or review.
    #[cfg(feature = "drills")]
    Drill(DrillEvent),
    SetField(SetField),
    /// A student on a class roster (a later write of the same id replaces it).
    Student(Student),
    /// A member of staff's own daily health report.
    StaffHealth(StaffHealth),
    /// A return-to-class certificate, closing a student's case.
    Certificate(ReturnCertificate),
}

pub type Op = crate::sync::Op<Payload>;
pub type OpDraft = wire::OpDraft<Payload>;
pub type PushRequest = wire::PushRequest<Payload>;
pub type PullResponse = wire::PullResponse<Payload>;
pub type StoredSegment = segment::StoredSegment<Payload>;
pub type SegmentMeta = server::SegmentMeta<Payload>;
pub type Listed = server::Listed<Payload>;
pub type PullPager<'a> = server::PullPager<'a, Payload>;
pub type PushStep = server::PushStep<Payload>;
pub type Replica = replica::Replica<Payload>;
pub type RefusedChange = replica::RefusedChange<Payload>;
pub type Outbox = replica::Outbox<Payload>;
pub type Applied = replica::Applied<Payload>;
/// A stored op and replica as the app's start reads them (see [`AtStart`]).
pub type OpAtStart = crate::sync::Op<AtStart>;
pub type ReplicaAtStart = replica::Replica<AtStart>;

/// Whether this build's changes carry `stream`'s records. The class teacher's build leaves
/// the drills out (the `drills` feature): her phone neither pulls nor shows them.
pub fn carries(stream: Stream) -> bool {
    cfg!(feature = "drills") || stream != Stream::Drills
}

impl Payload {
    /// The class this op concerns, if any: health ops are read per class.
    pub fn class(&self) -> Option<&ClassId> {
        match self {
            Payload::SessionCheck(check) => Some(&check.class),
            Payload::Student(student) => Some(&student.class),
            Payload::Certificate(cert) => Some(&cert.class),
            Payload::RefillRequest(r) => Some(&r.class),
            Payload::RefillAnswer(a) => Some(&a.class),
            // What a class was given or gave back is its teacher's to see.
            Payload::StockMovement(m) => match &m.what {
                MovementKind::Issue { to: r, .. } | MovementKind::Return { from: r, .. } => {
                    match &r.holder {
                        Holder::Class(class) => Some(class),
                        _ => None,
                    }
                }
                _ => None,
            },
            Payload::SupplyItem(_)
            | Payload::SetField(_)
            | Payload::StaffHealth(_)
            | Payload::Notice(_)
            | Payload::Contact(_) => None,
            #[cfg(feature = "drills")]
            Payload::DrillPlan(_) | Payload::DrillTerm(_) | Payload::Drill(_) => None,
        }
    }

    /// A drill change in one line, for lists of changes; None for every other kind, and in
    /// builds without the drills.
    pub fn drill_summary(&self) -> Option<String> {
        match self {
            #[cfg(feature = "drills")]
            Payload::DrillPlan(p) => Some(format!("{:?} · {}", p.scenario, p.steps.len())),
            #[cfg(feature = "drills")]
            Payload::DrillTerm(t) => Some(t.term.code()),
            #[cfg(feature = "drills")]
            Payload::Drill(e) => Some(e.run.to_string()),
            _ => None,
        }
    }

    /// The school day a record is about, for the kinds that have one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Payload::SessionCheck(check) => Some(check.date),
            Payload::Certificate(cert) => Some(cert.date),
            Payload::StaffHealth(report) => Some(report.date),
            Payload::StockMovement(_)
            | Payload::SupplyItem(_)
            | Payload::RefillRequest(_)
            | Payload::RefillAnswer(_)
            | Payload::SetField(_)
            | Payload::Notice(_)
            | Payload::Contact(_)
            | Payload::Student(_) => None,
            #[cfg(feature = "drills")]
            Payload::DrillPlan(_) | Payload::DrillTerm(_) | Payload::Drill(_) => None,
        }
    }

    /// See [`Change::validate_date`]; and, for an issue of stock, that its lot had not expired
    /// on the day it was written; for a corrective action, that it is due within the year.
    pub fn validate_date(&self, tz: SchoolTimeZone, written_ms: u64) -> Result<(), OpInvalid> {
        check_date(self.date(), tz, written_ms)?;
        match self {
            Payload::StockMovement(movement) => movement.validate_date(tz, written_ms),
            #[cfg(feature = "drills")]
            Payload::Drill(event) => event.validate_date(tz, written_ms),
            _ => Ok(()),
        }
    }

    /// Checks the content and that it belongs in `stream`.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        match self {
            Payload::SessionCheck(check) => check.validate(stream),
            Payload::Student(_) | Payload::StaffHealth(_) | Payload::Certificate(_)
                if *stream != Stream::Health =>
            {
                Err(OpInvalid::WrongStream {
                    stream: stream.key().to_owned(),
                })
            }
            Payload::Student(student) => student.validate(),
            // Their fields validate themselves as they are read.
            Payload::StaffHealth(_) | Payload::Certificate(_) => Ok(()),
            Payload::StockMovement(movement) => movement.validate(stream),
            Payload::SupplyItem(item) => item.validate(stream),
            Payload::RefillRequest(r) => r.validate(stream),
            Payload::RefillAnswer(a) => a.validate(stream),
            Payload::Notice(event) => event.validate(stream),
            Payload::Contact(contact) => contact.validate(stream),
            #[cfg(feature = "drills")]
            Payload::DrillPlan(plan) => plan.validate(stream),
            #[cfg(feature = "drills")]
            Payload::DrillTerm(term) => term.validate(stream),
            #[cfg(feature = "drills")]
            Payload::Drill(event) => event.validate(stream),
            Payload::SetField(set) => set.validate(stream),
        }
    }
}

impl WriteRule for Payload {
    fn may_write(&self, role: Role, stream: Stream, teaches: &dyn Fn(&ClassId) -> bool) -> bool {
        match (role, stream, self) {
            // Directory changes go through the admin API (they change who may see what,
            // so the Worker applies them at once); no one writes them as sync ops.
            (_, Stream::Directory, _) => false,
            (Role::Admin, _, _) => true,
            // Everyone reports their own health; the op's author is the person.
            (_, Stream::Health, Payload::StaffHealth(_)) => true,
            (Role::Teacher, Stream::Health, Payload::SessionCheck(check)) => teaches(&check.class),
            (Role::Teacher, Stream::Health, Payload::Student(student)) => teaches(&student.class),
            // A class teacher asks for her own class's kit; the office answers.
            (Role::Teacher, Stream::Supplies, Payload::RefillRequest(r)) => teaches(&r.class),
            (
                Role::Health,
                Stream::Health,
                Payload::SessionCheck(_) | Payload::Student(_) | Payload::Certificate(_),
            ) => true,
            (Role::Logistics, Stream::Supplies | Stream::Drills, _) => true,
            // Drafting notices is open to health and logistics; reviewing them (returning,
            // approving, withdrawing) is the admins' alone.
            (Role::Health | Role::Logistics, Stream::Notices, Payload::SetField(_)) => true,
            (Role::Health | Role::Logistics, Stream::Notices, Payload::Notice(event)) => {
                !event.step.is_review()
            }
            // The doctor runs her part of a drill on her phone: taps, notes, head counts.
            #[cfg(feature = "drills")]
            (Role::Health, Stream::Drills, Payload::Drill(event)) => event.act.is_tap(),
            // The public page's emergency contacts are logistics' (and the admins').
            (Role::Logistics, Stream::Notices, Payload::Contact(_)) => true,
            _ => false,
        }
    }
}

impl Change for Payload {
    fn class(&self) -> Option<&ClassId> {
        Payload::class(self)
    }
    fn date(&self) -> Option<NaiveDate> {
        Payload::date(self)
    }
    fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        Payload::validate(self, stream)
    }
    fn validate_date(&self, tz: SchoolTimeZone, written_ms: u64) -> Result<(), OpInvalid> {
        Payload::validate_date(self, tz, written_ms)
    }
    fn for_every_reader(&self) -> bool {
        // The catalog: a teacher reads it to know her class's kit.
        matches!(self, Payload::SupplyItem(_))
    }
    fn is_daily(&self) -> bool {
        // Certificates close cases and students are the class list: both are kept.
        matches!(self, Payload::SessionCheck(_) | Payload::StaffHealth(_))
    }
    fn set_field(&self) -> Option<&SetField> {
        match self {
            Payload::SetField(set) => Some(set),
            _ => None,
        }
    }
}

impl AsCheckin for Payload {
    fn checkin(&self) -> Option<Record<'_>> {
        match self {
            Payload::SessionCheck(check) => Some(Record::Check(check)),
            Payload::Student(student) => Some(Record::Student(student)),
            Payload::StaffHealth(report) => Some(Record::StaffHealth(report)),
            Payload::Certificate(cert) => Some(Record::Certificate(cert)),
            Payload::StockMovement(_)
            | Payload::SupplyItem(_)
            | Payload::RefillRequest(_)
            | Payload::RefillAnswer(_)
            | Payload::Notice(_)
            | Payload::Contact(_)
            | Payload::SetField(_) => None,
            #[cfg(feature = "drills")]
            Payload::DrillPlan(_) | Payload::DrillTerm(_) | Payload::Drill(_) => None,
        }
    }
}

#[cfg(feature = "drills")]
impl AsDrill for Payload {
    fn drill(&self) -> Option<DrillChange<'_>> {
        match self {
            Payload::DrillPlan(plan) => Some(DrillChange::Plan(plan)),
            Payload::DrillTerm(term) => Some(DrillChange::Term(term)),
            Payload::Drill(event) => Some(DrillChange::Event(event)),
            _ => None,
        }
    }
}

impl AsSupply for Payload {
    fn supply(&self) -> Option<Supply<'_>> {
        match self {
            Payload::StockMovement(movement) => Some(Supply::Movement(movement)),
            Payload::SupplyItem(item) => Some(Supply::Item(item)),
            Payload::RefillRequest(r) => Some(Supply::Request(r)),
            Payload::RefillAnswer(a) => Some(Supply::Answer(a)),
            _ => None,
        }
    }
}

impl AsNoticeEvent for Payload {
    fn notice_event(&self) -> Option<&NoticeEvent> {
        match self {
            Payload::Notice(event) => Some(event),
            _ => None,
        }
    }
    fn contact(&self) -> Option<&EmergencyContact> {
        match self {
            Payload::Contact(contact) => Some(contact),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkins::Session;
    use crate::school::{SchoolId, StaffId};
    use crate::supplies::{LotRef, Variance, Zone};
    use crate::sync::auth::{Actor, DeviceGrant, Operation};
    use crate::sync::{DeviceId, Hlc, OpId, Seq};
    use crate::text::Name;

    fn check(class: &str, present: u16, fever: u16) -> Payload {
        Payload::SessionCheck(SessionCheck {
            class: ClassId::parse(class).unwrap(),
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            session: Session::Morning,
            present,
            absent: 2,
            fever,
            absences: vec![],
            readings: vec![],
        })
    }

    /// The app's start reads its replica's own record with the changes of some streams left
    /// for later: it takes the replica as read only when none of its changes was.
    #[test]
    fn a_stored_replica_read_at_start_is_the_replica_or_left_whole() {
        let mut replica = Replica::new(
            DeviceId::parse("phone-0001").unwrap(),
            Name::parse("李红").unwrap(),
            &[Stream::Health, Stream::Notices],
            crate::sync::segment::Day::try_from(20260801).unwrap(),
        );
        replica
            .record(Stream::Health, check("g1c1", 40, 0), 1_700_000_000_000)
            .unwrap();
        let stored =
            crate::json::from_str::<ReplicaAtStart>(&serde_json::to_string(&replica).unwrap())
                .unwrap();
        assert_eq!(stored.try_map(AtStart::read), Some(replica.clone()));
        let notice: Payload =
            serde_json::from_str(r#"{"type":"notice","notice":"n-1","step":{"kind":"approve"}}"#)
                .unwrap();
        replica
            .outbox
            .entry(Stream::Notices)
            .or_default()
            .pending
            .push(OpDraft {
                hlc: Hlc::default(),
                payload: notice,
            });
        let not_notices = |p: Payload| (!matches!(p, Payload::Notice(_))).then_some(p);
        assert_eq!(replica.clone().try_map(not_notices), None);
        assert_eq!(replica.clone().try_map(Some), Some(replica.clone()));
        let stored =
            crate::json::from_str::<ReplicaAtStart>(&serde_json::to_string(&replica).unwrap())
                .unwrap();
        let read = stored.try_map(AtStart::read);
        if read_at_start(Stream::Notices) {
            assert_eq!(read, Some(replica));
        } else {
            assert_eq!(read, None);
        }
    }

    #[test]
    fn a_teachers_phone_drops_old_daily_checks_and_keeps_the_class_list() {
        use crate::checkins::{Student, StudentNumber, keeps_daily_from};
        use crate::sync::segment::Day;
        let dated = |day: u32| {
            let mut p = check("g1c1", 40, 0);
            if let Payload::SessionCheck(c) = &mut p {
                c.date = NaiveDate::from_ymd_opt(2026, 9, day).unwrap();
            }
            p
        };
        let student = Payload::Student(Student::new(
            ClassId::parse("g1c1").unwrap(),
            Name::parse("张小明").unwrap(),
            StudentNumber::parse("2026101").unwrap(),
            false,
        ));
        let mut replica = Replica::new(
            DeviceId::parse("phone-0001").unwrap(),
            Name::parse("李红").unwrap(),
            &[Stream::Health],
            Day::try_from(20260801).unwrap(),
        );
        for (k, payload) in [dated(1), dated(28), student].into_iter().enumerate() {
            let id = OpId {
                device: DeviceId::parse("phone-0002").unwrap(),
                stream: Stream::Health,
                seq: Seq::FIRST,
                k: k as u16,
            };
            replica.ops.insert(
                id.clone(),
                crate::sync::Op {
                    id,
                    hlc: Hlc {
                        wall: 1,
                        counter: 0,
                    },
                    by: Name::parse("李红").unwrap(),
                    payload,
                },
            );
        }
        let today = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let keep_from = keeps_daily_from(Role::Teacher, today).unwrap();
        assert_eq!(keep_from, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        assert_eq!(keeps_daily_from(Role::Health, today), None);
        // 1 September is kept (the first day kept); nothing is older here.
        assert!(replica.drop_daily_before(keep_from).is_empty());
        let later = keeps_daily_from(Role::Teacher, today + chrono::Duration::days(10)).unwrap();
        let dropped = replica.drop_daily_before(later);
        assert_eq!(dropped.len(), 1, "the 1 September check");
        assert_eq!(replica.ops.len(), 2, "the later check and the student stay");
        assert!(
            replica
                .ops
                .values()
                .any(|o| matches!(o.payload, Payload::Student(_)))
        );
    }

    #[test]
    fn checks_belong_to_the_health_stream() {
        let g3 = Stream::Health;
        assert_eq!(check("g3c2", 40, 1).validate(&g3), Ok(()));
        assert!(matches!(
            check("g3c2", 40, 1).validate(&Stream::Supplies),
            Err(OpInvalid::WrongStream { .. })
        ));
        // Fevers may include children sent home after their reading, but not more than
        // everyone checked.
        assert_eq!(check("g3c2", 4, 6).validate(&g3), Ok(()));
        assert_eq!(
            check("g3c2", 4, 7).validate(&g3),
            Err(OpInvalid::FeverOverPresent)
        );
        assert!(check("g3c2", 1999, 0).validate(&g3).is_err());
    }

    #[test]
    fn a_record_is_dated_on_or_before_the_day_it_was_written() {
        let tz = SchoolTimeZone::default();
        // 2026-11-23 08:00 in Shanghai.
        let written = 1_795_392_000_000;
        assert_eq!(tz.date_at_ms(written).to_string(), "2026-11-23");
        assert_eq!(check("g3c2", 40, 1).validate_date(tz, written), Ok(()));
        let mut ahead = check("g3c2", 40, 1);
        if let Payload::SessionCheck(c) = &mut ahead {
            c.date = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        }
        assert!(matches!(
            ahead.validate_date(tz, written),
            Err(OpInvalid::DateOutOfRange { .. })
        ));
        // The next morning it is fine: the verdict follows the writer's clock.
        assert!(ahead.validate_date(tz, 1_893_456_000_000).is_ok());
        let dated = |y, m, d| {
            let mut p = check("g3c2", 40, 1);
            if let Payload::SessionCheck(c) = &mut p {
                c.date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            }
            p
        };
        // A day's grace for a clock a little ahead; not two.
        assert_eq!(dated(2026, 11, 24).validate_date(tz, written), Ok(()));
        assert!(dated(2026, 11, 25).validate_date(tz, written).is_err());
        // Back to the start of the school year (1 August), not before.
        assert_eq!(dated(2026, 8, 1).validate_date(tz, written), Ok(()));
        assert!(dated(2026, 7, 31).validate_date(tz, written).is_err());
        assert!(dated(2001, 1, 1).validate_date(tz, written).is_err());
    }

    #[test]
    fn movements_and_fields() {
        let movement = |quantity| {
            Payload::StockMovement(StockMovement::adjustment(
                LotRef::new("masks", "L1", None).unwrap(),
                Zone::parse("A").unwrap(),
                quantity,
                true,
                Variance::Miscounted,
            ))
        };
        assert_eq!(movement(500).validate(&Stream::Supplies), Ok(()));
        assert!(movement(0).validate(&Stream::Supplies).is_err());
        assert!(movement(1_000_001).validate(&Stream::Supplies).is_err());
        assert!(movement(5).validate(&Stream::Drills).is_err());
        assert!(LotRef::new("Masks!", "L1", None).is_err());
        let set = |value: serde_json::Value| {
            Payload::SetField(SetField {
                doc: "n-1".into(),
                field: "title".into(),
                value,
                supersedes: vec![],
            })
        };
        assert_eq!(set("开学通知".into()).validate(&Stream::Notices), Ok(()));
        assert_eq!(set("".into()).validate(&Stream::Notices), Ok(()));
        assert!(
            set("x".repeat(3000).into())
                .validate(&Stream::Notices)
                .is_err()
        );
        assert!(set("x".into()).validate(&Stream::Health).is_err());
    }

    #[test]
    fn only_an_admin_reviews_a_notice() {
        let event = |step: &str| {
            serde_json::from_str::<Payload>(&format!(
                r#"{{"type":"notice","notice":"n-1","step":{step}}}"#
            ))
            .unwrap()
        };
        let edit = event(
            r#"{"kind":"edit","content":{"title_zh":"冬季预防","body_zh":"请勤洗手。","category":"prevention","audience":"public"}}"#,
        );
        assert_eq!(edit.validate(&Stream::Notices), Ok(()));
        assert!(edit.validate(&Stream::Drills).is_err());
        let writes = |role, payload: &Payload| {
            grant(role, &[])
                .may(Operation::Write {
                    stream: &Stream::Notices,
                    payload,
                })
                .is_ok()
        };
        for review in [
            event(r#"{"kind":"approve"}"#),
            event(r#"{"kind":"withdraw"}"#),
            event(r#"{"kind":"return","comment":"请补充"}"#),
        ] {
            assert!(writes(Role::Admin, &review));
            assert!(!writes(Role::Logistics, &review));
            assert!(!writes(Role::Health, &review));
            assert!(!writes(Role::Teacher, &review));
        }
        for draft in [edit, event(r#"{"kind":"submit"}"#)] {
            assert!(writes(Role::Logistics, &draft));
            assert!(writes(Role::Health, &draft));
            assert!(!writes(Role::Teacher, &draft));
        }
        assert!(
            serde_json::from_str::<Payload>(
                r#"{"type":"notice","notice":"n-1","step":{"kind":"approve","by":"me"}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = r#"{"type":"stock_movement","lot":{"item":"masks","lot":"L1"},"zone":"A","quantity":5,"what":{"kind":"receipt","supplier":"某公司"}}"#;
        assert!(serde_json::from_str::<Payload>(json).is_ok());
        let extra = json.replacen(r#""zone""#, r#""extra":1,"zone""#, 1);
        assert!(serde_json::from_str::<Payload>(&extra).is_err());
        let nested = json.replacen(r#""supplier""#, r#""extra":1,"supplier""#, 1);
        assert!(serde_json::from_str::<Payload>(&nested).is_err());
    }

    fn grant(role: Role, classes: &[&str]) -> DeviceGrant {
        DeviceGrant {
            school: SchoolId::parse("demo").unwrap(),
            device: DeviceId::parse("device-0001").unwrap(),
            staff: StaffId::parse("s1").unwrap(),
            name: Name::parse("李红").unwrap(),
            role,
            classes: classes.iter().map(|c| ClassId::parse(c).unwrap()).collect(),
            label: None,
            created_at_ms: 0,
            expires_at_ms: u64::MAX,
            revoked_at_ms: None,
        }
    }

    #[test]
    fn teachers_write_and_read_only_their_classes() {
        let g1 = ClassId::parse("g1c1").unwrap();
        let check = Payload::SessionCheck(SessionCheck {
            class: g1,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            session: Session::Morning,
            present: 40,
            absent: 2,
            fever: 0,
            absences: vec![],
            readings: vec![],
        });
        let teacher = grant(Role::Teacher, &["g1c1"]);
        let other = grant(Role::Teacher, &["g3c2"]);
        let write = |g: &DeviceGrant, stream: &Stream| {
            g.may(Operation::Write {
                stream,
                payload: &check,
            })
        };
        assert!(write(&teacher, &Stream::Health).is_ok());
        assert!(write(&other, &Stream::Health).is_err());
        assert!(write(&grant(Role::Admin, &[]), &Stream::Directory).is_err());
        let op = Op {
            id: OpId {
                device: teacher.device.clone(),
                stream: Stream::Health,
                seq: Seq::FIRST,
                k: 0,
            },
            hlc: Hlc::default(),
            by: teacher.name.clone(),
            payload: check.clone(),
        };
        assert!(teacher.may_read_op(&op));
        assert!(!other.may_read_op(&op));
        assert!(grant(Role::Health, &[]).may_read_op(&op));
        assert!(!grant(Role::Logistics, &[]).may_read_op(&op));
        assert_eq!(
            teacher.readable_streams(),
            vec![
                Stream::Health,
                Stream::Supplies,
                Stream::Notices,
                Stream::Directory
            ]
        );
        // Drills are the office's, logistics' and the doctor's; her phone shows none.
        assert!(teacher.may_read(&Stream::Drills).is_err());
        // In supplies: the catalog, and what concerns her class; not the office's ledger.
        let supply = |payload: Payload| Op {
            id: OpId {
                device: DeviceId::parse("pc-store").unwrap(),
                stream: Stream::Supplies,
                seq: Seq::FIRST,
                k: 0,
            },
            hlc: Hlc::default(),
            by: Name::parse("陈建国").unwrap(),
            payload,
        };
        let catalog = supply(Payload::SupplyItem(
            crate::supplies::starter_catalog().remove(0),
        ));
        let lot = LotRef::new("masks-surgical", "L1", None).unwrap();
        let receipt = supply(Payload::StockMovement(StockMovement::receipt(
            lot.clone(),
            Zone::parse("A").unwrap(),
            5,
            Name::parse("某公司").unwrap(),
        )));
        let to_class = |class: &str| {
            supply(Payload::StockMovement(StockMovement {
                lot: lot.clone(),
                zone: Zone::parse("A").unwrap(),
                quantity: 1,
                what: MovementKind::Issue {
                    to: crate::supplies::Recipient {
                        holder: Holder::Class(ClassId::parse(class).unwrap()),
                        person: Name::parse("李红").unwrap(),
                    },
                    signature: crate::supplies::Signature::parse("1,1 2,2").unwrap(),
                    due: None,
                },
            }))
        };
        assert!(teacher.may_read_op(&catalog));
        assert!(!teacher.may_read_op(&receipt));
        assert!(teacher.may_read_op(&to_class("g1c1")));
        assert!(!teacher.may_read_op(&to_class("g3c2")));
        assert!(!grant(Role::Teacher, &[]).may_read_op(&catalog));
        assert!(!grant(Role::Health, &[]).may_read_op(&catalog));
        assert!(grant(Role::Logistics, &[]).may_read_op(&receipt));
        // She asks for her own class's kit, not another's, and does not answer requests.
        let request = |class: &str| {
            Payload::RefillRequest(crate::supplies::refill::RefillRequest {
                class: ClassId::parse(class).unwrap(),
                items: vec![crate::supplies::refill::RefillLine {
                    item: crate::supplies::ItemId::parse("hand-sanitiser").unwrap(),
                    quantity: 1,
                }],
                note: None,
            })
        };
        let writes = |g: &DeviceGrant, p: &Payload| {
            g.may(Operation::Write {
                stream: &Stream::Supplies,
                payload: p,
            })
            .is_ok()
        };
        assert!(writes(&teacher, &request("g1c1")));
        assert!(!writes(&teacher, &request("g3c2")));
        assert!(!writes(&teacher, &receipt.payload));
        assert!(writes(&grant(Role::Logistics, &[]), &request("g3c2")));
        let logistics = grant(Role::Logistics, &[]);
        assert!(logistics.may_read(&Stream::Health).is_err());
        assert!(write(&logistics, &Stream::Health).is_err());
        assert!(logistics.may(Operation::ManageDevices).is_err());
        assert!(
            grant(Role::Admin, &[])
                .may(Operation::ManageDevices)
                .is_ok()
        );
    }
}
