use guardpost_domain::changes::Payload;
use guardpost_domain::notices::markup;
use guardpost_domain::notices::workflow::{
    Action, AsNoticeEvent, Category, Comment, Notice, NoticeEvent, NoticeId, Offer, Refused,
    RefusedEvent, Stage, Status, StepKind, may_draft, new_notice_id, notices,
};
use guardpost_domain::sync::Stream;
use std::collections::BTreeMap;

use leptos::prelude::*;

use super::editor::{NoticeEditor, category_label};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync, with_replica};
use crate::widgets::{FieldProblem, Mark, Outcome, SyncMark, aside, labelled, record_outcome};

fn status_label(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, s: Status) -> &'static str {
    match s {
        Status::Draft => t_string!(i18n, notices.s_draft),
        Status::Submitted => t_string!(i18n, notices.s_submitted),
        Status::Returned => t_string!(i18n, notices.s_returned),
        Status::Scheduled => t_string!(i18n, notices.s_scheduled),
        Status::Published => t_string!(i18n, notices.s_published),
        Status::Expired => t_string!(i18n, notices.s_expired),
        Status::Withdrawn => t_string!(i18n, notices.s_withdrawn),
    }
}

/// The office's notices: drafting (offline too), submitting, review by an admin who did not
/// write it, amendment and withdrawal; each with its history.
#[component]
pub fn Notices() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let all = move || {
        view.revision.track();
        with_replica(|r| notices(r.changes_by())).unwrap_or_default()
    };
    let me = move || view.session.get().map(|s| (s.name, s.role));
    // Compared before the list redraws: a sync that changed none of the cards (the minute's
    // round, a check-in from a class) leaves them, and the comment being typed, alone.
    let cards = Memo::new(move |_| {
        let Some((name, role)) = me() else {
            return Vec::new();
        };
        let now = school_now_ms();
        let refused = view.refused.get();
        let unsynced = with_replica(|r| r.unsynced_marks());
        all()
            .into_iter()
            .map(|notice| {
                let waiting = notice.steps.last().is_some_and(|s| {
                    unsynced
                        .as_ref()
                        .is_some_and(|u| u.holds_at(s.at_ms, &s.by))
                });
                let refused = refused.iter().any(|r| {
                    r.payload
                        .notice_event()
                        .is_some_and(|e| e.notice == notice.id)
                });
                Card {
                    status: notice.status(now),
                    offers: notice.offers(&name, role, now),
                    not_applied: notice.not_applied_for(&name).into_iter().cloned().collect(),
                    mark: Mark::of(waiting, refused),
                    notice,
                }
            })
            .collect::<Vec<_>>()
    });
    // What the principal is writing back, per notice: kept outside the cards, which a
    // change to a notice redraws.
    let comments = StoredValue::new(BTreeMap::<NoticeId, String>::new());
    // None: the list; Some(id): the editor for that notice (a new one has a fresh id).
    let editing = RwSignal::new(
        None::<(
            NoticeId,
            Option<guardpost_domain::notices::workflow::Content>,
        )>,
    );
    let (message, set_message) = signal(None::<(bool, String)>);
    let act = move |notice: NoticeId, step: Action| {
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(
                    view,
                    Stream::Notices,
                    Payload::Notice(NoticeEvent { notice, step }),
                )
                .await,
            );
            if outcome.0 {
                editing.set(None);
            }
            set_message.set(Some(outcome));
        });
    };
    let new = move |_| {
        let taken = all();
        let id = new_notice_id(|id| taken.iter().any(|n| &n.id == id), school_now_ms());
        set_message.set(None);
        editing.set(Some((id, None)));
    };
    view! {
        <section class="area notices">
            <h1>{t!(i18n, notices.title)}</h1>
            <p><a href="/" rel="external">{t!(i18n, notices.public_link)}</a></p>
            <Outcome message/>
            {move || match editing.get() {
                Some((id, start)) => {
                    let done = Callback::new(move |step: Action| act(id.clone(), step));
                    view! {
                        <NoticeEditor start done/>
                        <button type="button" on:click=move |_| editing.set(None)>{t!(i18n, notices.cancel)}</button>
                    }.into_any()
                }
                None => view! {
                    <Show when=move || me().is_some_and(|(_, role)| may_draft(role))>
                        <button type="button" class="primary" data-testid="new-notice" on:click=new>{t!(i18n, notices.new)}</button>
                    </Show>
                    <ul class="notice-list">
                        {move || cards.get().into_iter().map(|card| view! { <NoticeCard card comments editing act/> }).collect::<Vec<_>>()}
                    </ul>
                }.into_any(),
            }}
            <super::contacts::Contacts/>
        </section>
    }
}

/// A notice as its card shows it to this person now.
#[derive(Debug, Clone, PartialEq)]
struct Card {
    notice: Notice,
    status: Status,
    offers: Vec<Offer>,
    not_applied: Vec<RefusedEvent>,
    mark: Option<Mark>,
}

#[component]
fn NoticeCard(
    card: Card,
    comments: StoredValue<BTreeMap<NoticeId, String>>,
    editing: RwSignal<
        Option<(
            NoticeId,
            Option<guardpost_domain::notices::workflow::Content>,
        )>,
    >,
    act: impl Fn(NoticeId, Action) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let tz = crate::school::use_school()
        .get_untracked()
        .map(|s| s.timezone)
        .unwrap_or_default();
    let Card {
        notice,
        status,
        offers,
        not_applied,
        mark,
    } = card;
    // Her steps the fold did not apply (another device's step landed first), until a later
    // step of hers takes effect: said to her.
    let not_applied: Vec<String> = not_applied
        .into_iter()
        .map(|r| {
            labelled(
                i18n,
                format!(
                    "{} {}",
                    tz.local_minute_at_ms(r.at_ms).unwrap_or_default(),
                    t_string!(i18n, notices.not_applied)
                ),
                refusal(i18n, r.why),
            )
        })
        .collect();
    let Some(content) = notice.current().cloned() else {
        return ().into_any();
    };
    let pending = notice.live.is_some() && notice.working.is_some();
    let returned = notice.working.as_ref().and_then(|w| match &w.stage {
        Stage::Returned { by, comment, .. } => Some(format!(
            "{} · {}",
            t_string!(i18n, notices.step_return),
            labelled(i18n, by, comment.as_str())
        )),
        _ => None,
    });
    let id = notice.id.clone();
    let typed = comments.with_value(|c| c.get(&id).cloned().unwrap_or_default());
    let (problem, set_problem) = signal(None::<String>);
    let body = markup::to_html(&markup::parse(content.body_zh.as_str()));
    let history = notice
        .steps
        .iter()
        .rev()
        .map(|s| {
            let what = match &s.action {
                StepKind::Edited => t_string!(i18n, notices.h_edited).to_owned(),
                StepKind::Submitted => t_string!(i18n, notices.step_submit).to_owned(),
                StepKind::Returned(c) => {
                    labelled(i18n, t_string!(i18n, notices.step_return), c.as_str())
                }
                StepKind::Approved { version } => aside(
                    i18n,
                    t_string!(i18n, notices.step_approve),
                    format!("v{version}"),
                ),
                StepKind::Withdrawn => t_string!(i18n, notices.step_withdraw).to_owned(),
            };
            format!(
                "{} · {} · {what}",
                tz.local_minute_at_ms(s.at_ms).unwrap_or_default(),
                s.by
            )
        })
        .collect::<Vec<_>>();
    let editable = content.clone();
    let button = move |offer: Offer| {
        let id = id.clone();
        let edit_with = editable.clone();
        match offer {
            Offer::Edit => view! { <button type="button" on:click=move |_| editing.set(Some((id.clone(), Some(edit_with.clone()))))>{t!(i18n, notices.edit)}</button> }.into_any(),
            Offer::Submit => view! { <button type="button" class="primary" on:click=move |_| act(id.clone(), Action::Submit {})>{t!(i18n, notices.step_submit)}</button> }.into_any(),
            Offer::Withdraw => view! { <button type="button" on:click=move |_| act(id.clone(), Action::Withdraw {})>{t!(i18n, notices.step_withdraw)}</button> }.into_any(),
            Offer::Review => {
                let back = id.clone();
                view! {
                    <button type="button" class="primary" on:click=move |_| act(id.clone(), Action::Approve {})>{t!(i18n, notices.approve)}</button>
<div class="form review">
                    <label><span>{t!(i18n, notices.comment)}</span>
                        <input type="text" name="comment" value=typed.clone() on:input={
                            let id = back.clone();
                            move |ev| comments.update_value(|c| { c.insert(id.clone(), event_target_value(&ev)); })
                        }/></label>
                    <button type="button" on:click=move |_| {
                        let typed = comments.with_value(|c| c.get(&back).cloned().unwrap_or_default());
                        match Comment::parse(&typed) {
                            Ok(c) => {
                                set_problem.set(None);
                                comments.update_value(|c| { c.remove(&back); });
                                act(back.clone(), Action::Return { comment: c });
                            }
                            Err(_) => set_problem.set(Some(t_string!(i18n, notices.p_comment).to_owned())),
                        }
                    }>{t!(i18n, notices.send_back)}</button>
                    <FieldProblem problem/>
</div>
                }.into_any()
            }
        }
    };
    view! {
        <li class="card" data-testid="notice" data-notice=notice.id.to_string()>
            <p>
                <span class="badge" data-testid="status">{status_label(i18n, status)}</span>
                {pending.then(|| view! { " " <span class="badge">{t!(i18n, notices.amendment_pending)}</span> })}
                {(content.category == Category::Drill).then(|| view! { " " <span class="badge drill">{t!(i18n, notices.exercise)}</span> })}
                " "<SyncMark mark/>
                <span class="muted-text">{format!(" {} · {}", category_label(i18n, content.category),
                    if content.audience == guardpost_domain::notices::workflow::Audience::Public { t_string!(i18n, notices.public) } else { t_string!(i18n, notices.staff_only) })}</span>
            </p>
            <h2>{content.title_zh.to_string()}</h2>
            <div class="notice-body" inner_html=body></div>
            {returned.map(|r| view! { <p class="notice error">{r}</p> })}
            {not_applied.into_iter().map(|r| view! { <p class="notice error" data-testid="not-applied">{r}</p> }).collect_view()}
            <div class="actions">{offers.into_iter().map(button).collect_view()}</div>
            <details>
                <summary>{t!(i18n, notices.history)}</summary>
                <ul>{history.into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul>
            </details>
        </li>
    }.into_any()
}

/// Why a step of hers was not applied, and what to do.
fn refusal(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, why: Refused) -> &'static str {
    match why {
        Refused::NothingToSubmit => t_string!(i18n, notices.r_nothing_to_submit),
        Refused::NotSubmitted => t_string!(i18n, notices.r_not_submitted),
        Refused::OwnSubmission => t_string!(i18n, notices.r_own_submission),
        Refused::AwaitingReview => t_string!(i18n, notices.r_awaiting_review),
        Refused::NotPublished => t_string!(i18n, notices.r_not_published),
        Refused::Withdrawn => t_string!(i18n, notices.r_withdrawn),
        Refused::Expired => t_string!(i18n, notices.r_expired),
        Refused::StaysPublic => t_string!(i18n, notices.r_stays_public),
    }
}
