//! Accounts: signing a device in (an invite code, or the first admin's setup code), the
//! screen of a device that learnt it is signed out, and the office's administration of the
//! directory, invites and devices.

#[cfg(feature = "office")]
mod admin;
mod join;
mod signed_out;

use guardpost_domain::school::Role;
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::auth::{Actor, Operation};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};
use crate::sync::SyncView;

#[cfg(feature = "office")]
pub use admin::AdminPage;
pub use join::Join;
pub use signed_out::SignedOutScreen;

/// The role's name in the person's language.
pub fn role_label(i18n: I18nContext<Locale>, role: Role) -> &'static str {
    match role {
        Role::Admin => t_string!(i18n, roles.admin),
        Role::Health => t_string!(i18n, roles.health),
        Role::Logistics => t_string!(i18n, roles.logistics),
        Role::Teacher => t_string!(i18n, roles.teacher),
    }
}

pub const ROLES: [Role; 4] = [Role::Teacher, Role::Health, Role::Logistics, Role::Admin];

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Health => "health",
        Role::Logistics => "logistics",
        Role::Teacher => "teacher",
    }
}

pub fn role_of_key(key: &str) -> Role {
    ROLES
        .into_iter()
        .find(|r| role_key(*r) == key)
        .unwrap_or(Role::Teacher)
}

/// Whether the app lists the drills for this person: a class teacher's phone neither pulls
/// nor shows them (the Worker's read rule), so a link to them would open on a screen with
/// nothing of hers. Before anyone signs in, the areas are all listed.
pub fn lists_drills(view: SyncView) -> impl Fn() -> bool + Copy {
    move || {
        view.session
            .get()
            .is_none_or(|s| s.may_read(&Stream::Drills).is_ok())
    }
}

/// Whether the signed-in person administers the directory: the rule the Worker enforces, so
/// no one is shown a page that would refuse them.
pub fn manages_directory(view: SyncView) -> impl Fn() -> bool + Copy {
    move || {
        view.session
            .get()
            .is_some_and(|s| s.may(Operation::ManageDirectory).is_ok())
    }
}
