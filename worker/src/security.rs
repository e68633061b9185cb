//! Security headers on every response: no sniffing, no referrer, HTTPS only, and a content
//! security policy per kind of page so that no page can be framed or load from elsewhere.

use base64::Engine;
use sha2::{Digest, Sha256};
use worker::{Response, Result};

/// What a response is, for its content security policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Server-rendered HTML (public page, error pages): inline CSS only, no script at all.
    Page,
    /// The app's files: its own scripts and wasm. Its HTML gets [`app_html_policy`], which
    /// also allows Trunk's inline loader by hash.
    App,
    /// JSON: nothing to load.
    Api,
}

const APP_POLICY_TAIL: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; manifest-src 'self'; \
     base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";

/// The policy for the app's HTML: the app policy, with each inline `<script>` of `html`
/// (Trunk's loader) allowed by its SHA-256 rather than by 'unsafe-inline'.
pub fn app_html_policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    APP_POLICY_TAIL.replacen(
        "script-src 'self' 'wasm-unsafe-eval'",
        &format!("script-src 'self' 'wasm-unsafe-eval'{hashes}"),
        1,
    )
}

/// The bodies of the inline `<script>` elements (those without `src`).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        if attributes.contains("src=") {
            return None;
        }
        rest.split_once("</script>").map(|(body, _)| body)
    })
}

fn policy(kind: Kind) -> &'static str {
    match kind {
        Kind::Page => {
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        }
        Kind::App => APP_POLICY_TAIL,
        Kind::Api => "default-src 'none'; frame-ancestors 'none'",
    }
}

/// Adds the headers. Responses passed through from the assets binding have immutable
/// headers, so they are copied into new ones.
pub fn harden(response: Result<Response>, kind: Kind) -> Result<Response> {
    let response = response?;
    let headers = crate::reply::headers_of(&response)?;
    // A handler that built a more specific policy (the app's HTML) keeps it.
    if headers.get("Content-Security-Policy")?.is_none() {
        headers.set("Content-Security-Policy", policy(kind))?;
    }
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Referrer-Policy", "no-referrer")?;
    headers.set(
        "Strict-Transport-Security",
        "max-age=31536000; includeSubDomains",
    )?;
    headers.set("X-Frame-Options", "DENY")?;
    Ok(response.with_headers(headers))
}
