//! A class's students: typed in, or imported from a CSV file with a report of the rows
//! refused. Class teachers keep their own classes; the office and the school doctor any.

use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::roster::{
    ImportReport, RosterVersions, RowProblem, import_csv, roster,
};
use guardpost_domain::checkins::{Student, StudentNumber};
use guardpost_domain::school::ClassId;
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::wire::ClassRef;
use guardpost_domain::text::Name;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use wasm_bindgen::JsCast;

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::sync::engine::{RecordError, record, use_sync, with_replica};
use crate::widgets::{Conflict, SyncMark};

/// The classes whose roster this person keeps.
fn keepable(view: crate::sync::SyncView) -> Vec<ClassRef> {
    view.session
        .get()
        .map(|s| {
            if s.role.sees_whole_school() {
                s.all_classes
            } else {
                s.classes
            }
        })
        .unwrap_or_default()
}

fn problem_text(i18n: I18nContext<Locale>, problem: &RowProblem) -> String {
    let what = match problem {
        RowProblem::MissingColumn(_) => t_string!(i18n, roster.p_missing_column),
        RowProblem::Unreadable(_) => t_string!(i18n, roster.p_unreadable),
        RowProblem::UnknownClass(_) => t_string!(i18n, roster.p_unknown_class),
        RowProblem::Name(_) => t_string!(i18n, roster.p_name),
        RowProblem::Number(_) => t_string!(i18n, roster.p_number),
        RowProblem::Boarder(_) => t_string!(i18n, roster.p_boarder),
        RowProblem::Duplicate(_) => t_string!(i18n, roster.p_duplicate),
        RowProblem::TooManyRows => t_string!(i18n, roster.p_too_many),
    };
    // The domain's own words name the value at fault.
    format!("{what} ({problem})")
}

#[component]
pub fn Roster() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let classes = move || keepable(view);
    let (class_id, set_class_id) = signal(None::<ClassId>);
    let class = move || {
        let all = classes();
        let chosen = class_id.get();
        all.iter()
            .find(|c| Some(&c.id) == chosen.as_ref())
            .or(all.first())
            .cloned()
    };
    let students = move || {
        view.revision.track();
        let Some(class) = class() else {
            return Vec::new();
        };
        with_replica(|r| {
            let marks = r.row_marks(|p| match p {
                Payload::Student(s) => Some(s.id.clone()),
                _ => None,
            });
            roster(r.entries())
                .into_iter()
                .filter(|s| s.class == class.id)
                .map(|s| {
                    let mark = marks.get(&s.id).copied();
                    (s, mark)
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    // What a write of each student replaces, and the students written on two devices at
    // once, to be chosen between.
    let versions = Memo::new(move |_| {
        view.revision.track();
        class()
            .and_then(|class| with_replica(|r| RosterVersions::of(r.changes_by(), &class.id)))
            .unwrap_or_default()
    });
    let (name, set_name) = signal(String::new());
    let (number, set_number) = signal(String::new());
    let (boarder, set_boarder) = signal(false);
    let (message, set_message) = signal(None::<(bool, String)>);
    let report = RwSignal::new(None::<ImportReport>);

    let save_written = move |list: Vec<Student>| {
        leptos::task::spawn_local(async move {
            let mut saved = 0;
            for student in list {
                match record(view, Stream::Health, Payload::Student(student)).await {
                    Ok(()) => saved += 1,
                    Err(RecordError::Invalid(_) | RecordError::SignedOut) => {}
                    Err(RecordError::Storage(e)) => {
                        set_message.set(Some((
                            false,
                            format!("{} {e}", t_string!(i18n, checkins.storage_failed)),
                        )));
                        return;
                    }
                }
            }
            set_message.set(Some((
                true,
                format!("{} {saved}", t_string!(i18n, roster.saved)),
            )));
        });
    };
    // Each written over what this device holds of it (see RosterVersions::over).
    let save_all = move |list: Vec<Student>| {
        save_written(versions.with_untracked(|v| list.into_iter().map(|s| v.over(s)).collect()));
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(class) = class() else { return };
        let (Ok(n), Ok(num)) = (
            Name::parse(&name.get_untracked()),
            StudentNumber::parse(&number.get_untracked()),
        ) else {
            set_message.set(Some((false, t_string!(i18n, roster.fill_in).to_owned())));
            return;
        };
        save_all(vec![Student::new(
            class.id,
            n,
            num,
            boarder.get_untracked(),
        )]);
        set_name.set(String::new());
        set_number.set(String::new());
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let Some(class) = class() else { return };
        let groups: Vec<_> = classes().iter().map(ClassRef::group).collect();
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let Some(text) = text else {
                set_message.set(Some((
                    false,
                    t_string!(i18n, roster.p_unreadable).to_owned(),
                )));
                return;
            };
            let result = import_csv(&text, &groups, Some(&class.id));
            let students = result.students.clone();
            report.set(Some(result));
            save_all(students);
        });
    };

    view! {
        <section class="area">
            <h1>{t!(i18n, roster.title)}</h1>
            <p class="intro">{t!(i18n, roster.intro)}</p>
            <Show when=move || { classes().len() > 1 }>
                <label class="form">
                    <span>{t!(i18n, checkins.class)}</span>
                    <select name="roster-class" on:change=move |ev| set_class_id.set(ClassId::parse(&event_target_value(&ev)).ok())>
                        {move || classes().into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name.to_string()}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "notice ok" } else { "notice error" } role="status">{text}</p>
            })}
            {move || report.get().filter(|r| !r.refused.is_empty()).map(|r| view! {
                <div class="card warning" data-testid="import-refused">
                    <h2>{format!("{} {}", t_string!(i18n, roster.refused_rows), r.refused.len())}</h2>
                    <ul>
                        {r.refused.iter().map(|row| view! {
                            <li>{format!("{} {}: {}", t_string!(i18n, roster.line), row.line, problem_text(i18n, &row.problem))}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {move || {
                let conflicts = versions.with(|v| v.conflicts.clone());
                (!conflicts.is_empty()).then(|| {
                    let tz = crate::school::school_tz();
                    view! {
                        <Conflict said=t_string!(i18n, roster.unseen)>
                            {conflicts.into_iter().map(|conflict| {
                                let kept = std::iter::once((true, conflict.kept.clone()));
                                let not_kept = conflict.not_kept.clone().into_iter().map(|u| (false, u));
                                view! {
                                    <section data-testid="student-conflict">
                                        <h2>{format!("{} {}", conflict.kept.record.number, conflict.kept.record.name)}</h2>
                                        <ul>
                                            {kept.chain(not_kept).map(|(is_kept, u)| {
                                                let conflict = conflict.clone();
                                                let chosen = u.record.clone();
                                                let state = if is_kept { t_string!(i18n, roster.kept_now) } else { t_string!(i18n, roster.not_kept) };
                                                let mut parts = vec![state.to_owned(), u.record.name.to_string()];
                                                if u.record.boarder { parts.push(t_string!(i18n, roster.boarder).to_owned()); }
                                                if u.record.left { parts.push(t_string!(i18n, roster.left).to_owned()); }
                                                parts.push(u.by.to_string());
                                                parts.push(tz.local_minute_at_ms(u.at.wall).unwrap_or_default());
                                                view! {
                                                    <li class="row">
                                                        <span class="row-main">{parts.join(" · ")}</span>
                                                        <button type="button" on:click=move |_| save_written(vec![conflict.choose(&chosen)])>
                                                            {t!(i18n, roster.keep_this)}</button>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                }
                            }).collect_view()}
                        </Conflict>
                    }
                })
            }}
            {move || {
                let list = students();
                // A class with no one in it yet says so, rather than drawing an empty card.
                if list.is_empty() {
                    // Only once the device has read its data and heard from the server: a
                    // list still on its way is not an empty class.
                    let known = view.ready() && view.last_sync_ms.get().is_some();
                    return (known && class().is_some()).then(|| view! {
                        <p class="empty-state" data-testid="no-students">{t!(i18n, roster.empty_class)}</p>
                    }.into_any());
                }
                Some(view! {
            <ul class="rows card" data-testid="students">
                {list.into_iter().map(|(s, mark)| {
                    let mut gone = s.clone();
                    gone.left = true;
                    let question = format!("{} {}", t_string!(i18n, roster.confirm_left), s.name);
                    view! {
                        <li class="row">
                            <span class="row-main"><strong>{s.name.to_string()}</strong>
                                <span class="muted-text">{s.number.to_string()}</span>
                                {s.boarder.then(|| view! { <span class="tag">{t!(i18n, roster.boarder)}</span> })}
                                " "<SyncMark mark/>
                            </span>
                            <button type="button" class="danger" on:click=move |_| {
                                let sure = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false);
                                if sure {
                                    save_all(vec![gone.clone()]);
                                }
                            }>{t!(i18n, roster.left)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
                }.into_any())
            }}
            <Show when=move || !classes().is_empty() fallback=move || view! {
                <p class="empty-state" data-testid="no-classes">{t!(i18n, roster.none)}</p>
            }>
            <form class="card form" on:submit=add>
                <h2>{t!(i18n, roster.add)}</h2>
                <label><span>{t!(i18n, roster.name)}</span>
                    <input type="text" name="student-name" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/></label>
                <label><span>{t!(i18n, roster.number)}</span>
                    <input type="text" name="student-number" inputmode="numeric" prop:value=number on:input=move |ev| set_number.set(event_target_value(&ev))/></label>
                <label class="tick"><input type="checkbox" prop:checked=boarder on:change=move |ev| set_boarder.set(event_target_checked(&ev))/>
                    <span>{t!(i18n, roster.boarder)}</span></label>
                <button type="submit" class="primary">{t!(i18n, roster.add)}</button>
            </form>
            <div class="card form">
                <h2>{t!(i18n, roster.import)}</h2>
                <p class="muted-text">{t!(i18n, roster.import_help)}</p>
                <label><span>{t!(i18n, roster.file)}</span>
                    <input type="file" name="roster-file" accept=".csv,text/csv" on:change=import/></label>
            </div>
            </Show>
        </section>
    }
}
