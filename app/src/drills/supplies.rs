//! Supplies used in a drill go into the store's ledger as issues to the drill (signed, as
//! every issue is), from the lot that expires first: a drill is a good use for stock near
//! its expiry. Only the office and logistics, who keep the store, record them.

use guardpost_domain::changes::Payload;
use guardpost_domain::supplies::cover::catalog_choices;
use guardpost_domain::supplies::form::{HolderKind, IssueInput, issue, issue_choices};
use guardpost_domain::supplies::{Holder, MovementKind, stock_of};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::page::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::SyncView;
use crate::sync::engine::{record, use_sync, with_replica};
use crate::widgets::{
    FieldProblem, Outcome, SignaturePad, TextField, encode, form_problem, record_outcome,
};

/// The store's catalog as choices: (item id, "name (unit)"), tracking the ledger.
pub fn catalog_options(view: SyncView) -> Vec<(String, String)> {
    view.revision.track();
    with_replica(|r| {
        let stock = stock_of(r.changes_by());
        catalog_choices(&stock)
            .into_iter()
            .map(|i| (i.id.to_string(), format!("{} ({})", i.name, i.unit)))
            .collect::<Vec<_>>()
    })
    .unwrap_or_default()
}

/// `department`: the name the ledger gives this drill's issues.
#[component]
pub fn DrillSupplies(department: String) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (_, day) = today();
    let (item, set_item) = signal(String::new());
    let (quantity, set_quantity) = signal(String::new());
    let (person, set_person) = signal(
        view.session
            .get_untracked()
            .map(|s| s.name.to_string())
            .unwrap_or_default(),
    );
    let strokes = RwSignal::new(Vec::<Vec<(u16, u16)>>::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let items = move || catalog_options(view);
    // The lot proposed: first to expire, never an expired one.
    let proposal = move || {
        view.revision.track();
        let id = item.get();
        with_replica(|r| {
            let stock = stock_of(r.changes_by());
            let choices = issue_choices(&stock, &id, day);
            choices
                .proposed
                .and_then(|i| choices.lots.get(i))
                .map(|l| (l.lot.clone(), l.zone.clone()))
        })
        .flatten()
    };
    let dept = department.clone();
    let used = move || {
        view.revision.track();
        with_replica(|r| {
            r.changes_by()
                .into_iter()
                .filter_map(|(_, _, p)| match p {
                    Payload::StockMovement(m) => match &m.what {
                        MovementKind::Issue { to, .. } if matches!(&to.holder, Holder::Department(d) if d.as_str() == dept) => {
                            Some(format!("{} · {} {} · {}", m.lot.item, t_string!(i18n, supplies.lot), m.lot.lot, m.quantity))
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = IssueInput {
            lot: proposal(),
            quantity: quantity.get_untracked(),
            holder: HolderKind::Department,
            class: String::new(),
            department: department.clone(),
            person: person.get_untracked(),
            due: String::new(),
            signature: strokes.with_untracked(|s| encode(s)),
        };
        let built = with_replica(|r| issue(&stock_of(r.changes_by()), &input, day));
        match built {
            Some(Ok(m)) => {
                set_problem.set(None);
                leptos::task::spawn_local(async move {
                    let outcome = record_outcome(
                        i18n,
                        record(view, Stream::Supplies, Payload::StockMovement(m)).await,
                    );
                    if outcome.0 {
                        set_quantity.set(String::new());
                        strokes.set(Vec::new());
                    }
                    set_message.set(Some(outcome));
                });
            }
            Some(Err(p)) => set_problem.set(Some(form_problem(i18n, &p))),
            None => set_problem.set(Some(t_string!(i18n, supplies.signed_out).to_owned())),
        }
    };
    view! {
        <form class="card form" on:submit=submit data-testid="drill-supplies">
            <h3>{t!(i18n, drills.supplies_used)}</h3>
            <ul>{move || used().into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul>
            <label><span>{t!(i18n, supplies.item)}</span>
                <select name="drill-item" on:change=move |ev| set_item.set(event_target_value(&ev)) prop:value=item>
                    <option value="">{t!(i18n, supplies.choose)}</option>
                    {move || items().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                </select></label>
            {move || (!item.get().is_empty()).then(|| {
                let text = match proposal() {
                    Some((lot, zone)) => format!("{}: {} {} · {} {} · {zone}", t_string!(i18n, supplies.proposed),
                        t_string!(i18n, supplies.lot), lot.lot, t_string!(i18n, supplies.expires),
                        lot.expires.map(|d| d.to_string()).unwrap_or_else(|| "—".into())),
                    None => t_string!(i18n, supplies.none_usable).to_owned(),
                };
                view! { <p class="notice ok" data-testid="drill-fefo">{text}</p> }
            })}
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.quantity)) kind="number" name="drill-quantity" value=quantity set=set_quantity/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.person)) kind="text" name="drill-person" value=person set=set_person/>
            <SignaturePad strokes/>
            <FieldProblem problem/>
            <button type="submit">{t!(i18n, drills.issue_used)}</button>
            <Outcome message/>
        </form>
    }
}
