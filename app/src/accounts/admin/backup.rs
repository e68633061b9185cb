//! The school's whole data as one file, for the office to keep: every page of the Worker's
//! backup, written as `accounts::backup` says (the same file `guardpost-backup` writes and
//! restores).

use guardpost_domain::accounts::backup::{self, Page};
use leptos::prelude::*;

use super::{Admin, call_error_text};
use crate::i18n::{t, t_string};
use crate::sync::api;
use crate::sync::engine::token;
use crate::widgets::download;

#[component]
pub fn BackupSection(admin: Admin) -> impl IntoView {
    let i18n = admin.i18n;
    let working = RwSignal::new(false);
    let take = move |_| {
        let Some(token) = token() else { return };
        working.set(true);
        leptos::task::spawn_local(async move {
            let mut entries = Vec::new();
            let mut cursor: Option<String> = None;
            let result = loop {
                let path = match &cursor {
                    None => "/api/v1/admin/backup".to_owned(),
                    Some(c) => format!(
                        "/api/v1/admin/backup?cursor={}",
                        String::from(js_sys::encode_uri_component(c))
                    ),
                };
                match api::get::<Page>(&path, &token).await {
                    Err(e) => break Err(e),
                    Ok(page) => {
                        entries.extend(page.entries);
                        match page.cursor {
                            Some(next) => cursor = Some(next),
                            None => break Ok(page.header),
                        }
                    }
                }
            };
            working.set(false);
            match result {
                Ok(header) => {
                    let day = chrono::DateTime::from_timestamp_millis(
                        i64::try_from(header.taken_at_ms).unwrap_or(0),
                    )
                    .map(|d| d.format("%Y%m%d").to_string())
                    .unwrap_or_default();
                    download(
                        &format!("guardpost-{}-{day}.jsonl", header.school),
                        &backup::write_file(&header, &entries),
                    );
                    admin.message.set(Some((
                        true,
                        format!("{} {}", t_string!(i18n, admin.backup_done), entries.len()),
                    )));
                }
                Err(e) => admin.message.set(Some((false, call_error_text(i18n, &e)))),
            }
        });
    };
    view! {
        <section class="card" data-testid="backup">
            <h2>{t!(i18n, admin.backup)}</h2>
            <p class="muted-text">{t!(i18n, admin.backup_help)}</p>
            <button type="button" disabled=move || working.get() on:click=take>
                {move || if working.get() { t_string!(i18n, admin.backup_working) } else { t_string!(i18n, admin.backup_take) }}
            </button>
        </section>
    }
}
