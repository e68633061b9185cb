use guardpost_domain::school::ClassGroup;
use guardpost_domain::text::Name;
use leptos::prelude::*;

use super::Admin;
use crate::i18n::{t, t_string};
use crate::widgets::{FieldProblem, TextField};

#[component]
pub(super) fn ClassSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let classes = move || admin.directory().map(|d| d.classes).unwrap_or_default();
    let (name, set_name) = signal(String::new());
    let (students, set_students) = signal(String::new());
    let (boarding, set_boarding) = signal(false);
    let (problem, set_problem) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = Name::parse(&name.get_untracked());
        let count = students.get_untracked().trim().parse::<u16>();
        let (Ok(parsed), Ok(count)) = (parsed, count) else {
            set_problem.set(Some(t_string!(i18n, admin.class_needed).to_owned()));
            return;
        };
        if count > ClassGroup::MAX_STUDENTS {
            set_problem.set(Some(t_string!(i18n, admin.class_needed).to_owned()));
            return;
        }
        set_problem.set(None);
        let boards = boarding.get_untracked();
        admin.edit_directory(move |current, update| {
            update.classes.push(ClassGroup {
                id: current.next_class_id(),
                name: parsed,
                students: count,
                boarding: boards,
            });
        });
        set_name.set(String::new());
        set_students.set(String::new());
        set_boarding.set(false);
    };
    view! {
        <section class="card" data-testid="classes">
            <h2>{t!(i18n, admin.classes)}</h2>
            <ul class="rows">
                <For each=classes key=|c| (c.id.clone(), c.name.clone(), c.students, c.boarding) let:class>
                    {
                        let id = class.id.clone();
                        let label = class.name.to_string();
                        let question_name = label.clone();
                        view! {
                            <li class="row">
                                <div class="row-main">
                                    <strong>{label}</strong>
                                    <span class="muted">{format!("{} {}", class.students, t_string!(i18n, admin.students))}</span>
                                    {class.boarding.then(|| view! { <span class="tag">{t!(i18n, admin.boarding)}</span> })}
                                </div>
                                <div class="actions">
                                    <button type="button" class="danger" disabled=move || admin.busy.get() on:click=move |_| {
                                        let question = format!("{} {}", t_string!(i18n, admin.confirm_remove), question_name);
                                        if admin.confirm(question) {
                                            let id = id.clone();
                                            admin.edit_directory(move |_, update| {
                                                update.classes.retain(|c| c.id != id);
                                                for m in &mut update.staff {
                                                    m.classes.retain(|c| c != &id);
                                                }
                                            });
                                        }
                                    }>{t!(i18n, admin.remove)}</button>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ul>
            <h3>{t!(i18n, admin.add_class)}</h3>
            <form class="form" on:submit=submit>
                <label>
                    <span>{t!(i18n, admin.class_name)}</span>
                    <input type="text" name="class-name" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
                </label>
                <label>
                    <span>{t!(i18n, admin.students)}</span>
                    <input type="number" name="class-students" min="0" max="200" inputmode="numeric"
                        prop:value=students on:input=move |ev| set_students.set(event_target_value(&ev))/>
                </label>
                <label class="tick">
                    <input type="checkbox" name="class-boarding" prop:checked=boarding on:change=move |ev| set_boarding.set(event_target_checked(&ev))/>
                    <span>{t!(i18n, admin.boarding)}</span>
                </label>
                <FieldProblem problem/>
                <button type="submit" class="primary" disabled=move || admin.busy.get()>{t!(i18n, admin.add_class)}</button>
            </form>
        </section>
    }
}

/// When each check is due, in school time, and when a class is flagged.
#[component]
pub(super) fn DeadlineSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let current = admin.directory().map(|d| d.checkins).unwrap_or_default();
    let hhmm = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
    let (morning, set_morning) = signal(hhmm(current.morning_due));
    let (noon, set_noon) = signal(hhmm(current.noon_due));
    let (evening, set_evening) = signal(hhmm(current.evening_due));
    let (percent, set_percent) = signal(current.illness_percent.to_string());
    let (problem, set_problem) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let time = |s: String| guardpost_domain::dates::parse_time(s.trim());
        let parsed = (
            time(morning.get_untracked()),
            time(noon.get_untracked()),
            time(evening.get_untracked()),
            percent.get_untracked().trim().parse::<u8>().ok(),
        );
        let (Some(m), Some(n), Some(e), Some(p)) = parsed else {
            set_problem.set(Some(t_string!(i18n, admin.deadlines_needed).to_owned()));
            return;
        };
        set_problem.set(None);
        admin.edit_directory(move |current, update| {
            update.checkins = Some(guardpost_domain::checkins::CheckinSettings {
                morning_due: m,
                noon_due: n,
                evening_due: e,
                illness_percent: p,
                ..current.checkins
            });
        });
    };
    view! {
        <section class="card" data-testid="deadlines">
            <h2>{t!(i18n, admin.deadlines)}</h2>
            <p class="muted">{t!(i18n, admin.deadlines_help)}</p>
            <form class="form" on:submit=submit>
                <div class="numbers">
                    <TextField label=move || t_string!(i18n, checkins.morning) kind="time" name="morning-due" value=morning set=set_morning/>
                    <TextField label=move || t_string!(i18n, checkins.noon) kind="time" name="noon-due" value=noon set=set_noon/>
                    <TextField label=move || t_string!(i18n, checkins.evening) kind="time" name="evening-due" value=evening set=set_evening/>
                </div>
                <label><span>{t!(i18n, admin.illness_percent)}</span>
                    <input type="number" name="illness-percent" min="1" max="100" inputmode="numeric" prop:value=percent
                        on:input=move |ev| set_percent.set(event_target_value(&ev))/></label>
                <FieldProblem problem/>
                <button type="submit" class="primary" disabled=move || admin.busy.get()>{t!(i18n, admin.save)}</button>
            </form>
        </section>
    }
}
