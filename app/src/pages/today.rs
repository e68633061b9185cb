//! The day at a glance for the office and the school doctor: every class's checks, the
//! day's fevers and illness absences, open cases (closed here with a return-to-class
//! certificate), the 14-day trend and the early-warning flags; the daily report as CSV or
//! printed. And everyone's own daily health report.

use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::Session;
use guardpost_domain::checkins::report::{ReportLabels, daily_csv};
use guardpost_domain::checkins::status::{self, Case, DayCount, Slot, Warning};
use guardpost_domain::checkins::{Note, ReturnCertificate, StaffHealth, Symptom, Temperature};
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::wire::ClassRef;
use guardpost_domain::text::Name;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{t, t_string, use_i18n};
use crate::pages::checkins::{checkin_settings, school_tz, slot_label};
use crate::school::use_school;
use crate::sync::engine::{now_ms, record, use_sync, with_replica};
use crate::widgets::{record_outcome, session_label, symptom_label, temperature_error};

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

/// Offers `text` as a file to save.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Fevers and illness absences over 14 days, as an SVG drawn here (no chart server).
#[component]
fn TrendChart(trend: Vec<DayCount>) -> impl IntoView {
    let i18n = use_i18n();
    let (w, h, pad) = (280.0_f64, 90.0_f64, 12.0_f64);
    let top = trend
        .iter()
        .map(|d| d.fever.max(d.illness))
        .max()
        .unwrap_or(0)
        .max(1);
    let n = trend.len().max(2) as f64;
    let point = |i: usize, v: u32, lift: f64| {
        let x = pad + (w - 2.0 * pad) * i as f64 / (n - 1.0);
        let y = h - pad - lift - (h - 2.0 * pad - lift) * f64::from(v) / f64::from(top);
        format!("{x:.1},{y:.1}")
    };
    let fever: Vec<String> = trend
        .iter()
        .enumerate()
        .map(|(i, d)| point(i, d.fever, 0.0))
        .collect();
    // Drawn 3 units higher: with both at zero the lines would lie on each other.
    let illness: Vec<String> = trend
        .iter()
        .enumerate()
        .map(|(i, d)| point(i, d.illness, 3.0))
        .collect();
    let first = trend
        .first()
        .map(|d| d.date.format("%m-%d").to_string())
        .unwrap_or_default();
    let last = trend
        .last()
        .map(|d| d.date.format("%m-%d").to_string())
        .unwrap_or_default();
    // Labels are HTML, not SVG text, so they keep the page's font size however narrow the
    // chart is drawn.
    view! {
        <figure class="trend">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=move || t_string!(i18n, today.trend)>
                <line x1=pad y1=h - pad x2=w - pad y2=h - pad class="axis"/>
                <polyline points=fever.join(" ") class="fever-line" fill="none"/>
                <polyline points=illness.join(" ") class="illness-line" fill="none"/>
            </svg>
            <div class="trend-axis"><span>{first}</span><span>{format!("{} {top}", t_string!(i18n, today.trend_max))}</span><span>{last}</span></div>
            <figcaption>
                <span class="key fever-key">{t!(i18n, today.fever)}</span>
                <span class="key illness-key">{t!(i18n, today.illness)}</span>
                " · "{t!(i18n, today.trend)}
            </figcaption>
        </figure>
    }
}

/// Records a return-to-class certificate for a case.
#[component]
fn CertificateForm(
    case: Case,
    name: String,
    #[prop(into)] on_closed: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let (issuer, set_issuer) = signal(String::new());
    let (note, set_note) = signal(String::new());
    let (date, set_date) = signal(tz.date_at_ms(now_ms()).to_string());
    let (message, set_message) = signal(None::<(bool, String)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(issuer) = Name::parse(&issuer.get_untracked()) else {
            set_message.set(Some((
                false,
                t_string!(i18n, today.issuer_needed).to_owned(),
            )));
            return;
        };
        let note = Note::parse(&note.get_untracked()).ok();
        let today = tz.date_at_ms(now_ms());
        let issued =
            chrono::NaiveDate::parse_from_str(date.get_untracked().trim(), "%Y-%m-%d").ok();
        // A certificate can't predate the case it closes, nor come from the future.
        let Some(issued) = issued.filter(|d| *d >= case.opened && *d <= today) else {
            set_message.set(Some((false, t_string!(i18n, today.date_needed).to_owned())));
            return;
        };
        let cert = ReturnCertificate {
            student: case.student.clone(),
            class: case.class.clone(),
            date: issued,
            issuer,
            note,
        };
        let student = name.clone();
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(view, Stream::Health, Payload::Certificate(cert)).await,
            );
            if outcome.0 {
                on_closed.run(format!("{} {student}", t_string!(i18n, today.case_closed)));
            }
            set_message.set(Some(outcome));
        });
    };
    view! {
        <details class="certificate">
            <summary>{t!(i18n, today.certificate)}</summary>
            <form class="form" on:submit=submit>
                <label><span>{t!(i18n, today.issued_on)}</span>
                    <input type="date" name="issued-on" prop:value=date on:input=move |ev| set_date.set(event_target_value(&ev))/></label>
                <label><span>{t!(i18n, today.issuer)}</span>
                    <input type="text" name="issuer" prop:value=issuer on:input=move |ev| set_issuer.set(event_target_value(&ev))/></label>
                <label><span>{t!(i18n, today.note)}</span>
                    <input type="text" name="note" prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))/></label>
                <button type="submit" class="primary">{t!(i18n, today.record_certificate)}</button>
                {move || message.get().map(|(ok, text)| view! { <p class=if ok { "notice ok" } else { "notice error" } role="status">{text}</p> })}
            </form>
        </details>
    }
}

/// Everyone's own daily health report (教职工健康自报).
#[component]
pub fn SelfReport() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let (temperature, set_temperature) = signal(String::new());
    let symptoms = RwSignal::new(Vec::<Symptom>::new());
    let (message, set_message) = signal(None::<(bool, String)>);
    let done_today = move || {
        view.revision.track();
        let date = tz.date_at_ms(now_ms());
        with_replica(|r| {
            r.outbox
                .get(&Stream::Health)
                .into_iter()
                .flat_map(|o| {
                    o.sealed
                        .iter()
                        .flat_map(|(_, d)| d.iter())
                        .chain(o.pending.iter())
                })
                .map(|d| &d.payload)
                .chain(
                    r.ops
                        .values()
                        .filter(|op| op.id.device == r.device)
                        .map(|op| &op.payload),
                )
                .any(|p| matches!(p, Payload::StaffHealth(h) if h.date == date))
        })
        .unwrap_or(false)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = temperature.get_untracked();
        let temperature = if typed.trim().is_empty() {
            None
        } else {
            match Temperature::parse(&typed) {
                Ok(t) => Some(t),
                Err(e) => {
                    set_message.set(Some((false, temperature_error(i18n, &e).to_owned())));
                    return;
                }
            }
        };
        let report = StaffHealth {
            date: tz.date_at_ms(now_ms()),
            temperature,
            symptoms: symptoms.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(view, Stream::Health, Payload::StaffHealth(report)).await,
            );
            set_message.set(Some(outcome));
        });
    };
    view! {
        <form class="card form self-report" on:submit=submit data-testid="self-report">
            <h2>{t!(i18n, today.self_title)}</h2>
            <Show when=done_today fallback=move || view! {
                <label><span>{t!(i18n, checkins.temperature)}</span>
                    <input type="text" inputmode="decimal" name="my-temperature" placeholder="℃" prop:value=temperature
                        on:input=move |ev| set_temperature.set(event_target_value(&ev))/></label>
                <div class="chips" role="group" aria-label=move || t_string!(i18n, checkins.symptoms)>
                    {Symptom::ALL.into_iter().filter(|s| *s != Symptom::Fever).map(|symptom| view! {
                        <button type="button" class="chip" aria-pressed=move || symptoms.with(|v| v.contains(&symptom)).to_string()
                            on:click=move |_| symptoms.update(|v| if let Some(i) = v.iter().position(|s| *s == symptom) { v.remove(i); } else { v.push(symptom); })>
                            {symptom_label(i18n, symptom)}
                        </button>
                    }).collect_view()}
                </div>
                <button type="submit" class="primary">{t!(i18n, today.self_submit)}</button>
            }>
                <p class="notice ok">{t!(i18n, today.self_done)}</p>
            </Show>
            {move || message.get().filter(|m| !m.0).map(|(_, text)| view! { <p class="notice error" role="status">{text}</p> })}
        </form>
    }
}
