//! `GET /poster`: an A4 page to print for the school gate or to share as an image in the
//! parents' groups: the page's address as a QR code and as text, the emergency contacts and
//! the current notices' titles. No JavaScript; the browser's print prints it.

use askama::Template;
use guardpost_domain::lang::Lang;
use guardpost_domain::notices::{PublicBoard, PublishedNotice};
use worker::{Env, Request, Response, Result};

use super::board::{self, Loaded};
use crate::strings::{self, PublicText};

/// The poster lists at most this many current notices (pinned first), so it stays one page.
const TITLES_MAX: usize = 5;

#[derive(Template)]
#[template(path = "poster.html")]
struct Poster<'a> {
    lang: Lang,
    t: &'a PublicText,
    board: &'a PublicBoard,
    /// The public page's address, as printed under the code.
    address: String,
    qr: String,
}

impl Poster<'_> {
    fn titles(&self) -> Vec<&PublishedNotice> {
        self.board.notices.iter().take(TITLES_MAX).collect()
    }

    fn title(&self, n: &PublishedNotice) -> String {
        board::title(self.lang, n)
    }
}

pub async fn show(req: &Request, env: &Env) -> Result<Response> {
    let lang = strings::lang_of(req);
    let t = strings::public(lang);
    let (board, cost) = match board::load(env).await {
        Loaded::Board(board, cost) => (board, cost),
        Loaded::NotSetUp => return board::not_set_up(lang, t),
        Loaded::Failed => return crate::reply::html_error(req, 500),
    };
    let origin = board::origin(req)?;
    let address = format!("{origin}/");
    let etag = board::etag(&board, &["poster", lang.tag(), &origin]);
    let qr = crate::qr::svg(&address, 320).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let poster = Poster {
        lang,
        t,
        board: &board,
        address,
        qr,
    };
    let mut response = board::fresh_or(req, &etag, cost, || poster.render(), true)?;
    response
        .headers_mut()
        .set("Cache-Control", "public, max-age=300")?;
    Ok(response)
}
