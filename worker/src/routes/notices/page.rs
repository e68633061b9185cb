//! The public notice page at `/`, each notice at `/n/{id}` (an archived one marked as no
//! longer in force) and the archive at `/archive`: plain HTML, no JavaScript, from the one
//! board read, with an ETag so a phone on a slow link re-downloads nothing that hasn't
//! changed.

use askama::Template;
use chrono::NaiveDate;
use guardpost_domain::lang::Lang;
use guardpost_domain::notices::contacts::{EmergencyContact, OnDuty};
use guardpost_domain::notices::{PublicBoard, PublishedNotice, markup};
use worker::{Date, Env, Request, Response, Result};

use super::board::{self, Loaded, STYLE};
use crate::strings::{self, PublicText};

/// What the page shows.
#[derive(Clone, Copy)]
enum View<'a> {
    Board,
    One(&'a PublishedNotice),
    Archive,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage<'a> {
    lang: Lang,
    other: Lang,
    t: &'a PublicText,
    board: &'a PublicBoard,
    style: &'static str,
    view: View<'a>,
    /// The school's local date, for who is on duty today.
    today: NaiveDate,
}

impl PublicPage<'_> {
    fn is_board(&self) -> bool {
        matches!(self.view, View::Board)
    }

    fn is_one(&self) -> bool {
        matches!(self.view, View::One(_))
    }

    fn is_archive(&self) -> bool {
        matches!(self.view, View::Archive)
    }

    /// The notices listed, in the board's order.
    fn shown(&self) -> Vec<&PublishedNotice> {
        match self.view {
            View::Board => self.board.notices.iter().collect(),
            View::One(n) => vec![n],
            View::Archive => self.board.archive.iter().collect(),
        }
    }

    /// The page's own path, for the language link.
    fn path(&self) -> String {
        match self.view {
            View::Board => "/".to_owned(),
            View::One(n) => format!("/n/{}", n.id),
            View::Archive => "/archive".to_owned(),
        }
    }

    fn local_time(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.board.timezone.local_minute(*at)
    }

    fn on_duty<'c>(&self, c: &'c EmergencyContact) -> Option<&'c OnDuty> {
        c.on_duty(self.today)
    }

    fn notice_lang(&self, n: &PublishedNotice) -> &'static str {
        board::notice_lang(self.lang, n)
    }

    fn title(&self, n: &PublishedNotice) -> String {
        board::title(self.lang, n)
    }

    /// The drill label holds both languages, the page's first; each part says its language,
    /// so a screen reader reads each in its own voice.
    fn exercise_html(&self) -> String {
        match self.t.exercise.split_once(" / ") {
            Some((first, second)) => format!(
                "<span lang=\"{}\">{}</span> / <span lang=\"{}\">{}</span>",
                self.lang.tag(),
                markup::escape(first),
                self.other.tag(),
                markup::escape(second)
            ),
            None => markup::escape(&self.t.exercise),
        }
    }

    /// A notice's body: whole on its own page; on the front page the start of it for the
    /// first few, with a link to the rest.
    fn body_html(&self, n: &PublishedNotice, index: &usize) -> String {
        match self.view {
            View::Board => {
                let Some(chars) = PublicBoard::front_body_chars(*index) else {
                    return String::new();
                };
                let (html, cut) = board::excerpt_html(self.lang, n, chars);
                if cut {
                    format!(
                        "{html}<p><a href=\"/n/{}\">{}</a></p>",
                        markup::escape(&n.id),
                        markup::escape(&self.t.read_more)
                    )
                } else {
                    html
                }
            }
            _ => board::body_html(self.lang, n),
        }
    }
}

/// `GET /`.
pub async fn show(req: &Request, env: &Env) -> Result<Response> {
    render(req, env, Wanted::Board).await
}

/// `GET /n/{id}`: one notice at its own URL, to share in a parents' group.
pub async fn notice(req: &Request, env: &Env, id: &str) -> Result<Response> {
    render(req, env, Wanted::One(id)).await
}

/// `GET /archive`: the notices that have expired or were withdrawn.
pub async fn archive(req: &Request, env: &Env) -> Result<Response> {
    render(req, env, Wanted::Archive).await
}

enum Wanted<'a> {
    Board,
    One(&'a str),
    Archive,
}

async fn render(req: &Request, env: &Env, wanted: Wanted<'_>) -> Result<Response> {
    let lang = strings::lang_of(req);
    let t = strings::public(lang);
    let (board, cost) = match board::load(env).await {
        Loaded::Board(board, cost) => (board, cost),
        Loaded::NotSetUp => return board::not_set_up(lang, t),
        Loaded::Failed => return crate::reply::html_error(req, 500),
    };
    let view = match wanted {
        Wanted::Board => View::Board,
        Wanted::Archive => View::Archive,
        // Never public (or archived so long ago it has left the archive): not found.
        Wanted::One(id) => match board.find(id) {
            Some(n) => View::One(n),
            None => return crate::reply::html_error(req, 404),
        },
    };
    let now = chrono::DateTime::from_timestamp_millis(
        i64::try_from(Date::now().as_millis()).unwrap_or(0),
    )
    .unwrap_or_default();
    let today = now.with_timezone(&board.timezone.tz()).date_naive();
    let path = match view {
        View::Board => String::new(),
        View::One(n) => n.id.clone(),
        View::Archive => "archive".to_owned(),
    };
    // Today's date is in the tag: the duty rota changes at midnight.
    let etag = board::etag(&board, &[lang.tag(), &path, &today.to_string()]);
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
        view,
        today,
    };
    let mut response = board::fresh_or(req, &etag, cost, || page.render(), true)?;
    let headers = response.headers_mut();
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
