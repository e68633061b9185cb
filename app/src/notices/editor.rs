use guardpost_domain::notices::workflow::{Action, Audience, Category, Content};
use guardpost_domain::notices::{NoticeBody, NoticeTitle};
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::{FieldProblem, TextField};

/// A category's name.
pub fn category_label(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    c: Category,
) -> &'static str {
    match c {
        Category::Prevention => t_string!(i18n, notices.cat_prevention),
        Category::Situation => t_string!(i18n, notices.cat_situation),
        Category::EmergencyGuide => t_string!(i18n, notices.cat_guide),
        Category::Drill => t_string!(i18n, notices.cat_drill),
    }
}

const CATEGORIES: [Category; 4] = [
    Category::Prevention,
    Category::Situation,
    Category::EmergencyGuide,
    Category::Drill,
];

/// The notice form: Chinese and English side by side (stacked on a phone), what it is, who
/// it is for, and when it shows. `done` gets the edit to record.
#[component]
pub fn NoticeEditor(start: Option<Content>, done: Callback<Action>) -> impl IntoView {
    let i18n = use_i18n();
    let tz = crate::school::use_school()
        .get_untracked()
        .map(|s| s.timezone)
        .unwrap_or_default();
    let field = |f: fn(&Content) -> String| start.as_ref().map(f).unwrap_or_default();
    let (title_zh, set_title_zh) = signal(field(|c| c.title_zh.to_string()));
    let (body_zh, set_body_zh) = signal(field(|c| c.body_zh.to_string()));
    let (title_en, set_title_en) = signal(field(|c| {
        c.title_en
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default()
    }));
    let (body_en, set_body_en) = signal(field(|c| {
        c.body_en
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default()
    }));
    let category = RwSignal::new(start.as_ref().map_or(Category::Prevention, |c| c.category));
    let public = RwSignal::new(
        start
            .as_ref()
            .is_none_or(|c| c.audience == Audience::Public),
    );
    let pinned = RwSignal::new(start.as_ref().is_some_and(|c| c.pinned));
    let time = |ms: Option<u64>| ms.and_then(|m| tz.local_field_at_ms(m)).unwrap_or_default();
    let (from, set_from) = signal(time(start.as_ref().and_then(|c| c.publish_at_ms)));
    let (until, set_until) = signal(time(start.as_ref().and_then(|c| c.expire_at_ms)));
    let (problem, set_problem) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let optional = |raw: String| (!raw.trim().is_empty()).then_some(raw);
        let when = |raw: String| -> Result<Option<u64>, ()> {
            match optional(raw) {
                None => Ok(None),
                Some(raw) => tz.ms_of_local(&raw).map(Some).ok_or(()),
            }
        };
        let content = (|| {
            let title_zh = NoticeTitle::parse(&title_zh.get_untracked())
                .map_err(|_| t_string!(i18n, notices.p_title))?;
            let body_zh = NoticeBody::parse(&body_zh.get_untracked())
                .map_err(|_| t_string!(i18n, notices.p_body))?;
            let title_en = optional(title_en.get_untracked())
                .map(|t| NoticeTitle::parse(&t))
                .transpose()
                .map_err(|_| t_string!(i18n, notices.p_title))?;
            let body_en = optional(body_en.get_untracked())
                .map(|t| NoticeBody::parse(&t))
                .transpose()
                .map_err(|_| t_string!(i18n, notices.p_body))?;
            let content = Content {
                title_zh,
                body_zh,
                title_en,
                body_en,
                category: category.get_untracked(),
                audience: if public.get_untracked() {
                    Audience::Public
                } else {
                    Audience::Staff
                },
                pinned: pinned.get_untracked(),
                publish_at_ms: when(from.get_untracked())
                    .map_err(|()| t_string!(i18n, notices.p_time))?,
                expire_at_ms: when(until.get_untracked())
                    .map_err(|()| t_string!(i18n, notices.p_time))?,
            };
            content
                .validate()
                .map_err(|_| t_string!(i18n, notices.p_english_or_times))?;
            Ok::<_, &'static str>(content)
        })();
        match content {
            Err(p) => set_problem.set(Some(p.to_owned())),
            Ok(content) => {
                set_problem.set(None);
                done.run(Action::Edit {
                    content: Box::new(content),
                });
            }
        }
    };
    view! {
        <form class="card form" on:submit=submit data-testid="notice-editor">
            <div class="side-by-side">
                <div class="form">
                    <TextField label=Signal::derive(move || t_string!(i18n, notices.title_zh)) kind="text" name="title-zh" value=title_zh set=set_title_zh/>
                    <label><span>{t!(i18n, notices.body_zh)}</span>
                        <textarea name="body-zh" rows="6" prop:value=body_zh on:input=move |ev| set_body_zh.set(event_target_value(&ev))></textarea></label>
                </div>
                <div class="form">
                    <TextField label=Signal::derive(move || t_string!(i18n, notices.title_en)) kind="text" name="title-en" value=title_en set=set_title_en/>
                    <label><span>{t!(i18n, notices.body_en)}</span>
                        <textarea name="body-en" rows="6" prop:value=body_en on:input=move |ev| set_body_en.set(event_target_value(&ev))></textarea></label>
                </div>
            </div>
            <p class="muted-text">{t!(i18n, notices.format_hint)}</p>
            <label><span>{t!(i18n, notices.category)}</span>
                <select name="category" on:change=move |ev| {
                    if let Some(c) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| CATEGORIES.get(i).copied()) { category.set(c); }
                }>
                    {CATEGORIES.into_iter().enumerate().map(|(i, c)| view! {
                        <option value=i.to_string() selected=category.get_untracked() == c>{category_label(i18n, c)}</option>
                    }).collect_view()}
                </select></label>
            <label class="tick"><input type="checkbox" name="public" prop:checked=public on:change=move |ev| public.set(event_target_checked(&ev))/>
                {t!(i18n, notices.public)}</label>
            <label class="tick"><input type="checkbox" name="pinned" prop:checked=pinned on:change=move |ev| pinned.set(event_target_checked(&ev))/>
                {t!(i18n, notices.pinned)}</label>
            <TextField label=Signal::derive(move || t_string!(i18n, notices.publish_at)) kind="datetime-local" name="publish-at" value=from set=set_from/>
            <TextField label=Signal::derive(move || t_string!(i18n, notices.expire_at)) kind="datetime-local" name="expire-at" value=until set=set_until/>
            <FieldProblem problem/>
            <button type="submit" class="primary">{t!(i18n, notices.save_draft)}</button>
        </form>
    }
}
