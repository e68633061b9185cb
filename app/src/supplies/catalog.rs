use guardpost_domain::changes::Payload;
use std::collections::BTreeMap;

use guardpost_domain::supplies::{Item, item_versions, starter_catalog};
use guardpost_domain::sync::Hlc;
use guardpost_domain::sync::versions::Unseen;
use leptos::prelude::*;

use super::access::{catalog, save_item};
use super::item_form::ItemForm;
use super::labels;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{use_sync, with_replica};
use crate::widgets::{Conflict, Outcome, SyncMark};

/// The catalog, and the starter catalog for a store that has none yet; items are added and
/// edited (or retired) here.
#[component]
pub fn CatalogList() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (message, set_message) = signal(None::<(bool, String)>);
    let items = move || catalog(view);
    let marks = move || {
        view.revision.track();
        with_replica(|r| {
            r.row_marks(|p| match p {
                Payload::SupplyItem(i) => Some(i.id.clone()),
                _ => None,
            })
        })
        .unwrap_or_default()
    };
    // Per item: what an edit replaces, and the edits made alongside the kept one that it
    // does not hold (two phones editing it offline), with who made them and when.
    let versions = move || {
        view.revision.track();
        with_replica(|r| {
            item_versions(r.changes_by())
                .into_iter()
                .map(|(id, v)| {
                    let unseen: Vec<Unseen<Item>> = v.unseen.iter().map(|u| u.owned()).collect();
                    (id.clone(), (v.replaced(), unseen))
                })
                .collect::<BTreeMap<_, _>>()
        })
        .unwrap_or_default()
    };
    // None: the list; Some(None): a new item; Some(Some(..)): editing one.
    let editing = RwSignal::new(None::<Option<(Item, Vec<Hlc>)>>);
    let done = Callback::new(move |outcome: (bool, String)| {
        editing.set(None);
        set_message.set(Some(outcome));
    });
    view! {
        <Show when=move || items().is_empty()>
            <StarterCatalog set_message/>
        </Show>
        <Outcome message/>
        {move || match editing.get() {
            Some(item) => view! {
                <ItemForm editing=item done/>
                <button type="button" on:click=move |_| editing.set(None)>{t!(i18n, supplies.count_cancel_edit)}</button>
            }.into_any(),
            None => view! {
                <button type="button" class="primary" data-testid="new-item" on:click=move |_| { set_message.set(None); editing.set(Some(None)); }>
                    {t!(i18n, supplies.new_item)}
                </button>
            }.into_any(),
        }}
        <ul class="list catalog" data-testid="catalog">
            {move || { let marks = marks(); let mut versions = versions(); items().into_iter().map(|item| {
                let (replaced, unseen) = versions.remove(&item.id).unwrap_or_default();
                let edit_item = (item.clone(), replaced);
                let mark = marks.get(&item.id).copied();
                let tz = super::access::school_tz();
                let unseen: Vec<String> = unseen.into_iter().map(|u| format!("{} · {}: {}",
                    tz.local_minute_at_ms(u.at.wall).unwrap_or_default(), u.by, item_summary(i18n, &u.record))).collect();
                let norm = item.norm.map(|n| format!("{} {} / {} {} · {}", n.units, item.unit, n.per_people, t_string!(i18n, supplies.people), t_string!(i18n, supplies.a_day)));
                view! {
                    <li class="card">
                        <strong>{item.name.to_string()}</strong>
                        <span class="muted">{format!(" · {} · {} · {} {}/{}", labels::category(i18n, item.category), item.zone, item.pack_size, item.unit, t_string!(i18n, supplies.pack))}</span>
                        " "<SyncMark mark/>
                        <p>{format!("{} {} {} · {} {}", t_string!(i18n, supplies.reserve), item.reserve_days, t_string!(i18n, supplies.days), t_string!(i18n, supplies.norm), norm.unwrap_or_else(|| "—".into()))}</p>
                        {item.reusable.then(|| view! { <p class="muted">{t!(i18n, supplies.reusable)}</p> })}
                        {labels::handling(i18n, item.hazard).map(|h| view! { <p class="notice error">{h}</p> })}
                        {(!unseen.is_empty()).then(|| view! {
                            <Conflict said=t_string!(i18n, supplies.item_unseen) testid="item-conflict">
                                <ul>{unseen.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul>
                            </Conflict>
                        })}
                        <button type="button" on:click=move |_| { set_message.set(None); editing.set(Some(Some(edit_item.clone()))); }>
                            {t!(i18n, supplies.edit)}
                        </button>
                    </li>
                }
            }).collect_view() }}
        </ul>
    }
}

/// An item's figures as the catalog lists them, to compare two versions by.
fn item_summary(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, item: &Item) -> String {
    format!(
        "{} · {} · {} {}/{} · {} {} {}{}",
        item.name,
        item.zone,
        item.pack_size,
        item.unit,
        t_string!(i18n, supplies.pack),
        t_string!(i18n, supplies.reserve),
        item.reserve_days,
        t_string!(i18n, supplies.days),
        if item.retired {
            format!(" · {}", t_string!(i18n, supplies.retired))
        } else {
            String::new()
        }
    )
}

/// Offers the starter catalog from the schools' plans, written as one catalog entry each.
#[component]
pub fn StarterCatalog(set_message: WriteSignal<Option<(bool, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let busy = RwSignal::new(false);
    let load = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let mut outcome = (true, String::new());
            for item in starter_catalog() {
                outcome = save_item(view, i18n, item).await;
                if !outcome.0 {
                    break;
                }
            }
            set_message.set(Some(outcome));
            busy.set(false);
        });
    };
    view! {
        <div class="card">
            <p>{t!(i18n, supplies.no_catalog)}</p>
            <button type="button" class="primary" data-testid="load-starter" disabled=move || busy.get() on:click=load>
                {t!(i18n, supplies.load_starter)}
            </button>
        </div>
    }
}
