//! Security headers on every response: no sniffing, no referrer, HTTPS only, and a content
//! security policy per kind of page so that no page can be framed or load from elsewhere.

use worker::{Headers, Response, Result};

/// What a response is, for its content security policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Server-rendered HTML (public page, error pages): inline CSS only, no script at all.
    Page,
    /// The app's files: its own scripts and wasm. Trunk's loader is an inline module script,
    /// hence 'unsafe-inline' for scripts until the loader is served as a file.
    App,
    /// JSON: nothing to load.
    Api,
}

fn policy(kind: Kind) -> &'static str {
    match kind {
        Kind::Page => {
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        }
        Kind::App => {
            "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self'; connect-src 'self'; manifest-src 'self'; \
             base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'"
        }
        Kind::Api => "default-src 'none'; frame-ancestors 'none'",
    }
}

/// Adds the headers. Responses passed through from the assets binding have immutable
/// headers, so they are copied into new ones.
pub fn harden(response: Result<Response>, kind: Kind) -> Result<Response> {
    let response = response?;
    let headers = Headers::new();
    for (name, value) in response.headers() {
        headers.set(&name, &value)?;
    }
    headers.set("Content-Security-Policy", policy(kind))?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Referrer-Policy", "no-referrer")?;
    headers.set(
        "Strict-Transport-Security",
        "max-age=31536000; includeSubDomains",
    )?;
    headers.set("X-Frame-Options", "DENY")?;
    Ok(response.with_headers(headers))
}
