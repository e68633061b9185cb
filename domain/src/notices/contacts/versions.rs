//! Which version of each contact the school sees, and the edits it would lose without
//! saying so: two phones that change one contact offline both write a whole contact, and
//! the later write wins (by clock, then author, as notices are folded, so every device and
//! the Worker agree). Each write names the versions it was made over (`replaces`), so an
//! edit made alongside the winner, which the winner's writer never saw, is shown beside it
//! until someone saves the contact again having seen both.

use super::EmergencyContact;
use crate::sync::{Hlc, versions};
use crate::text::Name;

/// An edit of a contact that the current version's writer never saw.
pub type UnseenEdit = versions::Unseen<EmergencyContact>;

/// A contact as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactView {
    pub contact: EmergencyContact,
    /// The current version's clock, which an edit of it replaces, and its writer.
    pub version: Hlc,
    pub by: Name,
    /// Edits made alongside it and not kept, newest first.
    pub unseen: Vec<UnseenEdit>,
}

impl ContactView {
    /// `edited` as written over what this view shows: it replaces the current version and
    /// every edit shown as not kept, which then stop being shown.
    pub fn over(&self, mut edited: EmergencyContact) -> EmergencyContact {
        edited.replaces = std::iter::once(self.version)
            .chain(self.unseen.iter().map(|u| u.at))
            .collect();
        edited
    }
}

/// The contacts the school lists, each with the edits its current version never saw;
/// removed ones left out, in the order the page lists them: the school first, then
/// clinic, police, government duty; by name within a kind.
pub fn views<'a>(
    writes: impl IntoIterator<Item = (Hlc, &'a Name, &'a EmergencyContact)>,
) -> Vec<ContactView> {
    let mut out: Vec<ContactView> =
        versions::of_records(writes, |c| &c.id, |c: &EmergencyContact| &c.replaces)
            .into_iter()
            .map(|(_, v)| v)
            .filter(|v| !v.current.record.removed)
            .map(|v| ContactView {
                contact: v.current.record.clone(),
                version: v.current.at,
                by: v.current.by.clone(),
                unseen: v.unseen.iter().map(|u| u.owned()).collect(),
            })
            .collect();
    crate::order::sort_by(&mut out, |a, b| {
        (a.contact.kind, &a.contact.name).cmp(&(b.contact.kind, &b.contact.name))
    });
    out
}

/// The contacts as the public page shows them: each one's current version.
pub fn current<'a>(
    writes: impl IntoIterator<Item = (Hlc, &'a Name, &'a EmergencyContact)>,
) -> Vec<EmergencyContact> {
    views(writes).into_iter().map(|v| v.contact).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::notices::contacts::{ContactKind, Phone};

    fn clock(wall: u64) -> Hlc {
        Hlc { wall, counter: 0 }
    }

    fn clinic(phone: &str, replaces: &[u64]) -> EmergencyContact {
        let mut c =
            EmergencyContact::new("c-clinic", ContactKind::Clinic, "卫生院", "120").unwrap();
        c.phone = Phone::parse(phone).unwrap();
        c.replaces = replaces.iter().map(|w| clock(*w)).collect();
        c
    }

    fn view(writes: &[(u64, &str, EmergencyContact)]) -> ContactView {
        let names: Vec<(Hlc, Name, &EmergencyContact)> = writes
            .iter()
            .map(|(w, by, c)| (clock(*w), Name::parse(by).unwrap(), c))
            .collect();
        let mut views = views(names.iter().map(|(h, n, c)| (*h, n, *c)));
        assert_eq!(views.len(), 1);
        views.remove(0)
    }

    #[test]
    fn an_edit_made_alongside_the_kept_one_is_shown_until_saved_over() {
        let first = (1, "周校长", clinic("0571-1", &[]));
        let a = (5, "陈建国", clinic("0571-5", &[1]));
        let b = (10, "周校长", clinic("0571-10", &[1]));
        let v = view(&[first.clone(), a.clone(), b.clone()]);
        assert_eq!(v.contact.phone.to_string(), "0571-10");
        assert_eq!(v.unseen.len(), 1);
        assert_eq!(
            (v.unseen[0].at, v.unseen[0].by.to_string()),
            (clock(5), "陈建国".into())
        );
        // In any order the same.
        assert_eq!(view(&[b.clone(), first.clone(), a.clone()]), v);
        // Someone who saw both saves it: nothing is shown as not kept.
        let resolved = v.over(clinic("0571-5", &[]));
        assert_eq!(resolved.replaces, vec![clock(10), clock(5)]);
        let after = view(&[
            first.clone(),
            a.clone(),
            b.clone(),
            (12, "陈建国", resolved),
        ]);
        assert!(after.unseen.is_empty());
        assert_eq!(after.contact.phone.to_string(), "0571-5");
        // An edit over the kept version alone leaves the unseen one shown.
        let over_b = (12, "王磊", clinic("0571-12", &[10]));
        assert_eq!(view(&[first, a, b, over_b]).unseen.len(), 1);
    }

    #[test]
    fn edits_one_after_another_and_writes_older_than_replaces_are_no_conflict() {
        let chain = [
            (1, "周校长", clinic("0571-1", &[])),
            (2, "陈建国", clinic("0571-2", &[1])),
            (3, "周校长", clinic("0571-3", &[2])),
        ];
        assert!(view(&chain).unseen.is_empty());
        // Writes made before contacts named what they replaced are taken as seen.
        let legacy = [
            (1, "周校长", clinic("0571-1", &[])),
            (2, "陈建国", clinic("0571-2", &[])),
        ];
        assert!(view(&legacy).unseen.is_empty());
    }
}
