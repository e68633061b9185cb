//! What every public request shares: the one KV read of the board, the ETag check, and a
//! notice's words in the reader's language.

use askama::Template;
use guardpost_domain::keys;
use guardpost_domain::lang::Lang;
use guardpost_domain::notices::{PublicBoard, PublishedNotice, markup};
use worker::{Env, Request, Response, Result};

use crate::config;
use crate::kv::{Kv, KvCost};
use crate::strings::PublicText;

pub const STYLE: &str = include_str!("../../../../style/public.css");

/// What the one KV read of a public request found.
pub enum Loaded {
    /// The board, and what reading it cost (said on the response: one read, by design).
    Board(Box<PublicBoard>, KvCost),
    /// No board yet: the school is not set up.
    NotSetUp,
    /// The board could not be read (logged); the reader gets a page in her language.
    Failed,
}

/// The school's public board: the one KV read of every public request.
pub async fn load(env: &Env) -> Loaded {
    let school = match config::school(env) {
        Ok(school) => school,
        Err(message) => {
            worker::console_error!("public board: {message}");
            return Loaded::Failed;
        }
    };
    let kv = match Kv::of(env) {
        Ok(kv) => kv,
        Err(refused) => {
            worker::console_error!("public board: {}", refused.message);
            return Loaded::Failed;
        }
    };
    match kv.json::<PublicBoard>(&keys::public_board(&school)).await {
        Ok(Some(board)) => Loaded::Board(Box::new(board), kv.cost()),
        Ok(None) => Loaded::NotSetUp,
        Err(e) => {
            worker::console_error!("reading the public board: {e}");
            Loaded::Failed
        }
    }
}

#[derive(Template)]
#[template(path = "not_set_up.html")]
struct NotSetUp<'a> {
    lang: Lang,
    t: &'a PublicText,
    style: &'static str,
}

/// The page shown before the school is set up.
pub fn not_set_up(lang: Lang, t: &PublicText) -> Result<Response> {
    let html = NotSetUp {
        lang,
        t,
        style: STYLE,
    }
    .render()
    .map_err(|e| worker::Error::RustError(e.to_string()))?;
    Ok(Response::from_html(html)?.with_status(503))
}

/// An ETag for what a response shows: the board's revision, what else it depends on, and
/// the release (a new template changes the bytes).
pub fn etag(board: &PublicBoard, parts: &[&str]) -> String {
    format!(
        "W/\"{}-{}-{}\"",
        board.revision,
        parts.join("-"),
        guardpost_domain::VERSION
    )
}

/// Whether the reader already holds `etag`'s version (a 304 then costs a phone a few bytes).
pub fn unchanged(req: &Request, etag: &str) -> Result<bool> {
    Ok(req
        .headers()
        .get("If-None-Match")?
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag)))
}

/// The response for `etag`: 304 when the reader holds it, else what `body` renders.
pub fn fresh_or(
    req: &Request,
    etag: &str,
    cost: KvCost,
    body: impl FnOnce() -> std::result::Result<String, askama::Error>,
    html: bool,
) -> Result<Response> {
    let mut response = if unchanged(req, etag)? {
        Response::empty()?.with_status(304)
    } else {
        let text = body().map_err(|e| worker::Error::RustError(e.to_string()))?;
        if html {
            Response::from_html(text)?
        } else {
            Response::ok(text)?
        }
    };
    let headers = response.headers_mut();
    headers.set("ETag", etag)?;
    headers.set("Vary", "Accept-Language, Cookie")?;
    headers.set("X-Guardpost-KV", &cost.header())?;
    Ok(response)
}

/// The origin the request came to, for absolute links in feeds, alerts and the poster.
pub fn origin(req: &Request) -> Result<String> {
    Ok(req.url()?.origin().ascii_serialization())
}

/// English readers get the English version where the notice has one.
pub fn english(lang: Lang, n: &PublishedNotice) -> bool {
    lang == Lang::En && n.title_en.is_some() && n.body_en.is_some()
}

pub fn notice_lang(lang: Lang, n: &PublishedNotice) -> &'static str {
    if english(lang, n) {
        Lang::En.tag()
    } else {
        Lang::ZhCn.tag()
    }
}

pub fn title(lang: Lang, n: &PublishedNotice) -> String {
    match (&n.title_en, english(lang, n)) {
        (Some(en), true) => en.to_string(),
        _ => n.title.to_string(),
    }
}

/// The body in its safe format as HTML: every character typed is escaped by
/// `markup::to_html`, which writes only its own few tags.
pub fn body_html(lang: Lang, n: &PublishedNotice) -> String {
    markup::to_html(&markup::parse(body(lang, n)))
}

/// The start of a notice's body in the reader's language, and whether some was left out.
pub fn excerpt_html(lang: Lang, n: &PublishedNotice, max_chars: usize) -> (String, bool) {
    let (start, cut) = markup::excerpt(body(lang, n), max_chars);
    (markup::to_html(&markup::parse(&start)), cut)
}

fn body(lang: Lang, n: &PublishedNotice) -> &str {
    match (&n.body_en, english(lang, n)) {
        (Some(en), true) => en.as_str(),
        _ => n.body.as_str(),
    }
}
