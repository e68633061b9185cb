use guardpost_domain::supplies::catalog::{ItemInput, ItemProblem, new_item_id};
use guardpost_domain::supplies::{Category, Hazard, Item};
use guardpost_domain::sync::Hlc;
use leptos::prelude::*;

use super::access::{save_item, with_stock};
use super::labels;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{school_now_ms, use_sync};
use crate::widgets::{FieldProblem, TextField};

fn problem_text(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    p: ItemProblem,
) -> &'static str {
    match p {
        ItemProblem::Name => t_string!(i18n, supplies.p_name),
        ItemProblem::Unit => t_string!(i18n, supplies.p_unit),
        ItemProblem::PackSize => t_string!(i18n, supplies.p_pack),
        ItemProblem::Zone => t_string!(i18n, supplies.p_zone),
        ItemProblem::Norm => t_string!(i18n, supplies.p_norm),
        ItemProblem::ReserveDays => t_string!(i18n, supplies.p_reserve),
        ItemProblem::ClassKit => t_string!(i18n, supplies.p_kit),
    }
}

/// Adds an item to the catalog, or edits one (`editing`, with the versions the edit is made
/// over); `done` closes the form with how it went.
#[component]
pub fn ItemForm(
    editing: Option<(Item, Vec<Hlc>)>,
    done: Callback<(bool, String)>,
) -> impl IntoView {
    let (editing, replaces) = editing.unzip();
    let i18n = use_i18n();
    let view = use_sync();
    let start = editing
        .as_ref()
        .map(ItemInput::of)
        .unwrap_or_else(|| ItemInput {
            category: Some(Category::Masks),
            hazard: Some(Hazard::None),
            pack_size: "1".into(),
            ..ItemInput::default()
        });
    let id = editing.as_ref().map(|i| i.id.clone());
    let (name, set_name) = signal(start.name);
    let category = RwSignal::new(start.category);
    let (unit, set_unit) = signal(start.unit);
    let (pack, set_pack) = signal(start.pack_size);
    let hazard = RwSignal::new(start.hazard);
    let (zone, set_zone) = signal(start.zone);
    let reusable = RwSignal::new(start.reusable);
    let (norm_units, set_norm_units) = signal(start.norm_units);
    let (norm_people, set_norm_people) = signal(start.norm_people);
    let (reserve, set_reserve) = signal(start.reserve_days);
    let (kit, set_kit) = signal(start.class_kit);
    let retired = RwSignal::new(start.retired);
    let (problem, set_problem) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ItemInput {
            name: name.get_untracked(),
            category: category.get_untracked(),
            unit: unit.get_untracked(),
            pack_size: pack.get_untracked(),
            hazard: hazard.get_untracked(),
            zone: zone.get_untracked(),
            reusable: reusable.get_untracked(),
            norm_units: norm_units.get_untracked(),
            norm_people: norm_people.get_untracked(),
            reserve_days: reserve.get_untracked(),
            class_kit: kit.get_untracked(),
            retired: retired.get_untracked(),
        };
        let id = id.clone().unwrap_or_else(|| {
            with_stock(view, |s| {
                new_item_id(|id| s.items.contains_key(id), school_now_ms())
            })
            .unwrap_or_else(|| new_item_id(|_| false, school_now_ms()))
        });
        match input.item(id) {
            Err(p) => set_problem.set(Some(problem_text(i18n, p).to_owned())),
            Ok(mut item) => {
                item.replaces = replaces.clone().unwrap_or_default();
                set_problem.set(None);
                leptos::task::spawn_local(async move {
                    let outcome = save_item(view, i18n, item).await;
                    if outcome.0 {
                        done.run(outcome);
                    } else {
                        set_problem.set(Some(outcome.1));
                    }
                });
            }
        }
    };
    view! {
        <form class="card form" on:submit=submit data-testid="item-form">
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.name)) kind="text" name="name" value=name set=set_name/>
            <label><span>{t!(i18n, supplies.category)}</span>
                <select name="category" on:change=move |ev| category.set(event_target_value(&ev).parse::<usize>().ok().and_then(|i| Category::ALL.get(i).copied()))>
                    {Category::ALL.into_iter().enumerate().map(|(i, c)| view! {
                        <option value=i.to_string() selected=category.get_untracked() == Some(c)>{labels::category(i18n, c)}</option>
                    }).collect_view()}
                </select></label>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.unit)) kind="text" name="unit" value=unit set=set_unit/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.pack_size)) kind="number" name="pack" value=pack set=set_pack/>
            <label><span>{t!(i18n, supplies.hazard)}</span>
                <select name="hazard" on:change=move |ev| hazard.set(event_target_value(&ev).parse::<usize>().ok().and_then(|i| Hazard::ALL.get(i).copied()))>
                    {Hazard::ALL.into_iter().enumerate().map(|(i, h)| view! {
                        <option value=i.to_string() selected=hazard.get_untracked() == Some(h)>{labels::hazard(i18n, h)}</option>
                    }).collect_view()}
                </select></label>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.zone)) kind="text" name="item-zone" value=zone set=set_zone/>
            <label class="tick"><input type="checkbox" name="reusable" prop:checked=reusable on:change=move |ev| reusable.set(event_target_checked(&ev))/>
                {t!(i18n, supplies.reusable)}</label>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.norm_units)) kind="number" name="norm-units" value=norm_units set=set_norm_units/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.norm_people)) kind="number" name="norm-people" value=norm_people set=set_norm_people/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.reserve_days)) kind="number" name="reserve" value=reserve set=set_reserve/>
            <TextField label=Signal::derive(move || t_string!(i18n, supplies.class_kit)) kind="number" name="kit" value=kit set=set_kit/>
            {editing.is_some().then(|| view! {
                <label class="tick"><input type="checkbox" name="retired" prop:checked=retired on:change=move |ev| retired.set(event_target_checked(&ev))/>
                    {t!(i18n, supplies.retired)}</label>
            })}
            <FieldProblem problem/>
            <button type="submit" class="primary">{t!(i18n, supplies.save_item)}</button>
        </form>
    }
}
