//! The day at a glance for the office and the school doctor: every class's checks, the
//! day's fevers and illness absences, open cases (closed here with a return-to-class
//! certificate), the 14-day trend and the early-warning flags; the daily report as CSV or
//! printed.

use guardpost_domain::checkins::Session;
use guardpost_domain::checkins::report::{ReportLabels, daily_csv};
use guardpost_domain::checkins::status::{Slot, Warning};
use guardpost_domain::checkins::view::{CASES_LISTED, CaseList, DayContext, SchoolDayView};
use leptos::prelude::*;

use super::certificate::{CertificateForm, Drafts};
use super::trend::TrendChart;
use super::{checkin_settings, school_tz, slot_label};
use crate::i18n::{t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::engine::{school_now_ms, use_sync, with_replica};
use crate::widgets::{download, session_label, symptom_label};

/// The whole school's day: for roles that see every class.
#[component]
pub fn SchoolToday() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let school = use_school();
    let (closed, set_closed) = signal(None::<String>);
    let drafts = Drafts::new();
    // Compared before it redraws: a sync that brought nothing new (every minute's) leaves
    // the screen as it is.
    let computed = Memo::new(move |_| {
        view.revision.track();
        let classes = view
            .session
            .get()
            .map(|s| s.all_classes)
            .unwrap_or_default();
        with_replica(|r| {
            let day = DayContext {
                settings: &settings,
                tz,
                date: tz.date_at_ms(school_now_ms()),
                now_ms: school_now_ms(),
            };
            SchoolDayView::build(&classes, day, &r.entries(), r.ops.values())
        })
        .unwrap_or_default()
    });
    // In an outbreak the list holds back all but the first cases, and a search finds one:
    // kept outside the day's redraw, so a sync keeps what she typed and her keyboard.
    let (search, set_search) = signal(String::new());
    let (all, set_all) = signal(false);
    let cases = Memo::new(move |_| {
        computed.with(|v| CaseList::of(&v.open_cases, &search.get(), all.get()))
    });
    let export = move |_| {
        let SchoolDayView {
            day, open_cases, ..
        } = computed.get_untracked();
        let labels = ReportLabels {
            date: t_string!(i18n, report.date),
            class: t_string!(i18n, report.class),
            morning: t_string!(i18n, report.morning),
            noon: t_string!(i18n, report.noon),
            evening: t_string!(i18n, report.evening),
            present: t_string!(i18n, report.present),
            absent: t_string!(i18n, report.absent),
            illness: t_string!(i18n, report.illness),
            fever: t_string!(i18n, report.fever),
            total: t_string!(i18n, report.total),
            open_cases: t_string!(i18n, report.open_cases),
            reported: t_string!(i18n, report.reported),
            late: t_string!(i18n, report.late),
            missing: t_string!(i18n, report.missing),
            due: t_string!(i18n, report.due),
        };
        let csv = daily_csv(&day, open_cases.len(), &labels);
        let date = day.date.map(|d| d.to_string()).unwrap_or_default();
        download(&format!("guardpost-{date}.csv"), &csv);
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <section class="card today" data-testid="school-today">
            <h2>{t!(i18n, today.title)}</h2>
            // The printed report must say whose and which day it is.
            <p class="report-head" data-testid="report-head">
                {move || school.get().map(|s| s.name.to_string()).unwrap_or_default()}
                " · "{move || { view.revision.track(); tz.date_at_ms(school_now_ms()).format("%Y-%m-%d").to_string() }}
            </p>
            {move || {
                let SchoolDayView { day, open_cases: open, warnings, trend, staff } = computed.get();
                view! {
                    <dl class="facts">
                        <dt>{t!(i18n, today.fever)}</dt><dd data-testid="fever-count">{day.fever}</dd>
                        <dt>{t!(i18n, today.illness)}</dt><dd>{day.illness}</dd>
                        <dt>{t!(i18n, today.open_cases)}</dt><dd data-testid="open-cases">{open.len()}</dd>
                        <dt>{t!(i18n, today.missing)}</dt><dd>{day.missing}</dd>
                        <dt>{t!(i18n, today.late)}</dt><dd>{day.late}</dd>
                    </dl>
                    {(!warnings.is_empty()).then(|| view! {
                        <div class="card warning" role="alert" data-testid="warnings">
                            {warnings.iter().map(|w| view! { <p>{match &w.warning {
                                Warning::IllnessShare { ill, students, .. } => format!("{} · {} {ill}/{students}", w.class_name, t_string!(i18n, today.warn_share)),
                                Warning::Cluster { symptom, cases, .. } => format!("{} · {} {} × {cases}", w.class_name, t_string!(i18n, today.warn_cluster), symptom_label(i18n, *symptom)),
                            }}</p> }).collect_view()}
                        </div>
                    })}
                    <table class="grid" data-testid="grid">
                        <thead><tr>
                            <th>{t!(i18n, checkins.class)}</th>
                            {[Session::Morning, Session::Noon, Session::Evening].map(|s| view! { <th>{session_label(i18n, s)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {day.classes.iter().map(|row| view! {
                                <tr>
                                    <th scope="row">{row.class.name.to_string()}</th>
                                    {row.slots.iter().map(|slot| view! {
                                        <td class=slot_class(*slot)>{slot_label(i18n, *slot)}</td>
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <TrendChart trend/>
                    <h3>{format!("{} {}", t_string!(i18n, today.staff_reports), staff.len())}</h3>
                    <ul class="rows" data-testid="staff-reports">
                        {staff.into_iter().map(|report| {
                            let fever = report.fever;
                            let name = report.name;
                            let report = report.health;
                            view! {
                                <li class="row">
                                    <div class="row-main">
                                        <strong>{name.to_string()}</strong>
                                        {report.temperature.map(|t| view! { <span class=if fever { "tag danger" } else { "tag" }>{format!("{t} °C")}</span> })}
                                        {report.symptoms.iter().map(|s| view! { <span class="tag danger">{symptom_label(i18n, *s)}</span> }).collect_view()}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            }}
            <h3>{t!(i18n, today.cases)}</h3>
            // Said here, not in the case's row: recording the certificate removes the row.
            {move || closed.get().map(|text| view! { <p class="notice ok" role="status" data-testid="case-closed">{text}</p> })}
            <Show when=move || { cases.with(|c| c.open > CASES_LISTED) }>
                <label class="form no-print"><span>{t!(i18n, today.find_case)}</span>
                    <input type="search" name="case-search" prop:value=search on:input=move |ev| set_search.set(event_target_value(&ev))/></label>
            </Show>
            {move || {
                let CaseList { shown, held_back, open } = cases.get();
                if open == 0 {
                    return view! { <p class="muted-text">{t!(i18n, today.no_cases)}</p> }.into_any();
                }
                view! {
                            {shown.is_empty().then(|| view! { <p class="muted-text" data-testid="no-case-found">{t!(i18n, today.no_case_found)}</p> })}
                            <ul class="rows" data-testid="cases">
                                {shown.into_iter().map(|open| {
                                    let name = open.student_name;
                                    let case = open.case;
                                    view! {
                                        <li class="row case" data-case=name.clone()>
                                            <div class="row-main">
                                                <strong>{name.clone()}</strong>
                                                <span class="muted-text">{open.class_name}</span>
                                                <span>{format!("{} {}", t_string!(i18n, today.since), case.opened)}</span>
                                                {case.readings.iter().map(|(date, session, t)| view! {
                                                    <span class="tag danger">{format!("{} {} {t} °C", date.format("%m-%d"), session_label(i18n, *session))}</span>
                                                }).collect_view()}
                                                {open.other_symptoms.iter().map(|s| view! { <span class="tag">{symptom_label(i18n, *s)}</span> }).collect_view()}
                                            </div>
                                            {case.misdated_certificates.iter().map(|(date, issuer)| view! {
                                                <p class="notice error" data-testid="misdated">{format!("{} {date} · {issuer}", t_string!(i18n, today.misdated))}</p>
                                            }).collect_view()}
                                            <CertificateForm case name=name.clone() drafts on_closed=move |text| set_closed.set(Some(text))/>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(held_back > 0).then(|| view! {
                                <button type="button" class="no-print" data-testid="all-cases" on:click=move |_| set_all.set(true)>
                                    {format!("{} {}", t_string!(i18n, today.all_cases), held_back)}</button>
                            })}
                }.into_any()
            }}
            <div class="actions no-print">
                <button type="button" on:click=export>{t!(i18n, today.export_csv)}</button>
                <button type="button" on:click=print>{t!(i18n, today.print)}</button>
            </div>
        </section>
    }
}

fn slot_class(slot: Slot) -> &'static str {
    match slot {
        Slot::Reported { late: false } => "ok",
        Slot::Reported { late: true } => "late",
        Slot::Missing => "missing",
        Slot::Due => "due",
        Slot::None => "none",
    }
}
