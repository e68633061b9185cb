use guardpost_domain::supplies::report::{LedgerFilter, csv_text, ledger};
use guardpost_domain::supplies::{ItemId, MovementKind, Signature};
use leptos::prelude::*;

use super::access::{catalog, class_name, school_tz, today, with_stock};
use super::labels;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{use_sync, with_replica};
use crate::widgets::{Mark, SignatureView, SyncMark};
use crate::widgets::{PrintButton, TextField, download};

/// The most lines a page shows: a term's ledger stays quick to draw on a cheap phone.
const SHOWN: usize = 200;

/// One ledger line as the list draws it.
#[derive(Clone)]
struct Row {
    when: String,
    kind: &'static str,
    item: String,
    lot: String,
    expires: String,
    zone: String,
    quantity: String,
    detail: String,
    by: String,
    signature: Option<Signature>,
    /// Recorded on this device and not yet on the server.
    waiting: bool,
}

/// The ledger (台账), newest first, filtered by item, lot and dates; who and when on every
/// line; as CSV and print.
#[component]
pub fn LedgerList() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (item, set_item) = signal(String::new());
    let (lot, set_lot) = signal(String::new());
    let (from, set_from) = signal(String::new());
    let (to, set_to) = signal(String::new());
    let tz = school_tz();
    let class_name = move |id: &str| class_name(view, id);
    let rows = move || {
        let date = |raw: String| guardpost_domain::dates::parse(&raw);
        let filter = LedgerFilter {
            item: ItemId::parse(&item.get()).ok(),
            lot: Some(lot.get()),
            from: date(from.get()),
            to: date(to.get()),
        };
        let unsynced = with_replica(|r| r.unsynced_marks());
        with_stock(view, |s| {
            ledger(s, tz, &filter)
                .into_iter()
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
                        item: name,
                        lot: m.lot.lot.to_string(),
                        expires: m.lot.expires.map(|d| d.to_string()).unwrap_or_default(),
                        zone: m.zone.to_string(),
                        quantity: format!("{} {unit}", m.quantity),
                        detail,
                        by: l.by.to_string(),
                        signature,
                        waiting: unsynced.as_ref().is_some_and(|u| u.holds(l.hlc, l.by)),
                    }
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let csv = move |_| {
        let header = [
            t_string!(i18n, supplies.time),
            t_string!(i18n, supplies.kind),
            t_string!(i18n, supplies.item),
            t_string!(i18n, supplies.lot),
            t_string!(i18n, supplies.expires),
            t_string!(i18n, supplies.zone),
            t_string!(i18n, supplies.quantity),
            t_string!(i18n, supplies.detail),
            t_string!(i18n, supplies.by),
            t_string!(i18n, supplies.signed),
        ];
        let yes = t_string!(i18n, supplies.yes);
        let text = csv_text(
            header,
            rows().into_iter().map(|r| {
                [
                    r.when,
                    r.kind.to_owned(),
                    r.item,
                    r.lot,
                    r.expires,
                    r.zone,
                    r.quantity,
                    r.detail,
                    r.by,
                    if r.signature.is_some() {
                        yes.to_owned()
                    } else {
                        String::new()
                    },
                ]
            }),
        );
        download(&format!("ledger-{}.csv", today()), &text);
    };
    view! {
        <section class="card" data-testid="ledger">
            <h2>{t!(i18n, supplies.tab_ledger)}</h2>
            <div class="form filters">
                <label><span>{t!(i18n, supplies.item)}</span>
                    <select name="ledger-item" on:change=move |ev| set_item.set(event_target_value(&ev)) prop:value=item>
                        <option value="">{t!(i18n, supplies.all_items)}</option>
                        {move || catalog(view).into_iter().map(|i| view! { <option value=i.id.to_string()>{i.name.to_string()}</option> }).collect_view()}
                    </select></label>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.lot)) kind="text" name="ledger-lot" value=lot set=set_lot/>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.from)) kind="date" name="from" value=from set=set_from/>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.to)) kind="date" name="to" value=to set=set_to/>
                <div class="actions">
                    <button type="button" on:click=csv>{t!(i18n, supplies.ledger_csv)}</button>
                    <PrintButton/>
                </div>
            </div>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! { <p>{t!(i18n, supplies.ledger_empty)}</p> }.into_any();
                }
                let more = rows.len().saturating_sub(SHOWN);
                view! {
                    {(more > 0).then(|| view! { <p class="muted-text">{format!("{} {more}", t_string!(i18n, supplies.more_in_csv))}</p> })}
                    <ul class="ledger">
                        {rows.into_iter().take(SHOWN).map(|r| view! {
                            <li>
                                <span class="muted">{r.when}</span>" "<strong>{r.kind}</strong>
                                " "<SyncMark mark=r.waiting.then_some(Mark::Waiting)/>
                                <p>{format!("{} · {} {} · {} · {}", r.item, t_string!(i18n, supplies.lot), r.lot, r.quantity, r.zone)}</p>
                                <p class="muted">{format!("{} · {} {}", r.detail, t_string!(i18n, supplies.by), r.by)}</p>
                                {r.signature.map(|s| view! { <SignatureView signature=s/> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
