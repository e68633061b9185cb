use guardpost_domain::supplies::form::{FormProblem, ReceiptInput, receipt};
use leptos::prelude::*;

use super::access::{catalog, record_built, today, with_stock};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::{FieldProblem, Outcome, TextField};

/// 入库: a lot from a supplier, with its expiry, into a zone (the item's by default).
#[component]
pub fn ReceiveForm() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let items = move || catalog(view);
    let (item, set_item) = signal(String::new());
    let (lot, set_lot) = signal(String::new());
    let (expires, set_expires) = signal(String::new());
    let (quantity, set_quantity) = signal(String::new());
    let (zone, set_zone) = signal(String::new());
    let (supplier, set_supplier) = signal(String::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ReceiptInput {
            item: item.get_untracked(),
            lot: lot.get_untracked(),
            expires: expires.get_untracked(),
            quantity: quantity.get_untracked(),
            zone: zone.get_untracked(),
            supplier: supplier.get_untracked(),
        };
        let built =
            with_stock(view, |s| receipt(s, &input, today())).unwrap_or(Err(FormProblem::Item));
        record_built(
            view,
            i18n,
            Some(built),
            set_problem,
            set_message,
            move || {
                set_lot.set(String::new());
                set_quantity.set(String::new());
                set_expires.set(String::new());
            },
        );
    };
    view! {
        <form class="card form" on:submit=submit data-testid="receive">
            <h2>{t!(i18n, supplies.tab_receive)}</h2>
            <label><span>{t!(i18n, supplies.item)}</span>
                <select name="item" on:change=move |ev| set_item.set(event_target_value(&ev)) prop:value=item>
                    <option value="">{t!(i18n, supplies.choose)}</option>
                    {move || items().into_iter().map(|i| view! { <option value=i.id.to_string()>{format!("{} ({})", i.name, i.unit)}</option> }).collect_view()}
                </select></label>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.lot)) kind="text" name="lot" value=lot set=set_lot/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.expires)) kind="date" name="expires" value=expires set=set_expires/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.quantity)) kind="number" name="quantity" value=quantity set=set_quantity/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.zone_optional)) kind="text" name="zone" value=zone set=set_zone/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.supplier)) kind="text" name="supplier" value=supplier set=set_supplier/>
            <FieldProblem problem/>
            <button type="submit" class="primary">{t!(i18n, supplies.receive_submit)}</button>
            <Outcome message/>
        </form>
    }
}
