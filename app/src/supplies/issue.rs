use guardpost_domain::supplies::form::{
    HolderKind, IssueChoices, IssueInput, issue, issue_choices,
};
use leptos::prelude::*;

use super::access::record_built;
use super::access::{catalog, today, with_stock};
use super::labels;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::{FieldProblem, Outcome, TextField};
use crate::widgets::{SignaturePad, encode};

/// 出库: the lot that expires first is proposed; another may be picked, never an expired
/// one; the recipient signs on this device, which works offline.
#[component]
pub fn IssueForm() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let items = move || catalog(view);
    let (item, set_item) = signal(String::new());
    let picked = RwSignal::new(None::<usize>);
    let (quantity, set_quantity) = signal(String::new());
    let holder = RwSignal::new(HolderKind::Class);
    let (class, set_class) = signal(String::new());
    let (department, set_department) = signal(String::new());
    let (person, set_person) = signal(String::new());
    let (due, set_due) = signal(String::new());
    let strokes = RwSignal::new(Vec::<Vec<(u16, u16)>>::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let choices = Memo::new(move |_| {
        let id = item.get();
        with_stock(view, |s| issue_choices(s, &id, today())).unwrap_or_default()
    });
    // A new item proposes its FEFO lot afresh.
    Effect::new(move |_| picked.set(choices.with(|c: &IssueChoices| c.proposed)));
    let reusable = move || {
        items()
            .into_iter()
            .any(|i| i.id.as_str() == item.get() && i.reusable)
    };
    let classes = move || {
        view.session
            .get()
            .map(|s| s.all_classes)
            .unwrap_or_default()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lot = picked.get_untracked().and_then(|i| {
            choices.with_untracked(|c| c.lots.get(i).map(|l| (l.lot.clone(), l.zone.clone())))
        });
        let input = IssueInput {
            lot,
            quantity: quantity.get_untracked(),
            holder: holder.get_untracked(),
            class: class.get_untracked(),
            department: department.get_untracked(),
            person: person.get_untracked(),
            due: due.get_untracked(),
            signature: strokes.with_untracked(|s| encode(s)),
        };
        let built = with_stock(view, |s| issue(s, &input, today()));
        record_built(view, i18n, built, set_problem, set_message, move || {
            set_quantity.set(String::new());
            set_person.set(String::new());
            strokes.set(Vec::new());
        });
    };
    let holder_choice = move |kind: HolderKind, label: &'static str| {
        view! {
            <label class="choice"><input type="radio" name="holder" prop:checked=move || holder.get() == kind
                on:change=move |_| holder.set(kind)/>{label}</label>
        }
    };
    view! {
        <form class="card form" on:submit=submit data-testid="issue">
            <h2>{t!(i18n, supplies.tab_issue)}</h2>
            <label><span>{t!(i18n, supplies.item)}</span>
                <select name="item" on:change=move |ev| set_item.set(event_target_value(&ev)) prop:value=item>
                    <option value="">{t!(i18n, supplies.choose)}</option>
                    {move || items().into_iter().map(|i| view! { <option value=i.id.to_string()>{format!("{} ({})", i.name, i.unit)}</option> }).collect_view()}
                </select></label>
            {move || {
                let c = choices.get();
                if item.get().is_empty() {
                    return None;
                }
                if c.lots.is_empty() {
                    return Some(view! { <p class="notice error">{t!(i18n, supplies.no_stock)}</p> }.into_any());
                }
                let proposal = c.proposed.and_then(|i| c.lots.get(i)).map(|l| format!("{} {} · {} {} · {} {}",
                    t_string!(i18n, supplies.lot), l.lot.lot,
                    t_string!(i18n, supplies.expires), l.lot.expires.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                    t_string!(i18n, supplies.on_hand), l.on_hand));
                Some(view! {
                    <p class="notice ok" data-testid="fefo">{format!("{}: {}", t_string!(i18n, supplies.proposed), proposal.unwrap_or_else(|| t_string!(i18n, supplies.none_usable).to_owned()))}</p>
                    <label><span>{t!(i18n, supplies.lot_pick)}</span>
                        <select name="lot" on:change=move |ev| picked.set(event_target_value(&ev).parse().ok())>
                            {c.lots.iter().enumerate().map(|(i, l)| view! {
                                <option value=i.to_string() selected=picked.get_untracked() == Some(i)>
                                    {format!("{} · {} {} · {} · {} {}", l.lot.lot, t_string!(i18n, supplies.expires),
                                        l.lot.expires.map(|d| d.to_string()).unwrap_or_else(|| "—".into()), l.zone, l.on_hand, labels::mark(i18n, l.mark))}
                                </option>
                            }).collect_view()}
                        </select></label>
                }.into_any())
            }}
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.quantity)) kind="number" name="quantity" value=quantity set=set_quantity/>
            <fieldset class="choices">
                <legend>{t!(i18n, supplies.issue_to)}</legend>
                {move || holder_choice(HolderKind::Class, t_string!(i18n, supplies.holder_class))}
                {move || holder_choice(HolderKind::Department, t_string!(i18n, supplies.holder_department))}
                {move || holder_choice(HolderKind::Person, t_string!(i18n, supplies.holder_person))}
            </fieldset>
            <Show when=move || holder.get() == HolderKind::Class>
                <label><span>{t!(i18n, supplies.class)}</span>
                    <select name="class" on:change=move |ev| set_class.set(event_target_value(&ev)) prop:value=class>
                        <option value="">{t!(i18n, supplies.choose)}</option>
                        {move || classes().into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name.to_string()}</option> }).collect_view()}
                    </select></label>
            </Show>
            <Show when=move || holder.get() == HolderKind::Department>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.department)) kind="text" name="department" value=department set=set_department/>
            </Show>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.person)) kind="text" name="person" value=person set=set_person/>
            <Show when=reusable>
                <TextField label=Signal::derive(move || t_string!(i18n, supplies.due)) kind="date" name="due" value=due set=set_due/>
            </Show>
            <SignaturePad strokes/>
            <FieldProblem problem/>
            <button type="submit" class="primary">{t!(i18n, supplies.issue_submit)}</button>
            <Outcome message/>
        </form>
    }
}
