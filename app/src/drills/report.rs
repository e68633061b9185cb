//! A drill's report (plan, timings against targets, ratings, actions) to print or export as
//! CSV, and the parents' notice drafted from it: bilingual, category drill, to be approved.

use guardpost_domain::changes::Payload;
use guardpost_domain::drills::report::{CsvWords, DrillReport, clock};
use guardpost_domain::drills::run::Action;
use guardpost_domain::drills::{DrillBook, RunId, may_manage};
use guardpost_domain::notices::workflow::{
    Action as NoticeAction, Audience, Category, Content, NoticeEvent, new_notice_id, notices,
};
use guardpost_domain::notices::{NoticeBody, NoticeTitle};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::labels;
use super::page::today;
use super::run::status_text;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync, with_replica};
use crate::widgets::{Outcome, PrintButton, download, labelled, record_outcome};

/// The drill's report, to print or export, and a parents' notice drafted from it.
#[component]
pub fn Report(id: RunId, book: Memo<DrillBook>) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let (tz, _) = today();
    let report = Memo::new(move |_| {
        book.with(|b| b.drills.run(&id).map(|r| DrillReport::of(r, &b.drills, tz)))
    });
    let (message, set_message) = signal(None::<(bool, String)>);
    let csv = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let header = [
            "#",
            t_string!(i18n, drills.step_text),
            t_string!(i18n, drills.owner),
            t_string!(i18n, drills.target),
            t_string!(i18n, drills.actual),
            t_string!(i18n, drills.late),
            t_string!(i18n, drills.rating),
            t_string!(i18n, drills.note),
        ];
        let owner = |o| labels::owner(i18n, o).to_owned();
        let rating = |rt| labels::rating(i18n, rt).to_owned();
        let note = |by: &str, n: &str| labelled(i18n, by, n);
        let words = CsvWords {
            english: i18n.get_locale_untracked() == Locale::en,
            owner: &owner,
            rating: &rating,
            note: &note,
        };
        let mut rows = r.csv_rows(&words);
        // After the steps, the rest of the report, a line each under the step column.
        let line = |label: &str, text: String| {
            let mut row: [String; 8] = Default::default();
            row[0] = label.to_owned();
            row[1] = text;
            row
        };
        rows.push(line(
            t_string!(i18n, drills.accountability),
            labels::accountability(i18n, r.accountability_s, r.accounted, r.expected),
        ));
        rows.extend(
            r.strengths
                .iter()
                .map(|s| line(t_string!(i18n, drills.strengths), s.clone())),
        );
        rows.extend(
            r.actions
                .iter()
                .map(|a| line(t_string!(i18n, drills.improve), action_line(i18n, a))),
        );
        rows.extend(r.retested.iter().map(|(a, held)| {
            line(
                t_string!(i18n, drills.retested),
                retest_line(i18n, a, *held),
            )
        }));
        let text = guardpost_domain::supplies::report::csv_text(header, rows);
        download(
            &format!("drill-{}.csv", r.started.replace([' ', ':'], "-")),
            &text,
        );
    };
    let draft_notice = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let date = r.started.get(..10).unwrap_or_default().to_owned();
        let zh = labels::scenario_in(Locale::zh_CN, r.scenario);
        let en = labels::scenario_in(Locale::en, r.scenario);
        let text = |locale: Locale, scenario: &str| {
            (
                format!("{}{scenario}", td_string!(locale, drills.notice_title)),
                format!(
                    "{}{date}{}{scenario}{}",
                    td_string!(locale, drills.notice_p1),
                    td_string!(locale, drills.notice_p2),
                    td_string!(locale, drills.notice_p3)
                ),
            )
        };
        let (title_zh, body_zh) = text(Locale::zh_CN, zh);
        let (title_en, body_en) = text(Locale::en, en);
        let (Ok(title_zh), Ok(body_zh), Ok(title_en), Ok(body_en)) = (
            NoticeTitle::parse(&title_zh),
            NoticeBody::parse(&body_zh),
            NoticeTitle::parse(&title_en),
            NoticeBody::parse(&body_en),
        ) else {
            set_message.set(Some((
                false,
                t_string!(i18n, drills.p_notice_draft).to_owned(),
            )));
            return;
        };
        let content = Content {
            title_zh,
            body_zh,
            title_en: Some(title_en),
            body_en: Some(body_en),
            category: Category::Drill,
            audience: Audience::Public,
            pinned: false,
            publish_at_ms: None,
            expire_at_ms: None,
        };
        let taken = with_replica(|r| notices(r.changes_by())).unwrap_or_default();
        let notice = new_notice_id(|n| taken.iter().any(|x| &x.id == n), school_now_ms());
        leptos::task::spawn_local(async move {
            let step = NoticeAction::Edit {
                content: Box::new(content),
            };
            let mut outcome = record_outcome(
                i18n,
                record(
                    view,
                    Stream::Notices,
                    Payload::Notice(NoticeEvent { notice, step }),
                )
                .await,
            );
            if outcome.0 {
                outcome.1 = t_string!(i18n, drills.notice_drafted).to_owned();
            }
            set_message.set(Some(outcome));
        });
    };
    let manages = move || view.session.get().is_some_and(|s| may_manage(s.role));
    let english = move || i18n.get_locale() == Locale::en;
    view! {
        <section class="report" data-testid="report">
            <h3>{t!(i18n, drills.report)}</h3>
            {move || report.get().map(|r| view! {
                <p>{format!("{} · {} – {}", labels::scenario(i18n, r.scenario), r.started, r.finished.clone().unwrap_or_default())}</p>
                <p>{format!("{} {}/{}", t_string!(i18n, drills.on_time), r.on_time, r.steps.len())}</p>
                <p data-testid="report-accountability">{labels::accountability_sentence(i18n, r.accountability_s, r.accounted, r.expected)}</p>
                <div class="scroll">
                <table class="report-table">
                    <thead><tr><th>"#"</th><th>{t!(i18n, drills.step_text)}</th><th>{t!(i18n, drills.owner)}</th><th>{t!(i18n, drills.target)}</th><th>{t!(i18n, drills.actual)}</th><th>{t!(i18n, drills.rating)}</th></tr></thead>
                    <tbody>{r.steps.iter().map(|s| view! {
                        <tr class=if s.late { "late" } else { "" }>
                            <td>{s.number}</td>
                            <td>{s.text(english()).to_owned()}
                                {s.notes.iter().map(|(by, n)| view! { <br/><small>{labelled(i18n, by, n)}</small> }).collect_view()}</td>
                            <td>{labels::owner(i18n, s.owner)}</td>
                            <td>{clock(u64::from(s.target_s))}</td>
                            <td>{s.actual_s.map(clock).unwrap_or_else(|| "—".to_owned())}</td>
                            <td>{s.rating.map(|rt| labels::rating(i18n, rt)).unwrap_or("")}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
                </div>
                <h4>{t!(i18n, drills.strengths)}</h4>
                <ul data-testid="report-strengths">{r.strengths.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ul>
                <h4>{t!(i18n, drills.improve)}</h4>
                <ul data-testid="report-actions">{r.actions.iter().map(|a| view! { <li>{action_line(i18n, a)}</li> }).collect_view()}</ul>
                {(!r.retested.is_empty()).then(|| view! {
                    <h4>{t!(i18n, drills.retested)}</h4>
                    <ul data-testid="report-retested">{r.retested.iter().map(|(a, held)| view! { <li>{retest_line(i18n, a, *held)}</li> }).collect_view()}</ul>
                })}
            })}
            <div class="actions">
                <PrintButton/>
                <button type="button" on:click=csv>{t!(i18n, drills.csv)}</button>
                <Show when=manages>
                    <button type="button" data-testid="draft-notice" on:click=draft_notice>{t!(i18n, drills.draft_notice)}</button>
                </Show>
            </div>
            <Outcome message/>
        </section>
    }
}

/// How many were accounted for, and how long it took, in words.
/// A corrective action: what, who, by when, where it stands.
fn action_line(i18n: leptos_i18n::I18nContext<Locale>, a: &Action) -> String {
    format!(
        "{} · {} · {} · {}",
        a.text,
        labelled(i18n, t_string!(i18n, drills.owner), &a.owner),
        labelled(i18n, t_string!(i18n, drills.due), a.due),
        status_text(i18n, &a.status)
    )
}

/// An earlier action this drill re-tested, and whether it held.
fn retest_line(i18n: leptos_i18n::I18nContext<Locale>, a: &Action, held: bool) -> String {
    let outcome = if held {
        t_string!(i18n, drills.held)
    } else {
        t_string!(i18n, drills.not_held)
    };
    format!("{} · {outcome}", a.text)
}
