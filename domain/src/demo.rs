//! The demo school that `make dev` seeds: a small rural primary school with a few classes,
//! its staff, one published notice and its emergency contacts. Fixed values, so seeding twice
//! writes the same bytes.

use chrono::{DateTime, TimeZone, Utc};

use crate::notices::contacts::{ContactKind, Day, EmergencyContact, Hours, OnDuty};
use crate::notices::event::Category;
use crate::notices::{NoticeBody, NoticeTitle, PublicBoard, PublishedNotice};
use crate::school::ClassId;
use crate::school::{
    ClassGroup, Role, SchoolId, SchoolProfile, SchoolTimeZone, StaffId, StaffMember,
};
use crate::text::Name;

/// The demo school's id.
pub const SCHOOL_ID: &str = "demo";

// The demo is built from constants that are checked by the tests below, so a typo here is a
// failing test rather than a panic on someone's machine.
fn name(raw: &str) -> Name {
    Name::parse(raw).unwrap_or_else(|e| unreachable!("demo name {raw:?}: {e}"))
}

fn class_id(raw: &str) -> ClassId {
    ClassId::parse(raw).unwrap_or_else(|e| unreachable!("demo class {raw:?}: {e}"))
}

/// The moment the demo data claims to have been written.
pub fn seeded_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 0, 30, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

pub fn school() -> SchoolProfile {
    let class = |id: &str, n: &str, students: u16, boarding: bool| ClassGroup {
        id: class_id(id),
        name: name(n),
        students,
        boarding,
    };
    let staff = |id: &str, n: &str, role: Role, classes: &[&str]| StaffMember {
        id: StaffId::parse(id).unwrap_or_else(|e| unreachable!("demo staff {id:?}: {e}")),
        name: name(n),
        role,
        classes: classes.iter().map(|c| class_id(c)).collect(),
    };
    SchoolProfile {
        id: SchoolId::parse(SCHOOL_ID).unwrap_or_else(|e| unreachable!("{e}")),
        name: name("城关镇第一中心小学"),
        timezone: SchoolTimeZone::default(),
        revision: 1,
        staff_seq: 6,
        class_seq: 0,
        checkins: crate::school::CheckinSettings::default(),
        classes: vec![
            class("g1c1", "一年级一班", 42, false),
            class("g3c2", "三年级二班", 45, false),
            class("g5c1", "五年级一班", 44, false),
            class("g6c1", "六年级一班（寄宿）", 40, true),
        ],
        staff: vec![
            staff("s1", "李红", Role::Teacher, &["g1c1"]),
            staff("s2", "王磊", Role::Teacher, &["g3c2", "g5c1"]),
            staff("s3", "赵敏", Role::Teacher, &["g6c1"]),
            staff("s4", "陈建国", Role::Logistics, &[]),
            staff("s5", "刘芳", Role::Health, &[]),
            staff("s6", "周校长", Role::Admin, &[]),
        ],
    }
}

pub fn contacts() -> Vec<EmergencyContact> {
    let contact = |id: &str, kind, n: &str, phone: &str, hours: &str| {
        let mut c = EmergencyContact::new(id, kind, n, phone)
            .unwrap_or_else(|e| unreachable!("{phone}: {e}"));
        c.hours = Some(Hours::parse(hours).unwrap_or_else(|e| unreachable!("{e}")));
        c
    };
    let mut school = contact(
        "c-school",
        ContactKind::School,
        "学校防控办公室",
        "0571-8800 0001",
        "上课日 7:00–18:00",
    );
    // The duty rota names duty posts, as schools publish them, not staff accounts.
    for (day, who) in [
        (Day::Mon, "值班 · 校医室"),
        (Day::Tue, "值班 · 后勤处"),
        (Day::Wed, "值班 · 校医室"),
        (Day::Thu, "值班 · 后勤处"),
        (Day::Fri, "值班 · 校长办公室"),
    ] {
        school.rota.insert(
            day,
            OnDuty {
                who: name(who),
                phone: None,
            },
        );
    }
    vec![
        school,
        contact(
            "c-clinic",
            ContactKind::Clinic,
            "城关镇卫生院",
            "0571-8800 0120",
            "24小时",
        ),
        contact(
            "c-police",
            ContactKind::Police,
            "城关派出所",
            "0571-8800 0110",
            "24小时",
        ),
        contact(
            "c-duty",
            ContactKind::GovernmentDuty,
            "镇政府值班电话（夜间及节假日）",
            "0571-8800 0000",
            "夜间及节假日",
        ),
    ]
}

pub fn notices() -> Vec<PublishedNotice> {
    let body = "各位家长：\n\
        新学期即将开始。为做好秋季学期传染病防控工作，请家长每天早晨为孩子测量体温，\
        体温达到37.3℃或出现咳嗽、乏力、腹泻等症状时，请不要送孩子到校，并及时告知班主任。\n\
        因病缺课的学生，病愈返校时须持复课证明，经学校卫生室查验后方可进班。\n\
        学校已储备口罩、消毒液、额温枪等防疫物资，每班配备标准防疫包。感谢您的支持与配合！";
    vec![PublishedNotice {
        id: "n-2026-09-01".to_owned(),
        title: NoticeTitle::parse("秋季学期开学防疫告家长书")
            .unwrap_or_else(|e| unreachable!("{e}")),
        body: NoticeBody::parse(body).unwrap_or_else(|e| unreachable!("{e}")),
        published_at: seeded_at(),
        approved_by: name("周校长"),
        title_en: None,
        body_en: None,
        category: Category::Prevention,
        pinned: false,
        updates: Vec::new(),
        expires_at: None,
        ended: None,
    }]
}

pub fn public_board(at: DateTime<Utc>) -> PublicBoard {
    PublicBoard::new(&school(), 1, at, notices(), contacts())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_valid_and_stable() {
        let school = school();
        assert_eq!(school.validate(), Ok(()));
        assert!(school.staff.iter().any(|s| s.role == Role::Logistics));
        assert_eq!(contacts().len(), 4);
        assert_eq!(public_board(seeded_at()), public_board(seeded_at()));
        // Everything survives a JSON round trip through the validating deserializers.
        let json = serde_json::to_string(&public_board(seeded_at())).unwrap();
        let back: PublicBoard = serde_json::from_str(&json).unwrap();
        assert_eq!(back, public_board(seeded_at()));
        let json = serde_json::to_string(&school).unwrap();
        assert_eq!(
            serde_json::from_str::<SchoolProfile>(&json).unwrap(),
            school
        );
    }
}
