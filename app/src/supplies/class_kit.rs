use guardpost_domain::changes::Payload;
use guardpost_domain::supplies::kits::class_kits;
use guardpost_domain::supplies::ledger::optional_note;
use guardpost_domain::supplies::refill::{RefillOutcome, RefillState, request_for};
use guardpost_domain::supplies::refills_of;
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::access::{item_names, school_tz, today, with_stock};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, use_sync, with_replica};
use crate::widgets::{Mark, Outcome, SyncMark, TextField, listed, record_outcome};

/// A class teacher's view of the store: what her class's kit lacks, a request for it that
/// waits in the office's queue, and how her requests were answered.
#[component]
pub fn ClassKitPage() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let classes = move || view.session.get().map(|s| s.classes).unwrap_or_default();
    let kits = move || {
        let ids: Vec<_> = classes().into_iter().map(|c| c.id).collect();
        with_stock(view, |s| class_kits(s, &ids, school_tz(), today())).unwrap_or_default()
    };
    let requests = move || {
        view.revision.track();
        with_replica(|r| refills_of(r.changes_with_ids())).unwrap_or_default()
    };
    let (note, set_note) = signal(String::new());
    let (message, set_message) = signal(None::<(bool, String)>);
    let ask = move |class: guardpost_domain::school::ClassId| {
        let Some(kit) = kits().into_iter().find(|k| k.class == class) else {
            return;
        };
        let Ok(note) = optional_note(&note.get_untracked()) else {
            set_message.set(Some((false, t_string!(i18n, supplies.p_note).to_owned())));
            return;
        };
        let Some(request) = request_for(&kit, note) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(view, Stream::Supplies, Payload::RefillRequest(request)).await,
            );
            if outcome.0 {
                set_note.set(String::new());
            }
            set_message.set(Some(outcome));
        });
    };
    view! {
        <section class="area supplies">
            <h1>{t!(i18n, supplies.title)}</h1>
            <Show when=move || !classes().is_empty() fallback=move || view! { <p class="empty-state">{t!(i18n, app_build.office_only)}</p> }>
                {move || kits().into_iter().map(|kit| {
                    let name = classes().into_iter().find(|c| c.id == kit.class).map(|c| c.name.to_string()).unwrap_or_default();
                    let class = kit.class.clone();
                    let waiting = requests().iter().any(|r| r.request.class == class && matches!(r.state, RefillState::Waiting | RefillState::Unsent));
                    view! {
                        <section class="card" data-testid="class-kit">
                            <h2>{format!("{name} · {}", t_string!(i18n, supplies.kits_title))}</h2>
                            {if kit.gaps.is_empty() {
                                view! { <p>{t!(i18n, supplies.kit_complete)}</p> }.into_any()
                            } else {
                                let which = class.clone();
                                view! {
                                    <ul>
                                        {kit.gaps.iter().map(|g| view! { <li>{format!("{} {} {}", g.item.name, g.missing, g.item.unit)}</li> }).collect_view()}
                                    </ul>
                                    {if waiting {
                                        view! { <p class="notice ok">{t!(i18n, supplies.refill_waiting)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="form">
                                                <TextField label=Signal::derive(move || t_string!(i18n, supplies.note)) kind="text" name="refill-note" value=note set=set_note/>
                                                <button type="button" class="primary" on:click=move |_| ask(which.clone())>{t!(i18n, supplies.refill_ask)}</button>
                                            </div>
                                        }.into_any()
                                    }}
                                }.into_any()
                            }}
                        </section>
                    }
                }).collect_view()}
                <Outcome message/>
                <section class="card" data-testid="refills">
                    <h2>{t!(i18n, supplies.refills_title)}</h2>
                    {move || {
                        let all = requests();
                        if all.is_empty() {
                            return view! { <p>{t!(i18n, supplies.refills_none)}</p> }.into_any();
                        }
                        let tz = school_tz();
                        let names = item_names(view);
                        view! {
                            <ul class="ledger">
                                {all.into_iter().map(|r| {
                                    let state = match &r.state {
                                        RefillState::Unsent => t_string!(i18n, supplies.refill_unsent).to_owned(),
                                        RefillState::Waiting => t_string!(i18n, supplies.refill_waiting).to_owned(),
                                        RefillState::Answered { outcome, note, by, at_ms } => format!("{} · {by} · {}{}",
                                            match outcome { RefillOutcome::Issued => t_string!(i18n, supplies.refill_issued), RefillOutcome::Declined => t_string!(i18n, supplies.refill_declined) },
                                            tz.local_minute_at_ms(*at_ms).unwrap_or_default(),
                                            note.as_ref().map(|n| format!(" · {n}")).unwrap_or_default()),
                                    };
                                    view! {
                                        <li>
                                            <span class="muted-text">{tz.local_minute_at_ms(r.at_ms).unwrap_or_default()}</span>
                                            <p>{listed(i18n, &r.request.items.iter().map(|l| format!("{} × {}", names.get(&l.item).cloned().unwrap_or_else(|| l.item.to_string()), l.quantity)).collect::<Vec<_>>())}</p>
                                            <p><strong>{state}</strong>" "<SyncMark mark=(r.state == RefillState::Unsent).then_some(Mark::Waiting)/></p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </Show>
        </section>
    }
}
