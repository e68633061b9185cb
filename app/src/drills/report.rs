//! A drill's report (plan, timings against targets, ratings, actions) to print or export as
//! CSV, and the parents' notice drafted from it: bilingual, category drill, to be approved.

use guardpost_domain::changes::Payload;
use guardpost_domain::drills::report::{DrillReport, clock};
use guardpost_domain::drills::{DrillBook, RunId, may_manage};
use guardpost_domain::notices::workflow::{
    Action as NoticeAction, Audience, Category, Content, NoticeEvent, new_notice_id, notices,
};
use guardpost_domain::notices::{NoticeBody, NoticeTitle};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::labels;
use super::page::today;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync, with_replica};
use crate::widgets::{Outcome, PrintButton, download, record_outcome};

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
            t_string!(i18n, drills.target),
            t_string!(i18n, drills.actual),
            t_string!(i18n, drills.late),
            t_string!(i18n, drills.rating),
            t_string!(i18n, drills.note),
        ];
        let rows = r.csv_rows(|rt| labels::rating(i18n, rt).to_owned());
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
    view! {
        <section class="report" data-testid="report">
            <h3>{t!(i18n, drills.report)}</h3>
            {move || report.get().map(|r| view! {
                <p>{format!("{} · {} {}/{}", labels::scenario(i18n, r.scenario), t_string!(i18n, drills.on_time), r.on_time, r.steps.len())}</p>
                <table class="report-table">
                    <thead><tr><th>"#"</th><th>{t!(i18n, drills.step_text)}</th><th>{t!(i18n, drills.target)}</th><th>{t!(i18n, drills.actual)}</th><th>{t!(i18n, drills.rating)}</th></tr></thead>
                    <tbody>{r.steps.iter().map(|s| view! {
                        <tr class=if s.late { "late" } else { "" }>
                            <td>{s.number}</td><td>{s.zh.clone()}</td><td>{clock(u64::from(s.target_s))}</td>
                            <td>{s.actual_s.map(clock).unwrap_or_else(|| "—".to_owned())}</td>
                            <td>{s.rating.map(|rt| labels::rating(i18n, rt)).unwrap_or("")}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
                <h4>{t!(i18n, drills.improve)}</h4>
                <ul>{r.actions.iter().map(|a| view! { <li>{format!("{} · {} · {}", a.text, a.owner, a.due)}</li> }).collect_view()}</ul>
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
