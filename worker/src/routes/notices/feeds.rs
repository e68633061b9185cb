//! For readers that aren't people: the Atom feed at `/feed.xml` (an entry per publication,
//! update and withdrawal) and each notice as a CAP 1.2 alert at `/n/{id}/cap.xml`, both from
//! the same one board read as the page.

use askama::Template;
use guardpost_domain::lang::Lang;
use guardpost_domain::notices::{FeedEntry, PublicBoard, PublishedNotice, cap};
use worker::{Env, Request, Response, Result};

use super::board::{self, Loaded};
use crate::strings::{self, PublicText};

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed<'a> {
    lang: Lang,
    t: &'a PublicText,
    board: &'a PublicBoard,
    base: String,
    entries: Vec<FeedEntry<'a>>,
}

impl Feed<'_> {
    fn title(&self, n: &PublishedNotice) -> String {
        board::title(self.lang, n)
    }

    fn body_html(&self, n: &PublishedNotice) -> String {
        board::body_html(self.lang, n)
    }
}

/// `GET /feed.xml`.
pub async fn feed(req: &Request, env: &Env) -> Result<Response> {
    let lang = strings::lang_of(req);
    let t = strings::public(lang);
    let (board, cost) = match board::load(env).await {
        Loaded::Board(board, cost) => (board, cost),
        Loaded::NotSetUp => return crate::reply::html_error(req, 503),
        Loaded::Failed => return crate::reply::html_error(req, 500),
    };
    let base = board::origin(req)?;
    let etag = board::etag(&board, &["feed", lang.tag()]);
    let feed = Feed {
        lang,
        t,
        board: &board,
        base,
        entries: board.feed(),
    };
    let mut response = board::fresh_or(req, &etag, cost, || feed.render(), false)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/atom+xml; charset=utf-8")?;
    headers.set("Cache-Control", "public, max-age=60")?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "cap.xml")]
struct CapAlert<'a> {
    alert: cap::Alert,
    /// The words of each info block's language.
    zh: &'a PublicText,
    en: &'a PublicText,
}

impl CapAlert<'_> {
    /// A drill's alert is an exercise, and its event and headline say so in words too.
    fn drill(&self) -> bool {
        self.alert.status == cap::Status::Exercise
    }

    fn t(&self, info: &cap::Info) -> &PublicText {
        match info.lang {
            Lang::ZhCn => self.zh,
            Lang::En => self.en,
        }
    }
}

/// `GET /n/{id}/cap.xml`: the notice's latest message as a CAP 1.2 alert (a withdrawn one's
/// is its Cancel).
pub async fn cap(req: &Request, env: &Env, id: &str) -> Result<Response> {
    let (board, cost) = match board::load(env).await {
        Loaded::Board(board, cost) => (board, cost),
        Loaded::NotSetUp => return crate::reply::html_error(req, 503),
        Loaded::Failed => return crate::reply::html_error(req, 500),
    };
    let Some(notice) = board.find(id) else {
        return crate::reply::html_error(req, 404);
    };
    let url = req.url()?;
    let host = url.host_str().unwrap_or("localhost").to_owned();
    let base = board::origin(req)?;
    let etag = board::etag(&board, &["cap", id]);
    let page = CapAlert {
        alert: cap::alert(&board, notice, &host, &base),
        zh: strings::public(Lang::ZhCn),
        en: strings::public(Lang::En),
    };
    let mut response = board::fresh_or(req, &etag, cost, || page.render(), false)?;
    let headers = response.headers_mut();
    headers.set(
        "Content-Type",
        "application/common-alerting-protocol+xml; charset=utf-8",
    )?;
    headers.set("Cache-Control", "public, max-age=60")?;
    Ok(response)
}
