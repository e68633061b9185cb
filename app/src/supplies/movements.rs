use guardpost_domain::supplies::DisposalReason;
use guardpost_domain::supplies::cover;
use guardpost_domain::supplies::form::{
    DisposalInput, ReturnInput, TransferInput, disposal, issue_choices, return_of, transfer,
};
use leptos::prelude::*;

use super::access::record_built;
use super::access::{catalog, class_name, today, with_stock};
use super::labels;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::{FieldProblem, Outcome, TextField};
use crate::widgets::{SignaturePad, encode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Return,
    Disposal,
    Transfer,
}

/// 归还, 报废, 移库: a reusable item back from its holder (signed), stock thrown away with a
/// reason, or moved to another zone.
#[component]
pub fn MovementsPanel() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let kind = RwSignal::new(Kind::Disposal);
    let (item, set_item) = signal(String::new());
    let picked = RwSignal::new(None::<usize>);
    let loan = RwSignal::new(None::<usize>);
    let (quantity, set_quantity) = signal(String::new());
    let reason = RwSignal::new(None::<DisposalReason>);
    let (note, set_note) = signal(String::new());
    let (to_zone, set_to_zone) = signal(String::new());
    let (person, set_person) = signal(String::new());
    let strokes = RwSignal::new(Vec::<Vec<(u16, u16)>>::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let lots = Memo::new(move |_| {
        let id = item.get();
        with_stock(view, |s| issue_choices(s, &id, today()).lots).unwrap_or_default()
    });
    let loans =
        Memo::new(move |_| with_stock(view, |s| cover::loans(s, today())).unwrap_or_default());
    let class_name = move |id: &str| class_name(view, id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lot = picked.get_untracked().and_then(|i| {
            lots.with_untracked(|l| l.get(i).map(|l| (l.lot.clone(), l.zone.clone())))
        });
        let built = with_stock(view, |s| match kind.get_untracked() {
            Kind::Disposal => disposal(
                s,
                &DisposalInput {
                    lot,
                    quantity: quantity.get_untracked(),
                    reason: reason.get_untracked(),
                    note: note.get_untracked(),
                },
            ),
            Kind::Transfer => transfer(
                s,
                &TransferInput {
                    lot,
                    quantity: quantity.get_untracked(),
                    to_zone: to_zone.get_untracked(),
                },
            ),
            Kind::Return => {
                let chosen = loan
                    .get_untracked()
                    .and_then(|i| loans.with_untracked(|l| l.get(i).cloned()));
                match chosen {
                    None => Err(guardpost_domain::supplies::form::FormProblem::Item),
                    Some(l) => return_of(
                        s,
                        &l,
                        &ReturnInput {
                            quantity: quantity.get_untracked(),
                            person: person.get_untracked(),
                            signature: strokes.with_untracked(|s| encode(s)),
                        },
                    ),
                }
            }
        });
        record_built(view, i18n, built, set_problem, set_message, move || {
            set_quantity.set(String::new());
            strokes.set(Vec::new());
        });
    };
    let choice = move |k: Kind, label: &'static str| {
        view! {
            <label class="choice"><input type="radio" name="movement" prop:checked=move || kind.get() == k
                on:change=move |_| { kind.set(k); set_problem.set(None); set_message.set(None); }/>{label}</label>
        }
    };
    let reasons = [
        DisposalReason::Expired,
        DisposalReason::Damaged,
        DisposalReason::Other,
    ];
    view! {
        <form class="card form" on:submit=submit data-testid="movements">
            <fieldset class="choices">
                <legend>{t!(i18n, supplies.movement_kind)}</legend>
                {move || choice(Kind::Disposal, t_string!(i18n, supplies.k_disposal))}
                {move || choice(Kind::Transfer, t_string!(i18n, supplies.k_transfer))}
                {move || choice(Kind::Return, t_string!(i18n, supplies.k_return))}
            </fieldset>
            <Show when=move || kind.get() != Kind::Return fallback=move || view! {
                {move || if loans.with(Vec::is_empty) {
                    view! { <p>{t!(i18n, supplies.loans_none)}</p> }.into_any()
                } else {
                    view! {
                        <label><span>{t!(i18n, supplies.loan)}</span>
                            <select name="loan" on:change=move |ev| {
                                let i = event_target_value(&ev).parse::<usize>().ok();
                                loan.set(i);
                                if let Some(l) = i.and_then(|i| loans.with_untracked(|l| l.get(i).cloned())) {
                                    set_person.set(l.person.to_string());
                                    set_quantity.set(l.quantity.to_string());
                                }
                            }>
                                <option value="">{t!(i18n, supplies.choose)}</option>
                                {move || loans.get().into_iter().enumerate().map(|(i, l)| view! {
                                    <option value=i.to_string()>{format!("{} {} {} · {} {}", l.item.name, l.quantity, l.item.unit,
                                        labels::holder(i18n, &l.holder, class_name), l.person)}</option>
                                }).collect_view()}
                            </select></label>
                    }.into_any()
                }}
            }>
                <label><span>{t!(i18n, supplies.item)}</span>
                    <select name="item" on:change=move |ev| { set_item.set(event_target_value(&ev)); picked.set(None); } prop:value=item>
                        <option value="">{t!(i18n, supplies.choose)}</option>
                        {move || catalog(view).into_iter().map(|i| view! { <option value=i.id.to_string()>{format!("{} ({})", i.name, i.unit)}</option> }).collect_view()}
                    </select></label>
                <label><span>{t!(i18n, supplies.lot_pick)}</span>
                    <select name="lot" on:change=move |ev| picked.set(event_target_value(&ev).parse().ok())>
                        <option value="">{t!(i18n, supplies.choose)}</option>
                        {move || lots.get().into_iter().enumerate().map(|(i, l)| view! {
                            <option value=i.to_string()>{format!("{} · {} {} · {} · {} {}", l.lot.lot, t_string!(i18n, supplies.expires),
                                l.lot.expires.map(|d| d.to_string()).unwrap_or_else(|| "—".into()), l.zone, l.on_hand, labels::mark(i18n, l.mark))}</option>
                        }).collect_view()}
                    </select></label>
            </Show>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.quantity)) kind="number" name="quantity" value=quantity set=set_quantity/>
            <Show when=move || kind.get() == Kind::Disposal>
                <label><span>{t!(i18n, supplies.reason)}</span>
                    <select name="reason" on:change=move |ev| reason.set(event_target_value(&ev).parse::<usize>().ok().and_then(|i| reasons.get(i).copied()))>
                        <option value="">{t!(i18n, supplies.choose)}</option>
                        <option value="0">{t!(i18n, supplies.v_expired)}</option>
                        <option value="1">{t!(i18n, supplies.v_damaged)}</option>
                        <option value="2">{t!(i18n, supplies.r_other)}</option>
                    </select></label>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.note)) kind="text" name="note" value=note set=set_note/>
            </Show>
            <Show when=move || kind.get() == Kind::Transfer>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.to_zone)) kind="text" name="to-zone" value=to_zone set=set_to_zone/>
            </Show>
            <Show when=move || kind.get() == Kind::Return>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.returned_by)) kind="text" name="person" value=person set=set_person/>
                <SignaturePad strokes/>
            </Show>
            <FieldProblem problem/>
            <button type="submit" class="primary">{t!(i18n, supplies.record)}</button>
            <Outcome message/>
        </form>
    }
}
