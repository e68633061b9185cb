use guardpost_domain::school::ClassId;
use guardpost_domain::supplies::Signature;
use guardpost_domain::supplies::kits::{class_kits, make_up};
use guardpost_domain::text::Name;
use leptos::prelude::*;

use super::access::{save_movement, school_tz, today, with_stock};
use super::labels;
use super::signature::{SignaturePad, encode};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::use_sync;
use crate::widgets::{FieldProblem, Outcome, TextField};

/// Each class's standard kit: what every class lacks, and one action that issues it all to
/// a class, signed once by whoever takes it there.
#[component]
pub fn KitsPanel() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let classes = move || {
        view.session
            .get()
            .map(|s| s.all_classes)
            .unwrap_or_default()
    };
    let kits = move || {
        let ids: Vec<ClassId> = classes().into_iter().map(|c| c.id).collect();
        with_stock(view, |s| class_kits(s, &ids, school_tz(), today())).unwrap_or_default()
    };
    let open = RwSignal::new(None::<ClassId>);
    let (person, set_person) = signal(String::new());
    let strokes = RwSignal::new(Vec::<Vec<(u16, u16)>>::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let class_name = move |id: &ClassId| {
        classes()
            .into_iter()
            .find(|c| &c.id == id)
            .map(|c| c.name.to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(class) = open.get_untracked() else {
            return;
        };
        let Some(kit) = kits().into_iter().find(|k| k.class == class) else {
            return;
        };
        let Ok(person) = Name::parse(&person.get_untracked()) else {
            set_problem.set(Some(t_string!(i18n, supplies.p_person).to_owned()));
            return;
        };
        let signature = match Signature::parse(&strokes.with_untracked(|s| encode(s))) {
            Ok(s) => s,
            Err(e) => {
                set_problem.set(Some(labels::signature_problem(i18n, e).to_owned()));
                return;
            }
        };
        let Some((issues, short)) =
            with_stock(view, |s| make_up(s, &kit, person, signature, today()))
        else {
            return;
        };
        set_problem.set(None);
        leptos::task::spawn_local(async move {
            let n = issues.len();
            for m in issues {
                let outcome = save_movement(view, i18n, m).await;
                if !outcome.0 {
                    set_message.set(Some(outcome));
                    return;
                }
            }
            let mut text = format!("{} {n}", t_string!(i18n, supplies.kit_issued));
            for s in short {
                text.push_str(&format!(
                    " · {} {} {} {}",
                    t_string!(i18n, supplies.kit_short),
                    s.item.name,
                    s.missing,
                    s.item.unit
                ));
            }
            open.set(None);
            strokes.set(Vec::new());
            set_message.set(Some((true, text)));
        });
    };
    view! {
        <section class="card" data-testid="kits">
            <h2>{t!(i18n, supplies.kits_title)}</h2>
            <Outcome message/>
            <ul class="ledger">
                {move || kits().into_iter().map(|kit| {
                    let class = kit.class.clone();
                    let complete = kit.gaps.is_empty();
                    let gaps = kit.gaps.iter().map(|g| format!("{} {} {}", g.item.name, g.missing, g.item.unit)).collect::<Vec<_>>().join("、");
                    view! {
                        <li data-testid="kit" data-class=class.to_string()>
                            <strong>{class_name(&class)}</strong>
                            {if complete {
                                view! { <p>{t!(i18n, supplies.kit_complete)}</p> }.into_any()
                            } else {
                                let which = class.clone();
                                view! {
                                    <p>{format!("{} {gaps}", t_string!(i18n, supplies.kit_missing))}</p>
                                    <button type="button" on:click=move |_| { set_message.set(None); set_problem.set(None); open.set(Some(which.clone())); }>
                                        {t!(i18n, supplies.kit_make_up)}
                                    </button>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || open.get().map(|class| view! {
                <form class="form card" on:submit=issue data-testid="kit-issue">
                    <h3>{format!("{} · {}", class_name(&class), t_string!(i18n, supplies.kit_make_up))}</h3>
                    <TextField label=Signal::derive(move || t_string!(i18n, supplies.person)) kind="text" name="kit-person" value=person set=set_person/>
                    <SignaturePad strokes/>
                    <FieldProblem problem/>
                    <button type="submit" class="primary">{t!(i18n, supplies.issue_submit)}</button>
                    <button type="button" on:click=move |_| open.set(None)>{t!(i18n, supplies.count_cancel_edit)}</button>
                </form>
            })}
        </section>
    }
}
