use guardpost_domain::supplies::{MovementKind, Signature};
use leptos::prelude::*;

use super::access::{catalog, school_tz, with_stock};
use super::labels;
use super::signature::SignatureView;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;

/// The most lines a page shows: a term's ledger stays quick to draw on a cheap phone.
const SHOWN: usize = 200;

/// One ledger line as the list draws it.
#[derive(Clone)]
struct Row {
    when: String,
    kind: &'static str,
    what: String,
    detail: String,
    signature: Option<Signature>,
}

/// The ledger (台账), newest first, for one item or all; who and when on every line.
#[component]
pub fn LedgerList() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (item, set_item) = signal(String::new());
    let tz = school_tz();
    let class_name = move |id: &str| {
        view.session
            .get_untracked()
            .and_then(|s| s.all_classes.into_iter().find(|c| c.id.as_str() == id))
            .map(|c| c.name.to_string())
            .unwrap_or_else(|| id.to_owned())
    };
    let rows = move || {
        let wanted = item.get();
        with_stock(view, |s| {
            s.lines
                .iter()
                .rev()
                .filter(|l| wanted.is_empty() || l.movement.lot.item.as_str() == wanted)
                .take(SHOWN)
                .map(|l| {
                    let m = l.movement;
                    let name = s
                        .items
                        .get(&m.lot.item)
                        .map_or_else(|| m.lot.item.to_string(), |i| i.name.to_string());
                    let unit = s
                        .items
                        .get(&m.lot.item)
                        .map(|i| i.unit.to_string())
                        .unwrap_or_default();
                    let (detail, signature) = match &m.what {
                        MovementKind::Receipt { supplier } => (supplier.to_string(), None),
                        MovementKind::Issue { to, signature, due } => (
                            format!(
                                "→ {} {}{}",
                                labels::holder(i18n, &to.holder, class_name),
                                to.person,
                                due.map(|d| format!(" · {} {d}", t_string!(i18n, supplies.due)))
                                    .unwrap_or_default()
                            ),
                            Some(signature.clone()),
                        ),
                        MovementKind::Return { from, signature } => (
                            format!(
                                "← {} {}",
                                labels::holder(i18n, &from.holder, class_name),
                                from.person
                            ),
                            Some(signature.clone()),
                        ),
                        MovementKind::Transfer { to_zone } => (format!("→ {to_zone}"), None),
                        MovementKind::Disposal { note, .. } => (
                            note.as_ref().map(|n| n.to_string()).unwrap_or_default(),
                            None,
                        ),
                        MovementKind::Adjustment { gain, reason } => (
                            format!(
                                "{} {}",
                                if *gain { "+" } else { "−" },
                                labels::variance(i18n, *reason)
                            ),
                            None,
                        ),
                    };
                    Row {
                        when: tz.local_minute_at_ms(l.hlc.wall).unwrap_or_default(),
                        kind: labels::kind(i18n, &m.what),
                        what: format!(
                            "{name} · {} {} · {} {unit} · {}",
                            t_string!(i18n, supplies.lot),
                            m.lot.lot,
                            m.quantity,
                            m.zone
                        ),
                        detail: format!("{detail} · {} {}", t_string!(i18n, supplies.by), l.by),
                        signature,
                    }
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    view! {
        <section class="card" data-testid="ledger">
            <h2>{t!(i18n, supplies.tab_ledger)}</h2>
            <label class="form"><span>{t!(i18n, supplies.item)}</span>
                <select name="ledger-item" on:change=move |ev| set_item.set(event_target_value(&ev)) prop:value=item>
                    <option value="">{t!(i18n, supplies.all_items)}</option>
                    {move || catalog(view).into_iter().map(|i| view! { <option value=i.id.to_string()>{i.name.to_string()}</option> }).collect_view()}
                </select></label>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! { <p>{t!(i18n, supplies.ledger_empty)}</p> }.into_any();
                }
                view! {
                    <ul class="ledger">
                        {rows.into_iter().map(|r| view! {
                            <li>
                                <span class="muted">{r.when}</span>" "<strong>{r.kind}</strong>
                                <p>{r.what}</p>
                                <p class="muted">{r.detail}</p>
                                {r.signature.map(|s| view! { <SignatureView signature=s/> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
