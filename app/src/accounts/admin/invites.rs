use gloo_net::http::Method;
use guardpost_domain::accounts::invites::CancelInvite;
use guardpost_domain::accounts::{DeviceSummary, RevokeRequest};
use leptos::prelude::*;

use super::{Admin, school_time};
use crate::accounts::role_label;
use crate::i18n::{t, t_string};
use crate::sync::engine::use_sync;

/// A just-created invite: the code as text and as a QR code, shown once.
#[component]
pub(super) fn CreatedInvite(admin: Admin) -> impl IntoView {
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

#[component]
pub(super) fn InviteSection(admin: Admin) -> impl IntoView {
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
pub(super) fn DeviceSection(admin: Admin) -> impl IntoView {
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
