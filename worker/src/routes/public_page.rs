//! The public notice page at `/`: plain HTML from the one materialized board key, with an
//! ETag so a phone on a slow link re-downloads nothing that hasn't changed.

use askama::Template;
use guardpost_domain::keys;
use guardpost_domain::lang::Lang;
use guardpost_domain::notices::PublicBoard;
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
}

impl PublicPage<'_> {
    fn local_time(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.board.timezone.local_minute(*at)
    }
}

#[derive(Template)]
#[template(path = "not_set_up.html")]
struct NotSetUp<'a> {
    lang: Lang,
    t: &'a PublicText,
    style: &'static str,
}

/// `GET /`.
pub async fn show(req: &Request, env: &Env) -> Result<Response> {
    let lang = strings::lang_of(req);
    let t = strings::public(lang);
    let school = match config::school(env) {
        Ok(school) => school,
        Err(message) => return Response::error(message, 500),
    };
    let kv = match Kv::of(env) {
        Ok(kv) => kv,
        Err(refused) => return Response::error(refused.message, 500),
    };
    let board = match kv.json::<PublicBoard>(&keys::public_board(&school)).await {
        Ok(Some(board)) => board,
        Ok(None) => {
            let html = NotSetUp {
                lang,
                t,
                style: STYLE,
            }
            .render()
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
            return Ok(Response::from_html(html)?.with_status(503));
        }
        Err(e) => return Response::error(format!("reading the public board: {e}"), 500),
    };

    let etag = format!(
        "W/\"{}-{}-{}\"",
        board.revision,
        lang.tag(),
        guardpost_domain::VERSION
    );
    let fresh = req
        .headers()
        .get("If-None-Match")?
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
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
