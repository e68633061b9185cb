//! The public notice page at `/`: plain HTML from the one materialized board key, with an
//! ETag so a phone on a slow link re-downloads nothing that hasn't changed.

use askama::Template;
use guardpost_domain::keys;
use guardpost_domain::lang::Lang;
use guardpost_domain::notices::{PublicBoard, PublishedNotice, markup};
use worker::{Env, Request, Response, Result};

use crate::config;
use crate::kv::Kv;
use crate::strings::{self, PublicText};

const STYLE: &str = include_str!("../../../style/public.css");

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage<'a> {
    lang: Lang,
    other: Lang,
    t: &'a PublicText,
    board: &'a PublicBoard,
    style: &'static str,
    /// One notice's own page (`/n/{id}`), or the whole board.
    only: Option<&'a str>,
}

impl PublicPage<'_> {
    fn shown(&self, n: &PublishedNotice) -> bool {
        self.only.is_none_or(|id| id == n.id)
    }

    /// The page's own path, for the language link.
    fn path(&self) -> String {
        self.only
            .map_or_else(|| "/".to_owned(), |id| format!("/n/{id}"))
    }

    fn local_time(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.board.timezone.local_minute(*at)
    }

    fn notice_lang(&self, n: &PublishedNotice) -> &'static str {
        if english(self.lang, n) {
            Lang::En.tag()
        } else {
            Lang::ZhCn.tag()
        }
    }

    fn title(&self, n: &PublishedNotice) -> String {
        title(self.lang, n)
    }

    fn body_html(&self, n: &PublishedNotice) -> String {
        body_html(self.lang, n)
    }
}

/// English readers get the English version where the notice has one.
fn english(lang: Lang, n: &PublishedNotice) -> bool {
    lang == Lang::En && n.title_en.is_some() && n.body_en.is_some()
}

fn title(lang: Lang, n: &PublishedNotice) -> String {
    match (&n.title_en, english(lang, n)) {
        (Some(en), true) => en.to_string(),
        _ => n.title.to_string(),
    }
}

/// The body in its safe format as HTML: every character typed is escaped by
/// `markup::to_html`, which writes only its own few tags.
fn body_html(lang: Lang, n: &PublishedNotice) -> String {
    let body = match (&n.body_en, english(lang, n)) {
        (Some(en), true) => en.as_str(),
        _ => n.body.as_str(),
    };
    markup::to_html(&markup::parse(body))
}

/// The Atom feed: one entry per publication and per update, for feed readers.
#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed<'a> {
    lang: Lang,
    t: &'a PublicText,
    board: &'a PublicBoard,
    base: String,
    entries: Vec<guardpost_domain::notices::FeedEntry<'a>>,
}

impl Feed<'_> {
    fn title(&self, n: &PublishedNotice) -> String {
        title(self.lang, n)
    }

    fn body_html(&self, n: &PublishedNotice) -> String {
        body_html(self.lang, n)
    }
}

/// `GET /feed.xml`: the board's notices as Atom, from the same one KV read as the page.
pub async fn feed(req: &Request, env: &Env) -> Result<Response> {
    let lang = strings::lang_of(req);
    let t = strings::public(lang);
    let board = match load(env).await {
        Loaded::Board(board) => board,
        Loaded::NotSetUp => return Response::error("not set up", 503),
        Loaded::Failed(response) => return response,
    };
    let base = req.url()?.origin().ascii_serialization();
    let etag = format!(
        "W/\"feed-{}-{}-{}\"",
        board.revision,
        lang.tag(),
        guardpost_domain::VERSION
    );
    let fresh = unchanged(req, &etag)?;
    let mut response = if fresh {
        Response::empty()?.with_status(304)
    } else {
        let xml = Feed {
            lang,
            t,
            board: &board,
            base,
            entries: board.feed(),
        }
        .render()
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
        Response::ok(xml)?
    };
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/atom+xml; charset=utf-8")?;
    headers.set("ETag", &etag)?;
    headers.set("Cache-Control", "public, max-age=60")?;
    headers.set("Vary", "Accept-Language, Cookie")?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "not_set_up.html")]
struct NotSetUp<'a> {
    lang: Lang,
    t: &'a PublicText,
    style: &'static str,
}

/// Whether the reader already holds `etag`'s version (a 304 then costs a phone a few bytes).
fn unchanged(req: &Request, etag: &str) -> Result<bool> {
    Ok(req
        .headers()
        .get("If-None-Match")?
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag)))
}

/// What the one KV read of a public request found.
enum Loaded {
    Board(PublicBoard),
    /// No board yet: the school is not set up.
    NotSetUp,
    Failed(Result<Response>),
}

/// The school's public board: the one KV read of every public request.
async fn load(env: &Env) -> Loaded {
    let school = match config::school(env) {
        Ok(school) => school,
        Err(message) => return Loaded::Failed(Response::error(message, 500)),
    };
    let kv = match Kv::of(env) {
        Ok(kv) => kv,
        Err(refused) => return Loaded::Failed(Response::error(refused.message, 500)),
    };
    match kv.json::<PublicBoard>(&keys::public_board(&school)).await {
        Ok(Some(board)) => Loaded::Board(board),
        Ok(None) => Loaded::NotSetUp,
        Err(e) => Loaded::Failed(Response::error(
            format!("reading the public board: {e}"),
            500,
        )),
    }
}

/// `GET /`.
pub async fn show(req: &Request, env: &Env) -> Result<Response> {
    render(req, env, None).await
}

/// `GET /n/{id}`: one notice at its own URL, to share in a parents' group.
pub async fn notice(req: &Request, env: &Env, id: &str) -> Result<Response> {
    render(req, env, Some(id)).await
}

async fn render(req: &Request, env: &Env, only: Option<&str>) -> Result<Response> {
    let lang = strings::lang_of(req);
    let t = strings::public(lang);
    let board = match load(env).await {
        Loaded::Board(board) => board,
        Loaded::NotSetUp => {
            let html = NotSetUp {
                lang,
                t,
                style: STYLE,
            }
            .render()
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
            return Ok(Response::from_html(html)?.with_status(503));
        }
        Loaded::Failed(response) => return response,
    };

    if let Some(id) = only
        && !board.notices.iter().any(|n| n.id == id)
    {
        // Withdrawn, expired or never public: not found, as any unknown page.
        return crate::reply::html_error(req, 404);
    }
    let etag = format!(
        "W/\"{}-{}-{}-{}\"",
        board.revision,
        lang.tag(),
        only.unwrap_or(""),
        guardpost_domain::VERSION
    );
    let fresh = unchanged(req, &etag)?;
    let mut response = if fresh {
        Response::empty()?.with_status(304)
    } else {
        let other = match lang {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        };
        let page = PublicPage {
            lang,
            other,
            t,
            board: &board,
            style: STYLE,
            only,
        };
        Response::from_html(
            page.render()
                .map_err(|e| worker::Error::RustError(e.to_string()))?,
        )?
    };
    let headers = response.headers_mut();
    headers.set("ETag", &etag)?;
    headers.set("Vary", "Accept-Language, Cookie")?;
    match strings::chosen_lang_cookie(req) {
        Some(cookie) => {
            // A response that sets a cookie is this person's own: no shared cache keeps it.
            headers.set("Set-Cookie", &cookie)?;
            headers.set("Cache-Control", "private, max-age=60")?;
        }
        None => headers.set("Cache-Control", "public, max-age=60")?,
    }
    Ok(response)
}
