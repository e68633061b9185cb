//! The admin's edits of the directory: classes, staff and who teaches which class. The
//! Worker applies them at once (they change who may see what), guarded by the directory's
//! revision so two admins editing at once can't overwrite each other unseen.

use serde::{Deserialize, Serialize};

use crate::api::{ErrorCode, Refused};
use crate::school::CheckinSettings;
use crate::school::{ClassGroup, Role, SchoolProfile, StaffMember, issued_number};
use crate::sync::auth::DeviceGrant;
use crate::text::Name;

/// The largest directory body the Worker reads.
pub const MAX_DIRECTORY_BODY_BYTES: usize = 256 * 1024;
/// The most classes one teacher may be class teacher of.
pub const MAX_CLASSES_PER_TEACHER: usize = 20;

/// `PUT /api/v1/admin/directory`: the whole directory as the admin wants it, based on
/// `revision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryUpdate {
    pub revision: u64,
    pub name: Name,
    pub classes: Vec<ClassGroup>,
    pub staff: Vec<StaffMember>,
    /// New check-in deadlines and warning thresholds; absent keeps the current ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkins: Option<CheckinSettings>,
}

impl DirectoryUpdate {
    /// The update that keeps `current` as it is: the starting point of an edit.
    pub fn from_profile(current: &SchoolProfile) -> Self {
        Self {
            revision: current.revision,
            name: current.name.clone(),
            classes: current.classes.clone(),
            staff: current.staff.clone(),
            checkins: None,
        }
    }
}

/// Decides a directory update by `actor`: based on the current revision, valid as a whole,
/// and leaving the actor an admin (so no one locks themselves out).
pub fn apply(
    current: &SchoolProfile,
    update: DirectoryUpdate,
    actor: &DeviceGrant,
) -> Result<SchoolProfile, Refused> {
    if update.revision != current.revision {
        return Err(Refused::new(
            ErrorCode::Conflict,
            format!(
                "the directory changed since you loaded it (revision {} → {}); reload and redo the change",
                update.revision, current.revision
            ),
        ));
    }
    if let Some(member) = update
        .staff
        .iter()
        .find(|m| m.classes.len() > MAX_CLASSES_PER_TEACHER)
    {
        return Err(Refused::new(
            ErrorCode::BadRequest,
            format!(
                "{} is class teacher of more than {MAX_CLASSES_PER_TEACHER} classes",
                member.name
            ),
        ));
    }
    if let Some(settings) = &update.checkins
        && (!(1..=100).contains(&settings.illness_percent) || settings.cluster_cases < 2)
    {
        return Err(Refused::new(
            ErrorCode::BadRequest,
            "the illness threshold is 1 to 100 percent, and a cluster at least 2 cases",
        ));
    }
    let still_admin = update
        .staff
        .iter()
        .any(|m| m.id == actor.staff && m.role == Role::Admin);
    if !still_admin {
        return Err(Refused::new(
            ErrorCode::BadRequest,
            "you can't remove yourself or your own admin role; ask another admin",
        ));
    }
    // New people and classes must carry freshly issued ids; an id once removed stays
    // retired, or a removed person's devices would act as whoever got it next.
    let staff_seq = fresh_ids(
        update
            .staff
            .iter()
            .map(|m| m.id.as_str())
            .filter(|id| current.staff.iter().all(|m| m.id.as_str() != *id)),
        's',
        current.staff_high_water(),
    )?;
    let class_seq = fresh_ids(
        update
            .classes
            .iter()
            .map(|c| c.id.as_str())
            .filter(|id| current.classes.iter().all(|c| c.id.as_str() != *id)),
        'c',
        current.class_high_water(),
    )?;
    let next = SchoolProfile {
        id: current.id.clone(),
        name: update.name,
        timezone: current.timezone,
        revision: current.revision + 1,
        staff_seq,
        class_seq,
        checkins: update.checkins.unwrap_or(current.checkins),
        classes: update.classes,
        staff: update.staff,
    };
    next.validate()
        .map_err(|e| Refused::new(ErrorCode::BadRequest, e.to_string()))?;
    Ok(next)
}

/// Checks that every id in `added` is `{prefix}{n}` with `n` above `high_water`, and returns
/// the new high water.
fn fresh_ids<'a>(
    added: impl Iterator<Item = &'a str>,
    prefix: char,
    high_water: u32,
) -> Result<u32, Refused> {
    let mut top = high_water;
    for id in added {
        match issued_number(id, prefix) {
            Some(n) if n > high_water => top = top.max(n),
            _ => {
                return Err(Refused::new(
                    ErrorCode::BadRequest,
                    format!(
                        "{id:?} is not a new id: new ids are {prefix}{} and up",
                        high_water.saturating_add(1)
                    ),
                ));
            }
        }
    }
    Ok(top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{DEVICE_RANDOM_BYTES, NewDevice};
    use crate::school::ClassId;
    use crate::school::StaffId;

    fn admin() -> DeviceGrant {
        let demo = crate::demo::school();
        let member = demo.staff.iter().find(|m| m.role == Role::Admin).unwrap();
        NewDevice::for_member(&demo.id, member, None, &[1; DEVICE_RANDOM_BYTES], 0).grant
    }

    #[test]
    fn a_teacher_gets_a_new_class() {
        let demo = crate::demo::school();
        let mut update = DirectoryUpdate::from_profile(&demo);
        let class = ClassGroup {
            id: demo.next_class_id(),
            name: Name::parse("二年级一班").unwrap(),
            students: 38,
            boarding: false,
        };
        update.staff[0].classes.push(class.id.clone());
        update.classes.push(class);
        let next = apply(&demo, update, &admin()).unwrap();
        assert_eq!(next.revision, demo.revision + 1);
        assert_eq!(next.staff[0].classes.len(), 2);
    }

    #[test]
    fn removed_ids_are_never_issued_again() {
        let demo = crate::demo::school();
        let actor = admin();
        let mut update = DirectoryUpdate::from_profile(&demo);
        let newcomer = demo.next_staff_id();
        update.staff.push(StaffMember {
            id: newcomer.clone(),
            name: Name::parse("临时老师").unwrap(),
            role: Role::Teacher,
            classes: vec![],
        });
        let with = apply(&demo, update, &actor).unwrap();
        let mut update = DirectoryUpdate::from_profile(&with);
        update.staff.retain(|m| m.id != newcomer);
        let without = apply(&with, update, &actor).unwrap();
        assert_ne!(without.next_staff_id(), newcomer);
        // Bringing the old id back, as anyone, is refused.
        let mut update = DirectoryUpdate::from_profile(&without);
        update.staff.push(StaffMember {
            id: newcomer,
            name: Name::parse("新副校长").unwrap(),
            role: Role::Admin,
            classes: vec![],
        });
        assert_eq!(
            apply(&without, update, &actor).unwrap_err().code,
            ErrorCode::BadRequest
        );
        // The same for classes.
        let mut update = DirectoryUpdate::from_profile(&without);
        let class = without.next_class_id();
        update.classes.push(ClassGroup {
            id: class.clone(),
            name: Name::parse("二年级一班").unwrap(),
            students: 30,
            boarding: false,
        });
        let with_class = apply(&without, update, &actor).unwrap();
        let mut update = DirectoryUpdate::from_profile(&with_class);
        update.classes.retain(|c| c.id != class);
        let gone = apply(&with_class, update, &actor).unwrap();
        assert_ne!(gone.next_class_id(), class);
        let mut update = DirectoryUpdate::from_profile(&gone);
        update
            .classes
            .push(with_class.classes.last().unwrap().clone());
        assert!(apply(&gone, update, &actor).is_err());
    }

    #[test]
    fn deadlines_change_only_when_given_and_sane() {
        let demo = crate::demo::school();
        let mut update = DirectoryUpdate::from_profile(&demo);
        let mut settings = demo.checkins;
        settings.morning_due = chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap();
        update.checkins = Some(settings);
        let next = apply(&demo, update, &admin()).unwrap();
        assert_eq!(next.checkins.morning_due.to_string(), "08:30:00");
        let kept = apply(&next, DirectoryUpdate::from_profile(&next), &admin()).unwrap();
        assert_eq!(kept.checkins, next.checkins);
        let mut bad = DirectoryUpdate::from_profile(&next);
        settings.illness_percent = 0;
        bad.checkins = Some(settings);
        assert!(apply(&next, bad, &admin()).is_err());
    }

    #[test]
    fn stale_revisions_conflict() {
        let demo = crate::demo::school();
        let mut update = DirectoryUpdate::from_profile(&demo);
        update.revision -= 1;
        assert_eq!(
            apply(&demo, update, &admin()).unwrap_err().code,
            ErrorCode::Conflict
        );
    }

    #[test]
    fn invalid_directories_are_refused_whole() {
        let demo = crate::demo::school();
        let actor = admin();
        let mut unknown_class = DirectoryUpdate::from_profile(&demo);
        unknown_class.staff[0]
            .classes
            .push(ClassId::parse("zz9").unwrap());
        let mut no_admin = DirectoryUpdate::from_profile(&demo);
        no_admin.staff.retain(|m| m.id != actor.staff);
        let mut demoted = DirectoryUpdate::from_profile(&demo);
        for m in &mut demoted.staff {
            if m.id == actor.staff {
                m.role = Role::Teacher;
            }
        }
        let mut duplicate = DirectoryUpdate::from_profile(&demo);
        let mut twin = duplicate.staff[0].clone();
        twin.name = Name::parse("李红二").unwrap();
        duplicate.staff.push(twin);
        let mut logistics_teaching = DirectoryUpdate::from_profile(&demo);
        for m in &mut logistics_teaching.staff {
            if m.role == Role::Logistics {
                m.classes.push(ClassId::parse("g1c1").unwrap());
            }
        }
        let mut many = DirectoryUpdate::from_profile(&demo);
        many.staff[0].classes = (0..=MAX_CLASSES_PER_TEACHER)
            .map(|i| ClassId::parse(&format!("x{i}")).unwrap())
            .collect();
        for update in [
            unknown_class,
            no_admin,
            demoted,
            duplicate,
            logistics_teaching,
            many,
        ] {
            assert_eq!(
                apply(&demo, update, &actor).unwrap_err().code,
                ErrorCode::BadRequest
            );
        }
        assert!(StaffId::parse("s1").is_ok());
    }
}
