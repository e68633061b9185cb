//! Building responses. Every API handler answers with [`Answered`], and [`api`] is the one
//! place that turns it into HTTP: a JSON body, or a refusal as `{error, message}` with
//! `Retry-After` when the caller must wait. Plain HTML error pages for the rest.

use std::fmt::Display;

use guardpost_domain::api::{ErrorCode, Refused};
use serde::Serialize;
use worker::{Headers, Request, Response, Result};

use crate::kv::KvCost;

/// What an API handler answers: a JSON body, or the refusal of the whole request.
pub type Answered = std::result::Result<Answer, Refused>;

/// A JSON answer, with what it needs besides the body.
pub struct Answer {
    json: String,
    status: u16,
    kv_cost: Option<KvCost>,
    gzip: bool,
}

impl Answer {
    pub fn json<T: Serialize>(value: &T) -> std::result::Result<Self, Refused> {
        let json = serde_json::to_string(value).map_err(|e| internal("encoding the answer", e))?;
        Ok(Self {
            json,
            status: 200,
            kv_cost: None,
            gzip: false,
        })
    }

    pub fn with_status(self, status: u16) -> Self {
        Self { status, ..self }
    }

    /// Says what the request cost in KV (`X-Guardpost-KV`), for the benchmark and for
    /// operators watching the free plan's daily limits.
    pub fn costing(self, cost: KvCost) -> Self {
        Self {
            kv_cost: Some(cost),
            ..self
        }
    }

    /// Has the runtime compress the body: a term's first pull is a few MB of JSON and about
    /// 5% of that compressed. Only for a caller that accepts gzip.
    pub fn gzipped(self) -> Self {
        Self { gzip: true, ..self }
    }
}

/// A copy of the response's headers that can be changed: those of a response passed through
/// from the assets binding can't.
pub fn headers_of(response: &Response) -> Result<Headers> {
    let headers = Headers::new();
    for (name, value) in response.headers() {
        headers.set(&name, &value)?;
    }
    Ok(headers)
}

/// Whether the request's `Accept-Encoding` takes `coding` (`gzip`, `br`): listed, and not
/// refused with `q=0`.
pub fn accepts(req: &Request, coding: &str) -> bool {
    let Ok(Some(header)) = req.headers().get("Accept-Encoding") else {
        return false;
    };
    header.split(',').any(|entry| {
        let mut parts = entry.split(';');
        let named = parts
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case(coding));
        let refused = parts.any(|param| {
            param
                .trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        named && !refused
    })
}

/// A refusal blaming the server: `what` failed, for the reason `e`.
pub fn internal(what: &str, e: impl Display) -> Refused {
    Refused::new(ErrorCode::Internal, format!("{what}: {e}"))
}

/// The HTTP response for an API handler's answer.
pub fn api(answered: Answered) -> Result<Response> {
    match answered {
        Ok(answer) => answer_response(answer),
        Err(refused) => refused_response(&refused),
    }
}

fn answer_response(answer: Answer) -> Result<Response> {
    let mut response = Response::builder()
        .with_header("Content-Type", "application/json")?
        .with_status(answer.status)
        .fixed(answer.json.into_bytes());
    let headers = response.headers_mut();
    // API answers describe the live state.
    headers.set("Cache-Control", "no-store")?;
    if let Some(cost) = answer.kv_cost {
        headers.set("X-Guardpost-KV", &cost.header())?;
    }
    if answer.gzip {
        headers.set("Content-Encoding", "gzip")?;
    }
    Ok(response)
}

fn refused_response(refused: &Refused) -> Result<Response> {
    let mut response = Response::from_json(&refused.body())?.with_status(refused.code.status());
    if let Some(seconds) = refused.retry_after_s {
        response
            .headers_mut()
            .set("Retry-After", &seconds.to_string())?;
    }
    Ok(response)
}

/// A small HTML error page in the visitor's language, for 404 and 405 outside the API.
pub fn html_error(req: &Request, status: u16) -> Result<Response> {
    let lang = crate::strings::lang_of(req);
    let text = crate::strings::public(lang);
    let title = match status {
        405 => &text.method_not_allowed,
        500 => &text.unavailable,
        503 => &text.not_set_up,
        _ => &text.not_found,
    };
    let html = format!(
        "<!doctype html><html lang=\"{tag}\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><h1>{title}</h1><p><a href=\"/\">{home}</a></p></html>",
        tag = lang.tag(),
        home = text.back_home,
    );
    Ok(Response::from_html(html)?.with_status(status))
}
