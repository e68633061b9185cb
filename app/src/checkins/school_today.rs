//! The day at a glance for the office and the school doctor: every class's checks, the
//! day's fevers and illness absences, open cases (closed here with a return-to-class
//! certificate), the 14-day trend and the early-warning flags; the daily report as CSV or
//! printed.

use guardpost_domain::checkins::Session;
use guardpost_domain::checkins::Symptom;
use guardpost_domain::checkins::report::{ReportLabels, daily_csv};
use guardpost_domain::checkins::status::{self, Case, Slot, Warning};
use guardpost_domain::sync::wire::ClassRef;
use leptos::prelude::*;

use super::certificate::CertificateForm;
use super::trend::TrendChart;
use super::{checkin_settings, school_tz, slot_label};
use crate::i18n::{t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::engine::{now_ms, use_sync, with_replica};
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
    let computed = move || {
        view.revision.track();
        let date = tz.date_at_ms(now_ms());
        let classes: Vec<_> = view
            .session
            .get()
            .map(|s| s.all_classes)
            .unwrap_or_default()
            .iter()
            .map(ClassRef::group)
            .collect();
        with_replica(|r| {
            let entries = r.entries();
            let standing = status::standing(entries.iter().copied());
            let day = status::day_status(&classes, &settings, tz, date, now_ms(), &standing);
            let cases = status::cases(&standing, entries.iter().copied());
            let warnings = status::warnings(&day, &cases, &settings);
            let trend = status::trend(&standing, date, 14);
            let names = guardpost_domain::checkins::roster::roster(entries.iter().copied());
            let staff = status::staff_day(r.ops.values(), date);
            (day, cases, warnings, trend, names, staff)
        })
        .unwrap_or_default()
    };
    let class_name = move |id: &guardpost_domain::school::ClassId| {
        view.session
            .get_untracked()
            .and_then(|s| s.all_classes.into_iter().find(|c| &c.id == id))
            .map_or_else(|| id.to_string(), |c| c.name.to_string())
    };
    let export = move |_| {
        let (day, cases, ..) = computed();
        let open = cases.iter().filter(|c| c.is_open()).count();
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
        let csv = daily_csv(&day, open, &labels);
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
                " · "{move || { view.revision.track(); tz.date_at_ms(now_ms()).format("%Y-%m-%d").to_string() }}
            </p>
            {move || {
                let (day, cases, warnings, trend, roster, staff) = computed();
                let open: Vec<Case> = cases.into_iter().filter(Case::is_open).collect();
                let student_name = move |id: &guardpost_domain::checkins::StudentId| {
                    roster.iter().find(|s| &s.id == id).map_or_else(|| id.to_string(), |s| s.name.to_string())
                };
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
                            {warnings.iter().map(|w| view! { <p>{match w {
                                Warning::IllnessShare { class, ill, students } => format!("{} · {} {ill}/{students}", class_name(class), t_string!(i18n, today.warn_share)),
                                Warning::Cluster { class, symptom, cases } => format!("{} · {} {} × {cases}", class_name(class), t_string!(i18n, today.warn_cluster), symptom_label(i18n, *symptom)),
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
                        {staff.into_iter().map(|(name, report)| {
                            let fever = report.temperature.is_some_and(|t| t.is_fever());
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
                    <h3>{t!(i18n, today.cases)}</h3>
                    // Said here, not in the case's row: recording the certificate removes the row.
                    {move || closed.get().map(|text| view! { <p class="notice ok" role="status" data-testid="case-closed">{text}</p> })}
                    {if open.is_empty() {
                        view! { <p class="muted-text">{t!(i18n, today.no_cases)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rows" data-testid="cases">
                                {open.into_iter().map(|case| {
                                    let name = student_name(&case.student);
                                    view! {
                                        <li class="row case" data-case=name.clone()>
                                            <div class="row-main">
                                                <strong>{name.clone()}</strong>
                                                <span class="muted-text">{class_name(&case.class)}</span>
                                                <span>{format!("{} {}", t_string!(i18n, today.since), case.opened)}</span>
                                                {case.readings.iter().map(|(date, session, t)| view! {
                                                    <span class="tag danger">{format!("{} {} {t} °C", date.format("%m-%d"), session_label(i18n, *session))}</span>
                                                }).collect_view()}
                                                {case.symptoms.iter().filter(|s| **s != Symptom::Fever).map(|s| view! { <span class="tag">{symptom_label(i18n, *s)}</span> }).collect_view()}
                                            </div>
                                            {case.misdated_certificates.iter().map(|(date, issuer)| view! {
                                                <p class="notice error" data-testid="misdated">{format!("{} {date} · {issuer}", t_string!(i18n, today.misdated))}</p>
                                            }).collect_view()}
                                            <CertificateForm case name=name.clone() on_closed=move |text| set_closed.set(Some(text))/>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
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
