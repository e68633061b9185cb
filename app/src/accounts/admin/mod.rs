//! The prevention office's administration: the directory (classes, staff and who teaches
//! which class), invite codes for people's phones, and the devices signed in. Every change
//! goes to the Worker at once (it changes who may see what), so this page needs a network;
//! a refused change is shown with the reason and nothing is applied.

mod backup;
mod classes;
mod invites;
mod staff;

use gloo_net::http::Method;
use guardpost_domain::accounts::DeviceSummary;
use guardpost_domain::accounts::directory::DirectoryUpdate;
use guardpost_domain::accounts::invites::{InviteCreated, InviteSummary};
use guardpost_domain::api::ErrorCode;
use guardpost_domain::school::SchoolProfile;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::manages_directory;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::api::{self, CallError};
use crate::sync::engine::{token, use_sync};
use backup::BackupSection;
use classes::{ClassSection, DeadlineSection};
use invites::{CreatedInvite, DeviceSection, InviteSection};
use staff::StaffSection;

#[derive(Debug, Clone, PartialEq)]
struct AdminData {
    directory: SchoolProfile,
    invites: Vec<InviteSummary>,
    devices: Vec<DeviceSummary>,
}

async fn load() -> Result<AdminData, CallError> {
    let token = token().ok_or(CallError::Refused {
        status: 401,
        body: None,
    })?;
    let directory = api::get("/api/v1/admin/directory", &token).await?;
    let invites = api::get("/api/v1/admin/invites", &token).await?;
    let devices = api::get("/api/v1/admin/devices", &token).await?;
    Ok(AdminData {
        directory,
        invites,
        devices,
    })
}

/// A refused or failed call, in the person's language.
fn call_error_text(i18n: I18nContext<Locale>, e: &CallError) -> String {
    match (e, e.code()) {
        (CallError::Unreachable, _) => t_string!(i18n, admin.offline).to_owned(),
        (_, Some(ErrorCode::Conflict)) => t_string!(i18n, admin.conflict).to_owned(),
        (_, Some(ErrorCode::Forbidden)) => t_string!(i18n, admin.only_admins).to_owned(),
        _ => format!("{} {}", t_string!(i18n, admin.refused), e.message()),
    }
}

/// What the page shares with its parts.
#[derive(Clone, Copy)]
struct Admin {
    i18n: I18nContext<Locale>,
    data: RwSignal<Option<Result<AdminData, CallError>>>,
    /// The outcome of the last change: (succeeded, text).
    message: RwSignal<Option<(bool, String)>>,
    created: RwSignal<Option<InviteCreated>>,
    busy: RwSignal<bool>,
}

impl Admin {
    fn reload(self) {
        leptos::task::spawn_local(async move {
            self.data.set(Some(load().await));
        });
    }

    /// A part of what was loaded, once it has loaded.
    fn loaded<T>(self, part: impl FnOnce(&AdminData) -> T) -> Option<T> {
        self.data
            .with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).map(part))
    }

    fn directory(self) -> Option<SchoolProfile> {
        self.loaded(|d| d.directory.clone())
    }

    /// Sends one call, shows its outcome, and reloads everything after it.
    fn send<B, T>(self, method: Method, path: &'static str, body: B, done: impl FnOnce(T) + 'static)
    where
        B: serde::Serialize + 'static,
        T: serde::de::DeserializeOwned + 'static,
    {
        let Some(token) = token() else { return };
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<B, T>(method, path, Some(&token), Some(&body)).await {
                Ok(answer) => {
                    self.message
                        .set(Some((true, t_string!(self.i18n, admin.saved).to_owned())));
                    done(answer);
                }
                Err(e) => self
                    .message
                    .set(Some((false, call_error_text(self.i18n, &e)))),
            }
            self.busy.set(false);
            self.reload();
        });
    }

    /// Applies `edit` to the directory as loaded and sends the result.
    fn edit_directory(self, edit: impl FnOnce(&SchoolProfile, &mut DirectoryUpdate)) {
        let Some(current) = self.directory() else {
            return;
        };
        let mut update = DirectoryUpdate::from_profile(&current);
        edit(&current, &mut update);
        self.send::<_, SchoolProfile>(Method::PUT, "/api/v1/admin/directory", update, |_| {});
    }

    fn confirm(self, text: String) -> bool {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(&text).ok())
            .unwrap_or(false)
    }
}

/// The administration page, for admins only.
#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let allowed = manages_directory(view);
    view! {
        <section class="area admin">
            <h1>{t!(i18n, admin.title)}</h1>
            <Show when=allowed fallback=move || view! { <p class="empty-state">{t!(i18n, admin.only_admins)}</p> }>
                <AdminBody/>
            </Show>
        </section>
    }
}

#[component]
fn AdminBody() -> impl IntoView {
    let i18n = use_i18n();
    let admin = Admin {
        i18n,
        data: RwSignal::new(None),
        message: RwSignal::new(None),
        created: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    admin.reload();
    let loaded = move || admin.data.with(|d| matches!(d, Some(Ok(_))));
    let load_error = move || {
        admin.data.with(|d| match d {
            Some(Err(e)) => Some(call_error_text(i18n, e)),
            _ => None,
        })
    };
    view! {
        <p class="intro">{t!(i18n, admin.intro)}</p>
        <Show when=move || admin.message.get().is_some()>
            <p
                role="status"
                data-testid="admin-message"
                class=move || if admin.message.get().is_some_and(|m| m.0) { "ok" } else { "error" }
            >
                {move || admin.message.get().map(|m| m.1)}
            </p>
        </Show>
        <Show when=move || load_error().is_some()>
            <p class="error" role="alert">{load_error}</p>
            <button type="button" on:click=move |_| admin.reload()>{t!(i18n, admin.retry)}</button>
        </Show>
        <Show when=loaded fallback=move || view! { <p class="muted">{t!(i18n, sync.loading)}</p> }>
            <CreatedInvite admin/>
            <StaffSection admin/>
            <ClassSection admin/>
            <DeadlineSection admin/>
            <InviteSection admin/>
            <DeviceSection admin/>
            <BackupSection admin/>
        </Show>
    }
}

fn school_time(ms: u64) -> String {
    let tz = use_school()
        .get_untracked()
        .map(|s| s.timezone)
        .unwrap_or_default();
    tz.local_minute_at_ms(ms).unwrap_or_default()
}
