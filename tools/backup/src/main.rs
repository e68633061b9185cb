//! `guardpost-backup`: a school's whole data as one file, for scripted nightly backups with
//! an admin device's token, and its restore into an empty namespace with the setup code.
//!
//! ```text
//! guardpost-backup --url https://school.example --token $TOKEN backup school.jsonl
//! guardpost-backup --url https://new.example --setup-code $CODE restore school.jsonl
//! guardpost-backup --url https://school.example --token $TOKEN verify school.jsonl
//! ```
//! What the file holds and what a restore accepts is `guardpost_domain::accounts::backup`'s.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use guardpost_domain::accounts::backup::{
    self, Entry, Page, RESTORE_ENTRIES, RestoreAnswer, RestoreRequest,
};
use guardpost_domain::api::ApiError;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    version,
    about = "Back up, restore and verify a Guardpost school's data."
)]
struct Cli {
    /// The school's Guardpost address, e.g. https://school.example
    #[arg(long)]
    url: String,
    /// An admin device's token (backup, verify).
    #[arg(long, env = "GUARDPOST_TOKEN")]
    token: Option<String>,
    /// The server's setup code (restore into an empty namespace).
    #[arg(long, env = "GUARDPOST_SETUP_CODE")]
    setup_code: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes every entry of the school into FILE (JSON Lines).
    Backup { file: String },
    /// Writes FILE's entries into a server that has no school yet.
    Restore { file: String },
    /// Compares FILE with what the server holds now.
    Verify { file: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("guardpost-backup: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<String, String> {
    let base = cli.url.trim_end_matches('/').to_owned();
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("guardpost-backup/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("setting up HTTP: {e}"))?;
    match &cli.command {
        Command::Backup { file } => {
            let token = cli
                .token
                .as_deref()
                .ok_or("backup needs --token (an admin device's)")?;
            let (header, entries) = download(&client, &base, token)?;
            std::fs::write(file, backup::write_file(&header, &entries))
                .map_err(|e| format!("writing {file}: {e}"))?;
            Ok(format!(
                "{} entries of school {} written to {file}",
                entries.len(),
                header.school
            ))
        }
        Command::Verify { file } => {
            let token = cli
                .token
                .as_deref()
                .ok_or("verify needs --token (an admin device's)")?;
            let (header, kept) = read(file)?;
            let (_, live) = download(&client, &base, token)?;
            let missing: Vec<&str> = kept
                .iter()
                .filter(|e| !live.iter().any(|l| l.key == e.key && l.value == e.value))
                .map(|e| e.key.as_str())
                .collect();
            if missing.is_empty() {
                Ok(format!(
                    "all {} entries of {file} (school {}) are on the server as they were",
                    kept.len(),
                    header.school
                ))
            } else {
                Err(format!(
                    "{} of {} entries differ or are missing on the server, e.g. {}",
                    missing.len(),
                    kept.len(),
                    missing[0]
                ))
            }
        }
        Command::Restore { file } => {
            let code = cli
                .setup_code
                .as_deref()
                .ok_or("restore needs --setup-code (the new server's)")?;
            let (header, entries) = read(file)?;
            let entries = backup::restore_order(&header.school, entries);
            let bar = progress(entries.len() as u64, "restoring");
            let (mut written, mut unchanged) = (0, 0);
            for chunk in entries.chunks(RESTORE_ENTRIES) {
                let answer: RestoreAnswer = call(
                    client
                        .post(format!("{base}/api/v1/admin/restore"))
                        .json(&RestoreRequest {
                            setup_code: code.to_owned(),
                            entries: chunk.to_vec(),
                        }),
                    &base,
                )?;
                written += answer.written;
                unchanged += answer.unchanged;
                bar.inc(chunk.len() as u64);
            }
            bar.finish_and_clear();
            Ok(format!(
                "school {} restored: {written} entries written, {unchanged} already there",
                header.school
            ))
        }
    }
}

fn read(file: &str) -> Result<(backup::Header, Vec<Entry>), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("reading {file}: {e}"))?;
    backup::read_file(&text, None).map_err(|e| format!("{file}: {e}"))
}

/// Every page of the server's backup.
fn download(
    client: &reqwest::blocking::Client,
    base: &str,
    token: &str,
) -> Result<(backup::Header, Vec<Entry>), String> {
    let bar = ProgressBar::new_spinner();
    bar.set_message("backing up");
    let mut cursor: Option<String> = None;
    let mut entries = Vec::new();
    loop {
        let mut request = client
            .get(format!("{base}/api/v1/admin/backup"))
            .bearer_auth(token);
        if let Some(c) = &cursor {
            request = request.query(&[("cursor", c)]);
        }
        let page: Page = call(request, base)?;
        entries.extend(page.entries);
        bar.set_message(format!("backing up: {} entries", entries.len()));
        bar.tick();
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => {
                bar.finish_and_clear();
                return Ok((page.header, entries));
            }
        }
    }
}

fn progress(total: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    bar
}

/// Sends a request, waiting out the server's rate limit, and reads its JSON answer; a
/// refusal is said in the server's words, a wrong address or token plainly.
fn call<T: serde::de::DeserializeOwned>(
    request: reqwest::blocking::RequestBuilder,
    base: &str,
) -> Result<T, String> {
    for _ in 0..30 {
        let Some(attempt) = request.try_clone() else {
            return Err("the request can't be repeated".to_owned());
        };
        let response = attempt
            .send()
            .map_err(|e| format!("can't reach {base}: {e} (is --url right?)"))?;
        let status = response.status();
        if status.as_u16() == 429 {
            std::thread::sleep(Duration::from_secs(2));
            continue;
        }
        let text = response
            .text()
            .map_err(|e| format!("reading the answer from {base}: {e}"))?;
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|_| {
                format!("{base} did not answer as a Guardpost server (is --url right?)")
            });
        }
        let said = serde_json::from_str::<ApiError>(&text)
            .map(|b| b.message)
            .unwrap_or_else(|_| format!("{base} is not a Guardpost server, or not this version"));
        return Err(match status.as_u16() {
            401 => format!("the token was refused ({said}); use an admin device's token"),
            403 => format!("refused: {said}"),
            404 => format!("{base} has no backup route: is --url the school's Guardpost address?"),
            _ => format!("{} from {base}: {said}", status.as_u16()),
        });
    }
    Err(format!("{base} kept asking to slow down; try again later"))
}
