//! Check-ins: a class teacher's morning, noon and evening check. The zero report ("all
//! present and well") is one tap on the card for the current session, here and on the start
//! page; otherwise the teacher marks who is absent and why, and types temperatures.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::form::{self, OneTap};
use guardpost_domain::checkins::roster::roster;
use guardpost_domain::checkins::status::{self, Slot};
use guardpost_domain::checkins::{
    Absence, AbsenceCause, CheckinSettings, Student, StudentId, Symptom, Temperature,
};
use guardpost_domain::checkins::{Session, SessionCheck};
use guardpost_domain::school::SchoolTimeZone;
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::wire::ClassRef;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::components::A;

use crate::app::href;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::school::use_school;
use crate::sync::engine::{SyncView, now_ms, record, use_sync, with_replica};
use crate::widgets::{record_outcome, session_label, symptom_label, temperature_error};

/// The school's time zone, as the Worker reported it.
pub fn school_tz() -> SchoolTimeZone {
    use_school()
        .get_untracked()
        .map(|s| s.timezone)
        .unwrap_or_default()
}

/// What a class's check needs from the device's data: its roster, who awaits clearance, the
/// reports of `date`, what the one-tap report may do, the earlier sessions' absences and the
/// checks already missed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassData {
    pub roster: Vec<Student>,
    pub awaiting: BTreeSet<StudentId>,
    /// Per session: present, absent, fever, written at, synced.
    pub reports: BTreeMap<Session, (u16, u16, u16, u64, bool)>,
    pub one_tap: BTreeMap<Session, OneTap>,
    /// Per session: the absences of the day's latest earlier session.
    pub earlier: BTreeMap<Session, (Session, Vec<Absence>)>,
    /// Sessions past their deadline with no report, with the deadline.
    pub missed: Vec<(Session, u64)>,
}

pub fn class_data(
    class: &ClassRef,
    date: NaiveDate,
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
) -> ClassData {
    with_replica(|r| {
        let entries = r.entries();
        let held = r.ops.len();
        let standing_all = status::standing(entries.iter().copied());
        let cases = status::cases(&standing_all, entries.iter().copied());
        let roster: Vec<Student> = roster(entries.iter().copied())
            .into_iter()
            .filter(|s| s.class == class.id)
            .collect();
        let mut data = ClassData {
            missed: form::missed(&class.group(), settings, tz, date, now_ms(), &standing_all),
            ..ClassData::default()
        };
        for session in [Session::Morning, Session::Noon, Session::Evening] {
            let standing = standing_all.get(&(class.id.clone(), date, session));
            let present = form::expected(&roster, class.students, session);
            data.one_tap
                .insert(session, form::one_tap(standing, present));
            if let Some((earlier, absences)) =
                form::earlier_absences(&standing_all, &class.id, date, session)
            {
                data.earlier.insert(session, (earlier, absences.to_vec()));
            }
            if let Some(s) = standing {
                // Entries list held ops first: a report among them is synced.
                let synced = entries.iter().take(held).any(|e| {
                    e.hlc.wall == s.at_ms
                        && matches!(e.payload, Payload::SessionCheck(c) if c == s.check)
                });
                data.reports.insert(
                    session,
                    (
                        s.check.present,
                        s.check.absent,
                        s.check.fever,
                        s.at_ms,
                        synced,
                    ),
                );
            }
        }
        data.awaiting = cases
            .iter()
            .filter(|c| c.is_open() && c.class == class.id)
            .map(|c| c.student.clone())
            .collect();
        data.roster = roster;
        data
    })
    .unwrap_or_default()
}

/// How many students a session counts.
pub fn expected(class: &ClassRef, data: &ClassData, session: Session) -> u16 {
    form::expected(&data.roster, class.students, session)
}

/// Records a check and says how it went, in the person's language.
pub async fn save_check(
    view: SyncView,
    i18n: I18nContext<Locale>,
    check: SessionCheck,
) -> (bool, String) {
    record_outcome(
        i18n,
        record(view, Stream::Health, Payload::SessionCheck(check)).await,
    )
}

/// The school's check-in deadlines and thresholds, as the session reported them.
pub fn checkin_settings() -> CheckinSettings {
    use_sync()
        .session
        .get_untracked()
        .map(|s| s.checkins)
        .unwrap_or_default()
}

fn time_of(ms: u64) -> String {
    school_tz()
        .local_minute_at_ms(ms)
        .and_then(|t| t.split(' ').nth(1).map(str::to_owned))
        .unwrap_or_default()
}

/// The card of one class's current session: already reported (with when), or the one-tap
/// zero report; and any check of the day whose deadline passed without a report.
#[component]
pub fn QuickCheck(class: ClassRef) -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let session = status::current_session(&class.group(), &settings, tz, now_ms());
    let (message, set_message) = signal(None::<(bool, String)>);
    let class_for_data = class.clone();
    let data = Memo::new(move |_| {
        view.revision.track();
        class_data(&class_for_data, tz.date_at_ms(now_ms()), &settings, tz)
    });
    let data = move || data.get();
    let name = class.name.to_string();
    let class_id = class.id.clone();
    let file = move |present: u16| {
        let date = tz.date_at_ms(now_ms());
        let check = SessionCheck::all_well(class_id.clone(), date, session, present);
        leptos::task::spawn_local(async move {
            set_message.set(Some(save_check(view, i18n, check).await));
        });
    };
    view! {
        <div class="card quick-check" data-testid="quick-check">
            <h2>{format!("{} · {}", name, session_label(i18n, session))}</h2>
            {move || {
                let missed = data().missed;
                (!missed.is_empty()).then(|| view! {
                    <div class="card warning" role="alert" data-testid="missed">
                        {missed.into_iter().map(|(s, due)| view! {
                            <p>{format!("{} {} · {} {}", session_label(i18n, s), t_string!(i18n, checkins.missed), t_string!(i18n, checkins.due_at), time_of(due))}</p>
                        }).collect_view()}
                        <A href=href::CHECKINS attr:class="secondary-link">{t!(i18n, checkins.report_late)}</A>
                    </div>
                })
            }}
            {move || {
                let data = data();
                match (data.reports.get(&session).copied(), data.one_tap.get(&session).copied()) {
                    (Some(report), _) => reported_line(i18n, &settings, tz, session, report, false).into_any(),
                    (None, Some(OneTap::File { present })) => {
                        let file = file.clone();
                        view! {
                            <button type="button" class="primary big" data-testid="all-well" on:click=move |_| file(present)>
                                {format!("{} ({} {present})", t_string!(i18n, checkins.all_well), t_string!(i18n, checkins.present))}
                            </button>
                            <A href=href::CHECKINS attr:class="secondary-link">{t!(i18n, checkins.someone_absent)}</A>
                        }.into_any()
                    }
                    (None, _) => ().into_any(),
                }
            }}
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "notice ok" } else { "notice error" } role="status">{text}</p>
            })}
        </div>
    }
}

/// A session's standing report: when, late or not, its numbers and whether it has synced.
fn reported_line(
    i18n: I18nContext<Locale>,
    settings: &CheckinSettings,
    tz: SchoolTimeZone,
    session: Session,
    (present, absent, fever, at, synced): (u16, u16, u16, u64, bool),
    with_hint: bool,
) -> impl IntoView + use<> {
    let late = at > status::deadline_ms(settings, tz, tz.date_at_ms(at), session);
    view! {
        <p class="card reported" data-testid="reported">
            <strong>{t!(i18n, checkins.reported)}</strong>" "{time_of(at)}
            {late.then(|| view! { " " <span class="tag danger">{t!(i18n, checkins.late)}</span> })}
            <br/>
            {format!("{} {present} · {} {absent} · {} {fever}",
                t_string!(i18n, checkins.present), t_string!(i18n, checkins.absent), t_string!(i18n, checkins.fever))}
            " · "
            <span class=if synced { "state synced" } else { "state waiting" }>
                {if synced { t_string!(i18n, checkins.synced) } else { t_string!(i18n, checkins.waiting) }}
            </span>
            {with_hint.then(|| view! { <br/><span class="muted-text">{t!(i18n, checkins.correction_hint)}</span> })}
        </p>
    }
}

/// One student's marks in the detailed check, as the form edits them.
#[derive(Debug, Clone, Default, PartialEq)]
struct Mark {
    absent: Option<CauseKind>,
    symptoms: BTreeSet<Symptom>,
    temperature: String,
}

impl Mark {
    fn of(cause: &AbsenceCause) -> Self {
        let (kind, symptoms) = match cause {
            AbsenceCause::Illness { symptoms } => {
                (CauseKind::Illness, symptoms.iter().copied().collect())
            }
            AbsenceCause::Personal => (CauseKind::Personal, BTreeSet::new()),
            AbsenceCause::Other => (CauseKind::Other, BTreeSet::new()),
        };
        Self {
            absent: Some(kind),
            symptoms,
            temperature: String::new(),
        }
    }

    fn to_domain(&self) -> form::Mark {
        form::Mark {
            absent: self.absent.map(|kind| match kind {
                CauseKind::Illness => AbsenceCause::Illness {
                    symptoms: self.symptoms.iter().copied().collect(),
                },
                CauseKind::Personal => AbsenceCause::Personal,
                CauseKind::Other => AbsenceCause::Other,
            }),
            temperature: self.temperature.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CauseKind {
    Illness,
    Personal,
    Other,
}

type MarkEdit = Box<dyn FnOnce(&mut Mark) + Send + Sync>;

/// The cause and symptom choices of an absent student.
fn absence_chips(
    i18n: I18nContext<Locale>,
    id: StudentId,
    kind: CauseKind,
    symptoms: BTreeSet<Symptom>,
    update: impl Fn(StudentId, MarkEdit) + Copy + 'static,
) -> impl IntoView {
    let causes = [
        (CauseKind::Illness, t_string!(i18n, checkins.cause_illness)),
        (
            CauseKind::Personal,
            t_string!(i18n, checkins.cause_personal),
        ),
        (CauseKind::Other, t_string!(i18n, checkins.cause_other)),
    ];
    let cause_buttons = causes
        .into_iter()
        .map(|(choice, label)| {
            let id = id.clone();
            view! {
                <button type="button" class="chip" aria-pressed=(kind == choice).to_string()
                    on:click=move |_| update(id.clone(), Box::new(move |m| m.absent = Some(choice)))>{label}</button>
            }
        })
        .collect_view();
    let symptom_buttons = (kind == CauseKind::Illness).then(|| {
        Symptom::ALL
            .into_iter()
            .map(|symptom| {
                let id = id.clone();
                view! {
                    <button type="button" class="chip" aria-pressed=symptoms.contains(&symptom).to_string()
                        on:click=move |_| update(id.clone(), Box::new(move |m| { if !m.symptoms.remove(&symptom) { m.symptoms.insert(symptom); } }))>
                        {symptom_label(i18n, symptom)}
                    </button>
                }
            })
            .collect_view()
    });
    // Visible group names: "其他" is both a cause and a symptom.
    view! {
        <div class="chips" role="group" aria-label=t_string!(i18n, checkins.cause)>
            <span class="chips-label">{t!(i18n, checkins.cause)}</span>{cause_buttons}
        </div>
        {symptom_buttons.map(|b| view! {
            <div class="chips" role="group" aria-label=t_string!(i18n, checkins.symptoms)>
                <span class="chips-label">{t!(i18n, checkins.symptoms)}</span>{b}
            </div>
        })}
    }
}

/// Check-ins: the teacher's full check of a class's session.
#[component]
pub fn Checkins() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let classes = move || view.session.get().map(|s| s.classes).unwrap_or_default();
    // Only the office and the doctor see the school's day on Today.
    let whole_school = move || {
        view.session
            .get()
            .is_some_and(|s| s.role.sees_whole_school())
    };
    view! {
        <section class="area">
            <h1>{t!(i18n, checkins.title)}</h1>
            <Show
                when=move || view.session.get().is_some()
                fallback=move || view! {
                    <p class="empty-state">{t!(i18n, checkins.signed_out)}" "<A href=href::JOIN>{t!(i18n, join.title)}</A></p>
                }
            >
                <Show
                    when=move || !classes().is_empty()
                    fallback=move || view! {
                        <p class="empty-state" data-testid="no-classes">{t!(i18n, checkins.no_classes)}" "
                            <Show when=whole_school fallback=move || t!(i18n, checkins.ask_office)>
                                <A href=href::HOME>{t!(i18n, checkins.see_today)}</A>
                            </Show>
                        </p>
                    }
                >
                    <CheckForm/>
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn CheckForm() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let classes = move || view.session.get().map(|s| s.classes).unwrap_or_default();
    let first = classes().into_iter().next();
    let (class_id, set_class_id) = signal(first.as_ref().map(|c| c.id.clone()));
    let class = move || {
        let chosen = class_id.get();
        classes()
            .into_iter()
            .find(|c| Some(&c.id) == chosen.as_ref())
    };
    let initial_session = first
        .as_ref()
        .map(|c| status::current_session(&c.group(), &settings, tz, now_ms()))
        .unwrap_or(Session::Morning);
    let (session, set_session) = signal(initial_session);
    let data = move || {
        view.revision.track();
        class()
            .map(|c| class_data(&c, tz.date_at_ms(now_ms()), &settings, tz))
            .unwrap_or_default()
    };
    let marks = RwSignal::new(BTreeMap::<StudentId, Mark>::new());
    let (present, set_present) = signal(String::new());
    let (absent, set_absent) = signal(String::from("0"));
    let (fever, set_fever) = signal(String::from("0"));
    let (message, set_message) = signal(None::<(bool, String)>);
    // The one-tap report asked to replace a detailed one: waiting for the teacher's answer.
    let (asking, set_asking) = signal(false);

    let send = move |check: SessionCheck| {
        set_asking.set(false);
        leptos::task::spawn_local(async move {
            let outcome = save_check(view, i18n, check).await;
            if outcome.0 {
                marks.set(BTreeMap::new());
            }
            set_message.set(Some(outcome));
        });
    };
    let all_well = move || {
        let Some(class) = class() else { return };
        let date = tz.date_at_ms(now_ms());
        let n = expected(&class, &data(), session.get_untracked());
        send(SessionCheck::all_well(
            class.id,
            date,
            session.get_untracked(),
            n,
        ));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(class) = class() else { return };
        let data = data();
        let session = session.get_untracked();
        let date = tz.date_at_ms(now_ms());
        let mut check = SessionCheck::all_well(class.id.clone(), date, session, 0);
        if data.roster.is_empty() {
            // No roster: the numbers alone, as on the paper form.
            let number = |s: String| s.trim().parse::<u16>().ok();
            let (Some(p), Some(a), Some(f)) = (
                number(present.get_untracked()),
                number(absent.get_untracked()),
                number(fever.get_untracked()),
            ) else {
                set_message.set(Some((
                    false,
                    t_string!(i18n, checkins.numbers_needed).to_owned(),
                )));
                return;
            };
            check.present = p;
            check.absent = a;
            check.fever = f;
        } else {
            let marks: BTreeMap<StudentId, form::Mark> = marks
                .get_untracked()
                .iter()
                .map(|(id, mark)| (id.clone(), mark.to_domain()))
                .collect();
            match form::check_from_marks(&class.id, date, session, &data.roster, &marks) {
                Ok(built) => check = built,
                Err(e) => {
                    set_message.set(Some((
                        false,
                        format!("{}: {}", e.student, temperature_error(i18n, &e.problem)),
                    )));
                    return;
                }
            }
        }
        send(check);
    };

    let mark = move |id: &StudentId| marks.with(|m| m.get(id).cloned().unwrap_or_default());
    let update = Callback::new(move |(id, f): (StudentId, MarkEdit)| {
        marks.update(|m| f(m.entry(id).or_default()));
    });
    let update = move |id: StudentId, f: MarkEdit| update.run((id, f));

    view! {
        <Show when=move || { classes().len() > 1 }>
            <div class="segments" role="group" aria-label=move || t_string!(i18n, checkins.class)>
                {move || classes().into_iter().map(|c| {
                    let id = c.id.clone();
                    let chosen = id.clone();
                    view! {
                        <button type="button" class="segment" aria-pressed=move || (class_id.get().as_ref() == Some(&chosen)).to_string()
                            on:click=move |_| { set_class_id.set(Some(id.clone())); marks.set(BTreeMap::new()); }>
                            {c.name.to_string()}
                        </button>
                    }
                }).collect_view()}
            </div>
        </Show>
        <div class="segments" role="group" aria-label=move || t_string!(i18n, checkins.session)>
            {move || class().map(|c| status::sessions(&c.group()).iter().copied().map(|s| view! {
                <button type="button" class="segment" aria-pressed=move || (session.get() == s).to_string()
                    on:click=move |_| set_session.set(s)>
                    {session_label(i18n, s)}
                </button>
            }).collect_view())}
        </div>
        {move || {
            let data = data();
            let s = session.get();
            let reported = data.reports.get(&s).copied();
            let tap = data.one_tap.get(&s).copied();
            let label = move |present: u16| format!("{} ({} {present})", t_string!(i18n, checkins.all_well), t_string!(i18n, checkins.present));
            view! {
                {reported.map(|report| reported_line(i18n, &settings, tz, s, report, true))}
                {match tap {
                    Some(OneTap::File { present }) => view! {
                        <button type="button" class="primary big" data-testid="all-well" on:click=move |_| all_well()>
                            {label(present)}
                        </button>
                    }.into_any(),
                    // A detailed report stands: the one-tap report only replaces it when the
                    // teacher says so, having read what it would replace.
                    Some(OneTap::AskFirst { present, replaces }) => view! {
                        <Show
                            when=move || asking.get()
                            fallback=move || view! {
                                <button type="button" class="big" data-testid="all-well" on:click=move |_| set_asking.set(true)>
                                    {label(present)}
                                </button>
                            }
                        >
                            <div class="card warning" role="alertdialog" data-testid="replace-confirm">
                                <p>{format!("{} {} ({} {} · {} {} · {} {}) {} {}",
                                    t_string!(i18n, checkins.replace_before), time_of(replaces.at_ms),
                                    t_string!(i18n, checkins.present), replaces.present,
                                    t_string!(i18n, checkins.absent), replaces.absent,
                                    t_string!(i18n, checkins.fever), replaces.fever,
                                    t_string!(i18n, checkins.replace_with), label(present))}</p>
                                <div class="actions">
                                    <button type="button" class="primary" on:click=move |_| all_well()>{t!(i18n, checkins.replace_yes)}</button>
                                    <button type="button" on:click=move |_| set_asking.set(false)>{t!(i18n, checkins.replace_no)}</button>
                                </div>
                            </div>
                        </Show>
                    }.into_any(),
                    Some(OneTap::AlreadyFiled) | None => ().into_any(),
                }}
                {data.earlier.get(&s).cloned().filter(|_| reported.is_none()).map(|(earlier, absences)| {
                    let names: Vec<String> = absences.iter().map(|a| {
                        data.roster.iter().find(|st| st.id == a.student).map_or_else(|| a.student.to_string(), |st| st.name.to_string())
                    }).collect();
                    let carry = absences.clone();
                    view! {
                        <div class="card" data-testid="earlier-absences">
                            <p>{format!("{} {} {}: {}", session_label(i18n, earlier), t_string!(i18n, checkins.earlier_absent), absences.len(), names.join("、"))}</p>
                            <button type="button" on:click=move |_| {
                                let carry = carry.clone();
                                marks.update(|m| for a in &carry {
                                    m.entry(a.student.clone()).or_insert_with(|| Mark::of(&a.cause));
                                });
                            }>{t!(i18n, checkins.earlier_confirm)}</button>
                        </div>
                    }
                })}
            }
        }}
        <form class="card form" on:submit=submit>
            <h2>{t!(i18n, checkins.details)}</h2>
            {move || {
                let data = data();
                if data.roster.is_empty() {
                    view! {
                        <p class="muted-text">{t!(i18n, checkins.no_roster)}" "<A href=href::ROSTER>{t!(i18n, roster.title)}</A></p>
                        <div class="numbers">
                            <label><span>{t!(i18n, checkins.present)}</span>
                                <input type="number" inputmode="numeric" min="0" name="present" prop:value=present
                                    on:input=move |ev| set_present.set(event_target_value(&ev)) /></label>
                            <label><span>{t!(i18n, checkins.absent)}</span>
                                <input type="number" inputmode="numeric" min="0" name="absent" prop:value=absent
                                    on:input=move |ev| set_absent.set(event_target_value(&ev)) /></label>
                            <label><span>{t!(i18n, checkins.fever)}</span>
                                <input type="number" inputmode="numeric" min="0" name="fever" prop:value=fever
                                    on:input=move |ev| set_fever.set(event_target_value(&ev)) /></label>
                        </div>
                    }.into_any()
                } else {
                    let awaiting = data.awaiting.clone();
                    view! {
                        <ul class="students">
                            {data.roster.into_iter().map(|student| {
                                let id = student.id.clone();
                                let waits = awaiting.contains(&id);
                                let (id_a, id_c, id_t, id_m) = (id.clone(), id.clone(), id.clone(), id.clone());
                                let current = move || mark(&id_m);
                                let fever_now = {
                                    let current = current.clone();
                                    move || Temperature::parse(&current().temperature).is_ok_and(|t| t.is_fever())
                                };
                                view! {
                                    <li class="student" data-student=student.name.to_string()>
                                        <div class="student-line">
                                            <span class="student-name">{student.name.to_string()}<small>{format!(" {}", student.number)}</small></span>
                                            {waits.then(|| view! { <span class="tag danger">{t!(i18n, checkins.awaiting)}</span> })}
                                            <Show when=fever_now.clone()><span class="tag danger">{t!(i18n, checkins.fever_flag)}</span></Show>
                                            <input class="temp" type="text" inputmode="decimal" placeholder="℃"
                                                aria-label=format!("{} {}", t_string!(i18n, checkins.temperature), student.name)
                                                prop:value={ let current = current.clone(); move || current().temperature }
                                                on:input=move |ev| { let v = event_target_value(&ev); update(id_t.clone(), Box::new(move |m| m.temperature = v)); }/>
                                            <button type="button" class="toggle" aria-pressed={ let current = current.clone(); move || current().absent.is_some().to_string() }
                                                on:click=move |_| update(id_a.clone(), Box::new(|m| m.absent = if m.absent.is_some() { None } else { Some(CauseKind::Illness) }))>
                                                {t!(i18n, checkins.absent)}
                                            </button>
                                        </div>
                                        {let current = current.clone(); move || {
                                            let mark = current();
                                            mark.absent.map(|kind| absence_chips(i18n, id_c.clone(), kind, mark.symptoms.clone(), update))
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <button type="submit" class="primary">{t!(i18n, checkins.record)}</button>
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "notice ok" } else { "notice error" } role="status">{text}</p>
            })}
        </form>
        <TodayList/>
    }
}

/// Today's reports of the teacher's classes.
#[component]
fn TodayList() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let settings = checkin_settings();
    let rows = move || {
        view.revision.track();
        let date = tz.date_at_ms(now_ms());
        let classes = view.session.get().map(|s| s.classes).unwrap_or_default();
        let groups: Vec<_> = classes.iter().map(ClassRef::group).collect();
        let grid = with_replica(|r| {
            let standing = status::standing(r.entries());
            status::day_status(&groups, &settings, tz, date, now_ms(), &standing)
        })
        .unwrap_or_default();
        grid.classes
    };
    view! {
        <h2>{t!(i18n, checkins.today)}</h2>
        <ul class="checks" data-testid="today-checks">
            {move || rows().into_iter().map(|row| {
                let cells = [Session::Morning, Session::Noon, Session::Evening].into_iter().zip(row.slots)
                    .filter(|(_, slot)| *slot != Slot::None)
                    .map(|(session, slot)| view! {
                        <span class="slot">{session_label(i18n, session)}" "{slot_label(i18n, slot)}</span>
                    }).collect_view();
                view! {
                    <li class="card check">
                        <strong>{row.class.name.to_string()}</strong>
                        <span>{cells}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A grid cell's word, in the person's language.
pub fn slot_label(i18n: I18nContext<Locale>, slot: Slot) -> &'static str {
    match slot {
        Slot::Reported { late: false } => t_string!(i18n, checkins.slot_reported),
        Slot::Reported { late: true } => t_string!(i18n, checkins.late),
        Slot::Missing => t_string!(i18n, checkins.slot_missing),
        Slot::Due => t_string!(i18n, checkins.slot_due),
        Slot::None => "",
    }
}
