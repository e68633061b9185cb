use guardpost_domain::changes::Payload;
use guardpost_domain::school::ClassId;
use guardpost_domain::supplies::Signature;
use guardpost_domain::supplies::kits::{class_kits, make_up};
use guardpost_domain::supplies::ledger::optional_note;
use guardpost_domain::supplies::refill::{Refill, RefillAnswer, RefillOutcome, as_kit, queue};
use guardpost_domain::supplies::refills_of;
use guardpost_domain::sync::{OpId, Stream};
use guardpost_domain::text::Name;
use leptos::prelude::*;

use super::access::{class_name, item_names, save_movement, school_tz, today, with_stock};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, use_sync, with_replica};
use crate::widgets::{FieldProblem, Outcome, TextField, listed, record_outcome};
use crate::widgets::{SignaturePad, encode};

/// What the signed form issues: a class's kit gaps, or a teacher's request.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Kit(ClassId),
    Request(Box<Refill>),
}

impl Target {
    fn class(&self) -> &ClassId {
        match self {
            Target::Kit(class) => class,
            Target::Request(r) => &r.request.class,
        }
    }
}

/// Each class's standard kit: what every class lacks, and one action that issues it all to
/// a class, signed once by whoever takes it there; and the teachers' refill requests, issued
/// the same way or declined.
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
    let open = RwSignal::new(None::<Target>);
    let (person, set_person) = signal(String::new());
    let strokes = RwSignal::new(Vec::<Vec<(u16, u16)>>::new());
    let (problem, set_problem) = signal(None::<String>);
    let (message, set_message) = signal(None::<(bool, String)>);
    let requests = move || {
        view.revision.track();
        with_replica(|r| refills_of(r.changes_with_ids())).unwrap_or_default()
    };
    // The waiting requests with the items' names, compared before the queue redraws: a sync
    // that answered none of them leaves the decline note being typed (and its keyboard) alone.
    let waiting = Memo::new(move |_| {
        let all = requests();
        let waiting: Vec<Refill> = queue(&all).into_iter().cloned().collect();
        (waiting, item_names(view))
    });
    let declining = RwSignal::new(None::<OpId>);
    let (why, set_why) = signal(String::new());
    let answer = move |request: &Refill, outcome: RefillOutcome, note| {
        request.id.clone().map(|id| {
            Payload::RefillAnswer(RefillAnswer {
                request: id,
                class: request.request.class.clone(),
                outcome,
                note,
            })
        })
    };
    let decline = move |request: Refill| {
        let Ok(note) = optional_note(&why.get_untracked()) else {
            set_message.set(Some((false, t_string!(i18n, supplies.p_note).to_owned())));
            return;
        };
        let Some(payload) = answer(&request, RefillOutcome::Declined, note) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(i18n, record(view, Stream::Supplies, payload).await);
            if outcome.0 {
                declining.set(None);
                set_why.set(String::new());
            }
            set_message.set(Some(outcome));
        });
    };
    let class_name = move |id: &ClassId| class_name(view, id.as_str());
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(target) = open.get_untracked() else {
            return;
        };
        let kit = match &target {
            Target::Kit(class) => kits().into_iter().find(|k| &k.class == class),
            Target::Request(r) => with_stock(view, |s| as_kit(s, &r.request)),
        };
        let Some(kit) = kit else {
            return;
        };
        let answered = match &target {
            Target::Request(r) => answer(r, RefillOutcome::Issued, None),
            Target::Kit(_) => None,
        };
        let Ok(person) = Name::parse(&person.get_untracked()) else {
            set_problem.set(Some(t_string!(i18n, supplies.p_person).to_owned()));
            return;
        };
        let signature = match Signature::parse(&strokes.with_untracked(|s| encode(s))) {
            Ok(s) => s,
            Err(e) => {
                set_problem.set(Some(crate::widgets::signature_problem(i18n, e).to_owned()));
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
            if let Some(payload) = answered {
                let outcome = record_outcome(i18n, record(view, Stream::Supplies, payload).await);
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
        <section class="card" data-testid="refill-queue">
            <h2>{t!(i18n, supplies.queue_title)}</h2>
            {move || {
                let (waiting, names) = waiting.get();
                if waiting.is_empty() {
                    return view! { <p>{t!(i18n, supplies.queue_none)}</p> }.into_any();
                }
                let tz = school_tz();
                view! {
                    <ul class="ledger">
                        {waiting.into_iter().map(|r| {
                            let (to_issue, to_decline, confirm) = (r.clone(), r.clone(), r.clone());
                            let id = r.id.clone();
                            let shown = id.clone();
                            view! {
                                <li data-testid="refill">
                                    <strong>{class_name(&r.request.class)}</strong>
                                    <span class="muted-text">{format!(" · {} · {}", r.by, tz.local_minute_at_ms(r.at_ms).unwrap_or_default())}</span>
                                    <p>{listed(i18n, &r.request.items.iter().map(|l| format!("{} × {}", names.get(&l.item).cloned().unwrap_or_else(|| l.item.to_string()), l.quantity)).collect::<Vec<_>>())}</p>
                                    {r.request.note.as_ref().map(|n| view! { <p class="muted-text">{n.to_string()}</p> })}
                                    <div class="actions">
                                        <button type="button" on:click=move |_| { set_message.set(None); set_problem.set(None); open.set(Some(Target::Request(Box::new(to_issue.clone())))); }>
                                            {t!(i18n, supplies.refill_issue)}
                                        </button>
                                        <button type="button" on:click=move |_| { let _ = &to_decline; declining.set(id.clone()); }>{t!(i18n, supplies.refill_decline)}</button>
                                    </div>
                                    <Show when=move || declining.get() == shown>
                                        <div class="form">
                                            <TextField label=Signal::derive(move || t_string!(i18n, supplies.decline_note)) kind="text" name="decline-note" value=why set=set_why/>
                                            {
                                                let confirm = confirm.clone();
                                                view! { <button type="button" class="primary" on:click=move |_| decline(confirm.clone())>{t!(i18n, supplies.refill_decline)}</button> }
                                            }
                                        </div>
                                    </Show>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" data-testid="kits">
            <h2>{t!(i18n, supplies.kits_title)}</h2>
            <Outcome message/>
            <ul class="ledger">
                {move || kits().into_iter().map(|kit| {
                    let class = kit.class.clone();
                    let complete = kit.gaps.is_empty();
                    let gaps = kit.gaps.iter().map(|g| format!("{} {} {}", g.item.name, g.missing, g.item.unit)).collect::<Vec<_>>();
                    let gaps = listed(i18n, &gaps);
                    view! {
                        <li data-testid="kit" data-class=class.to_string()>
                            <strong>{class_name(&class)}</strong>
                            {if complete {
                                view! { <p>{t!(i18n, supplies.kit_complete)}</p> }.into_any()
                            } else {
                                let which = class.clone();
                                view! {
                                    <p>{format!("{} {gaps}", t_string!(i18n, supplies.kit_missing))}</p>
                                    <button type="button" on:click=move |_| { set_message.set(None); set_problem.set(None); open.set(Some(Target::Kit(which.clone()))); }>
                                        {t!(i18n, supplies.kit_make_up)}
                                    </button>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || open.get().map(|target| view! {
                <form class="form card" on:submit=issue data-testid="kit-issue">
                    <h3>{format!("{} · {}", class_name(target.class()), match &target {
                        Target::Kit(_) => t_string!(i18n, supplies.kit_make_up),
                        Target::Request(_) => t_string!(i18n, supplies.refill_issue),
                    })}</h3>
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
