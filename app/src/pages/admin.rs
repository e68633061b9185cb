//! The prevention office's administration: the directory (classes, staff and who teaches
//! which class), invite codes for people's phones, and the devices signed in. Every change
//! goes to the Worker at once (it changes who may see what), so this page needs a network;
//! a refused change is shown with the reason and nothing is applied.

use gloo_net::http::Method;
use guardpost_domain::accounts::directory::DirectoryUpdate;
use guardpost_domain::accounts::invites::{
    CancelInvite, CreateInvite, DEFAULT_INVITE_HOURS, InviteCreated, InviteSummary,
};
use guardpost_domain::accounts::{DeviceSummary, RevokeRequest};
use guardpost_domain::api::ErrorCode;
use guardpost_domain::school::{ClassGroup, ClassId, Role, SchoolProfile, StaffId, StaffMember};
use guardpost_domain::sync::auth::{Actor, Operation};
use guardpost_domain::text::Name;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::api::{self, CallError};
use crate::sync::engine::{token, use_sync};

/// The role's name in the person's language.
pub fn role_label(i18n: I18nContext<Locale>, role: Role) -> &'static str {
    match role {
        Role::Admin => t_string!(i18n, roles.admin),
        Role::Health => t_string!(i18n, roles.health),
        Role::Logistics => t_string!(i18n, roles.logistics),
        Role::Teacher => t_string!(i18n, roles.teacher),
    }
}

const ROLES: [Role; 4] = [Role::Teacher, Role::Health, Role::Logistics, Role::Admin];

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Health => "health",
        Role::Logistics => "logistics",
        Role::Teacher => "teacher",
    }
}

fn role_of_key(key: &str) -> Role {
    ROLES
        .into_iter()
        .find(|r| role_key(*r) == key)
        .unwrap_or(Role::Teacher)
}

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
    let allowed = move || {
        view.session
            .get()
            .is_some_and(|s| s.may(Operation::ManageDirectory).is_ok())
    };
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

/// A just-created invite: the code as text and as a QR code, shown once.
#[component]
fn CreatedInvite(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let card = NodeRef::<leptos::html::Div>::new();
    // The admin has usually scrolled down to the invite form: bring the code into view.
    Effect::new(move |_| {
        if let Some(el) = card.get() {
            el.scroll_into_view();
        }
    });
    move || {
        admin.created.get().map(|created| {
            view! {
                <div class="card invite-created" data-testid="invite-created" node_ref=card>
                    <h2>{format!("{} {}", t_string!(i18n, admin.invite_for), created.invite.name)}</h2>
                    <p class="invite-code" data-testid="invite-code">{created.code.clone()}</p>
                    // The SVG is drawn by our own Worker from the link alone.
                    <div class="qr" inner_html=created.qr_svg.clone()></div>
                    <p class="muted">{t!(i18n, admin.invite_help)}</p>
                    <p class="muted">
                        {format!("{} {}", t_string!(i18n, admin.expires), school_time(created.invite.expires_at_ms))}
                    </p>
                    <button type="button" on:click=move |_| admin.created.set(None)>{t!(i18n, admin.done)}</button>
                </div>
            }
        })
    }
}

/// The form for one person: new, or editing one in the directory.
#[component]
fn StaffForm(
    admin: Admin,
    initial: Option<StaffMember>,
    on_save: Callback<(Name, Role, Vec<ClassId>)>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = admin.i18n;
    let (name, set_name) = signal(
        initial
            .as_ref()
            .map(|m| m.name.to_string())
            .unwrap_or_default(),
    );
    let (role, set_role) = signal(initial.as_ref().map_or(Role::Teacher, |m| m.role));
    let chosen = RwSignal::new(
        initial
            .as_ref()
            .map(|m| m.classes.clone())
            .unwrap_or_default(),
    );
    let (problem, set_problem) = signal(None::<String>);
    let classes = move || admin.directory().map(|d| d.classes).unwrap_or_default();
    let is_new = initial.is_none();
    let initial_is_new = move || is_new;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(parsed) = Name::parse(&name.get_untracked()) else {
            set_problem.set(Some(t_string!(i18n, admin.name_needed).to_owned()));
            return;
        };
        set_problem.set(None);
        let role = role.get_untracked();
        let classes = if role == Role::Teacher {
            chosen.get_untracked()
        } else {
            Vec::new()
        };
        on_save.run((parsed, role, classes));
        if initial_is_new() {
            set_name.set(String::new());
            chosen.set(Vec::new());
        }
    };
    view! {
        <form class="form staff-form" on:submit=submit>
            <label>
                <span>{t!(i18n, admin.person_name)}</span>
                <input type="text" name="staff-name" prop:value=name
                    on:input=move |ev| set_name.set(event_target_value(&ev))/>
            </label>
            <label>
                <span>{t!(i18n, admin.role)}</span>
                <select name="staff-role" on:change=move |ev| set_role.set(role_of_key(&event_target_value(&ev)))>
                    {ROLES.into_iter().map(|r| view! {
                        <option value=role_key(r) selected=move || role.get() == r>{role_label(i18n, r)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || role.get() == Role::Teacher>
                <fieldset class="class-choice">
                    <legend>{t!(i18n, admin.classes_taught)}</legend>
                    {move || classes().into_iter().map(|c| {
                        let id = c.id.clone();
                        let checked = {
                            let id = id.clone();
                            move || chosen.with(|v| v.contains(&id))
                        };
                        view! {
                            <label class="tick">
                                <input type="checkbox" prop:checked=checked on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|v| {
                                        v.retain(|x| x != &id);
                                        if on { v.push(id.clone()); }
                                    });
                                }/>
                                <span>{c.name.to_string()}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            </Show>
            <Show when=move || problem.get().is_some()>
                <p class="error" role="alert">{move || problem.get()}</p>
            </Show>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || admin.busy.get()>
                    {move || if initial_is_new() { t_string!(i18n, admin.add_staff) } else { t_string!(i18n, admin.save) }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" on:click=move |_| cancel.run(())>{t!(i18n, admin.cancel)}</button>
                })}
            </div>
        </form>
    }
}

#[component]
fn StaffSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let editing = RwSignal::new(None::<StaffId>);
    let staff = move || admin.directory().map(|d| d.staff).unwrap_or_default();
    let class_names = move |ids: &[ClassId]| {
        let directory = admin.directory();
        ids.iter()
            .map(|id| {
                directory
                    .as_ref()
                    .and_then(|d| d.class(id))
                    .map_or_else(|| id.to_string(), |c| c.name.to_string())
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let add = Callback::new(move |(name, role, classes): (Name, Role, Vec<ClassId>)| {
        admin.edit_directory(move |current, update| {
            update.staff.push(StaffMember {
                id: current.next_staff_id(),
                name,
                role,
                classes,
            });
        });
    });
    view! {
        <section class="card" data-testid="staff">
            <h2>{t!(i18n, admin.staff)}</h2>
            <ul class="rows">
                <For each=staff key=|m| (m.id.clone(), m.name.clone(), m.role, m.classes.clone()) let:member>
                    {
                        let id = member.id.clone();
                        let row_id = id.clone();
                        let is_editing = move || editing.get().as_ref() == Some(&row_id);
                        let for_invite = id.clone();
                        let for_remove = id.clone();
                        let name = member.name.to_string();
                        let remove_name = name.clone();
                        let member_for_form = member.clone();
                        let save = Callback::new({
                            let id = id.clone();
                            move |(name, role, classes): (Name, Role, Vec<ClassId>)| {
                                let id = id.clone();
                                editing.set(None);
                                admin.edit_directory(move |_, update| {
                                    if let Some(m) = update.staff.iter_mut().find(|m| m.id == id) {
                                        m.name = name;
                                        m.role = role;
                                        m.classes = classes;
                                    }
                                });
                            }
                        });
                        let cancel = Callback::new(move |()| editing.set(None));
                        view! {
                            <li class="row" data-staff=name.clone()>
                                <Show when=is_editing.clone() fallback={
                                    let id = id.clone();
                                    let classes = class_names(&member.classes);
                                    let name = name.clone();
                                    move || {
                                        let id_edit = id.clone();
                                        let for_invite = for_invite.clone();
                                        let for_remove = for_remove.clone();
                                        let remove_name = remove_name.clone();
                                        view! {
                                            <div class="row-main">
                                                <strong>{name.clone()}</strong>
                                                <span class="tag">{role_label(i18n, member.role)}</span>
                                                <span class="muted">{classes.clone()}</span>
                                            </div>
                                            <div class="actions">
                                                <button type="button" class="primary" disabled=move || admin.busy.get() on:click=move |_| {
                                                    let staff = for_invite.clone();
                                                    admin.send::<_, InviteCreated>(
                                                        Method::POST,
                                                        "/api/v1/admin/invites",
                                                        CreateInvite { staff, hours: DEFAULT_INVITE_HOURS },
                                                        move |created| admin.created.set(Some(created)),
                                                    );
                                                }>{t!(i18n, admin.invite)}</button>
                                                <button type="button" on:click=move |_| editing.set(Some(id_edit.clone()))>{t!(i18n, admin.edit)}</button>
                                                <button type="button" class="danger" disabled=move || admin.busy.get() on:click=move |_| {
                                                    let question = format!("{} {}", t_string!(i18n, admin.confirm_remove), remove_name);
                                                    if admin.confirm(question) {
                                                        let id = for_remove.clone();
                                                        admin.edit_directory(move |_, update| update.staff.retain(|m| m.id != id));
                                                    }
                                                }>{t!(i18n, admin.remove)}</button>
                                            </div>
                                        }
                                    }
                                }>
                                    <StaffForm admin initial=Some(member_for_form.clone()) on_save=save on_cancel=cancel/>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ul>
            <h3>{t!(i18n, admin.add_staff)}</h3>
            <StaffForm admin initial=None on_save=add/>
        </section>
    }
}

#[component]
fn ClassSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let classes = move || admin.directory().map(|d| d.classes).unwrap_or_default();
    let (name, set_name) = signal(String::new());
    let (students, set_students) = signal(String::new());
    let (boarding, set_boarding) = signal(false);
    let (problem, set_problem) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = Name::parse(&name.get_untracked());
        let count = students.get_untracked().trim().parse::<u16>();
        let (Ok(parsed), Ok(count)) = (parsed, count) else {
            set_problem.set(Some(t_string!(i18n, admin.class_needed).to_owned()));
            return;
        };
        if count > ClassGroup::MAX_STUDENTS {
            set_problem.set(Some(t_string!(i18n, admin.class_needed).to_owned()));
            return;
        }
        set_problem.set(None);
        let boards = boarding.get_untracked();
        admin.edit_directory(move |current, update| {
            update.classes.push(ClassGroup {
                id: current.next_class_id(),
                name: parsed,
                students: count,
                boarding: boards,
            });
        });
        set_name.set(String::new());
        set_students.set(String::new());
        set_boarding.set(false);
    };
    view! {
        <section class="card" data-testid="classes">
            <h2>{t!(i18n, admin.classes)}</h2>
            <ul class="rows">
                <For each=classes key=|c| (c.id.clone(), c.name.clone(), c.students, c.boarding) let:class>
                    {
                        let id = class.id.clone();
                        let label = class.name.to_string();
                        let question_name = label.clone();
                        view! {
                            <li class="row">
                                <div class="row-main">
                                    <strong>{label}</strong>
                                    <span class="muted">{format!("{} {}", class.students, t_string!(i18n, admin.students))}</span>
                                    {class.boarding.then(|| view! { <span class="tag">{t!(i18n, admin.boarding)}</span> })}
                                </div>
                                <div class="actions">
                                    <button type="button" class="danger" disabled=move || admin.busy.get() on:click=move |_| {
                                        let question = format!("{} {}", t_string!(i18n, admin.confirm_remove), question_name);
                                        if admin.confirm(question) {
                                            let id = id.clone();
                                            admin.edit_directory(move |_, update| {
                                                update.classes.retain(|c| c.id != id);
                                                for m in &mut update.staff {
                                                    m.classes.retain(|c| c != &id);
                                                }
                                            });
                                        }
                                    }>{t!(i18n, admin.remove)}</button>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ul>
            <h3>{t!(i18n, admin.add_class)}</h3>
            <form class="form" on:submit=submit>
                <label>
                    <span>{t!(i18n, admin.class_name)}</span>
                    <input type="text" name="class-name" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
                </label>
                <label>
                    <span>{t!(i18n, admin.students)}</span>
                    <input type="number" name="class-students" min="0" max="200" inputmode="numeric"
                        prop:value=students on:input=move |ev| set_students.set(event_target_value(&ev))/>
                </label>
                <label class="tick">
                    <input type="checkbox" name="class-boarding" prop:checked=boarding on:change=move |ev| set_boarding.set(event_target_checked(&ev))/>
                    <span>{t!(i18n, admin.boarding)}</span>
                </label>
                <Show when=move || problem.get().is_some()>
                    <p class="error" role="alert">{move || problem.get()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || admin.busy.get()>{t!(i18n, admin.add_class)}</button>
            </form>
        </section>
    }
}

#[component]
fn InviteSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let invites = move || admin.loaded(|d| d.invites.clone()).unwrap_or_default();
    view! {
        <section class="card" data-testid="invites">
            <h2>{t!(i18n, admin.invites)}</h2>
            <Show when=move || !invites().is_empty() fallback=move || view! { <p class="muted">{t!(i18n, admin.no_invites)}</p> }>
                <ul class="rows">
                    <For each=invites key=|i| i.id.clone() let:invite>
                        {
                            let id = invite.id.clone();
                            view! {
                                <li class="row">
                                    <div class="row-main">
                                        <strong>{invite.invite.name.to_string()}</strong>
                                        <span class="tag">{role_label(i18n, invite.invite.role)}</span>
                                        <span class="muted">{format!("{} {}", t_string!(i18n, admin.expires), school_time(invite.invite.expires_at_ms))}</span>
                                    </div>
                                    <div class="actions">
                                        <button type="button" disabled=move || admin.busy.get() on:click=move |_| {
                                            admin.send::<_, CancelInvite>(Method::POST, "/api/v1/admin/invites/cancel", CancelInvite { id: id.clone() }, |_| {});
                                        }>{t!(i18n, admin.cancel_invite)}</button>
                                    </div>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn DeviceSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let sync = use_sync();
    let devices = move || admin.loaded(|d| d.devices.clone()).unwrap_or_default();
    view! {
        <section class="card" data-testid="devices">
            <h2>{t!(i18n, admin.devices)}</h2>
            <Show when=move || !devices().is_empty() fallback=move || view! { <p class="muted">{t!(i18n, admin.no_devices)}</p> }>
                <ul class="rows">
                    <For each=devices key=|d| (d.device.clone(), d.revoked_at_ms) let:device>
                        {
                            let id = device.device.clone();
                            let own = sync.session.get_untracked().is_some_and(|s| s.device == id);
                            let device_attr = id.to_string();
                            let name = device.name.to_string();
                            let question = format!("{} {} ({})", t_string!(i18n, admin.confirm_revoke), name,
                                device.label.as_ref().map(|l| l.to_string()).unwrap_or_default());
                            let revoked = device.revoked_at_ms;
                            view! {
                                <li class="row" class:revoked=revoked.is_some() data-device=device_attr>
                                    <div class="row-main">
                                        <strong>{name.clone()}</strong>
                                        <span class="tag">{role_label(i18n, device.role)}</span>
                                        <span class="muted">{device.label.as_ref().map(|l| l.to_string())}</span>
                                        <span class="muted">{format!("{} {}", t_string!(i18n, admin.joined), school_time(device.created_at_ms))}</span>
                                        {revoked.map(|at| view! {
                                            <span class="tag danger">{format!("{} {}", t_string!(i18n, admin.revoked), school_time(at))}</span>
                                        })}
                                        {own.then(|| view! { <span class="tag">{t!(i18n, admin.this_device)}</span> })}
                                    </div>
                                    <Show when=move || revoked.is_none() && !own>
                                        <div class="actions">
                                            <button type="button" class="danger" disabled=move || admin.busy.get() on:click={
                                                let id = id.clone();
                                                let question = question.clone();
                                                move |_| {
                                                    if admin.confirm(question.clone()) {
                                                        admin.send::<_, DeviceSummary>(Method::POST, "/api/v1/admin/devices/revoke", RevokeRequest { device: id.clone() }, |_| {});
                                                    }
                                                }
                                            }>{t!(i18n, admin.revoke)}</button>
                                        </div>
                                    </Show>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// When each check is due, in school time, and when a class is flagged.
#[component]
fn DeadlineSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let current = admin.directory().map(|d| d.checkins).unwrap_or_default();
    let hhmm = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
    let (morning, set_morning) = signal(hhmm(current.morning_due));
    let (noon, set_noon) = signal(hhmm(current.noon_due));
    let (evening, set_evening) = signal(hhmm(current.evening_due));
    let (percent, set_percent) = signal(current.illness_percent.to_string());
    let (problem, set_problem) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let time = |s: String| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
        let parsed = (
            time(morning.get_untracked()),
            time(noon.get_untracked()),
            time(evening.get_untracked()),
            percent.get_untracked().trim().parse::<u8>().ok(),
        );
        let (Some(m), Some(n), Some(e), Some(p)) = parsed else {
            set_problem.set(Some(t_string!(i18n, admin.deadlines_needed).to_owned()));
            return;
        };
        set_problem.set(None);
        admin.edit_directory(move |current, update| {
            update.checkins = Some(guardpost_domain::checkins::CheckinSettings {
                morning_due: m,
                noon_due: n,
                evening_due: e,
                illness_percent: p,
                ..current.checkins
            });
        });
    };
    view! {
        <section class="card" data-testid="deadlines">
            <h2>{t!(i18n, admin.deadlines)}</h2>
            <p class="muted">{t!(i18n, admin.deadlines_help)}</p>
            <form class="form" on:submit=submit>
                <div class="numbers">
                    <label><span>{t!(i18n, checkins.morning)}</span>
                        <input type="time" name="morning-due" prop:value=morning on:input=move |ev| set_morning.set(event_target_value(&ev))/></label>
                    <label><span>{t!(i18n, checkins.noon)}</span>
                        <input type="time" name="noon-due" prop:value=noon on:input=move |ev| set_noon.set(event_target_value(&ev))/></label>
                    <label><span>{t!(i18n, checkins.evening)}</span>
                        <input type="time" name="evening-due" prop:value=evening on:input=move |ev| set_evening.set(event_target_value(&ev))/></label>
                </div>
                <label><span>{t!(i18n, admin.illness_percent)}</span>
                    <input type="number" name="illness-percent" min="1" max="100" inputmode="numeric" prop:value=percent
                        on:input=move |ev| set_percent.set(event_target_value(&ev))/></label>
                <Show when=move || problem.get().is_some()>
                    <p class="error" role="alert">{move || problem.get()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || admin.busy.get()>{t!(i18n, admin.save)}</button>
            </form>
        </section>
    }
}
