//! Building responses: JSON errors in the API's one shape, and plain HTML error pages.

use guardpost_domain::api::{ApiError, ErrorCode};
use worker::{Request, Response, Result};

/// A JSON error response `{error, message}` with the code's status.
pub fn api_error(code: ErrorCode, message: impl Into<String>) -> Result<Response> {
    Ok(Response::from_json(&ApiError::new(code, message))?.with_status(code.status()))
}

/// JSON with `Cache-Control: no-store`: API answers describe the live state.
pub fn json<T: serde::Serialize>(value: &T) -> Result<Response> {
    let mut response = Response::from_json(value)?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// A small HTML error page in the visitor's language, for 404 and 405 outside the API.
pub fn html_error(req: &Request, status: u16) -> Result<Response> {
    let lang = crate::strings::lang_of(req);
    let text = crate::strings::public(lang);
    let title = match status {
        405 => &text.method_not_allowed,
        _ => &text.not_found,
    };
    let html = format!(
        "<!doctype html><html lang=\"{tag}\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><p>{title}</p><p><a href=\"/\">{home}</a></p></html>",
        tag = lang.tag(),
        home = text.back_home,
    );
    Ok(Response::from_html(html)?.with_status(status))
}
