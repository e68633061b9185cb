use gloo_net::http::Method;
use guardpost_domain::accounts::invites::{CreateInvite, DEFAULT_INVITE_HOURS, InviteCreated};
use guardpost_domain::school::ClassId;
use guardpost_domain::school::{Role, StaffId, StaffMember};
use guardpost_domain::text::Name;
use leptos::prelude::*;

use super::Admin;
use crate::accounts::{ROLES, role_key, role_label, role_of_key};
use crate::i18n::{t, t_string};
use crate::widgets::{FieldProblem, listed};

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
            <FieldProblem problem/>
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
pub(super) fn StaffSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let editing = RwSignal::new(None::<StaffId>);
    let staff = move || admin.directory().map(|d| d.staff).unwrap_or_default();
    let class_names = move |ids: &[ClassId]| {
        let directory = admin.directory();
        let names = ids
            .iter()
            .map(|id| {
                directory
                    .as_ref()
                    .and_then(|d| d.class(id))
                    .map_or_else(|| id.to_string(), |c| c.name.to_string())
            })
            .collect::<Vec<_>>();
        listed(i18n, &names)
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
