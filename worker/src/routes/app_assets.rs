//! The app's static files under `/app/`, with the single-page-app fallback: a path that is
//! not a file (a client-side route like `/app/supplies`) gets `index.html`.

use askama::Template;
use guardpost_domain::lang::Lang;
use worker::{Env, Headers, Request, RequestInit, Response, Result, Url};

use crate::strings::PublicText;
use crate::{config, security, strings};

pub fn redirect_to_slash(req: &Request) -> Result<Response> {
    let mut url = req.url()?;
    url.set_path("/app/");
    Response::redirect_with_status(url, 301)
}

/// The service worker's script, whose bytes change with every build of the app.
const SERVICE_WORKER: &str = "/app/sw.js";

pub async fn serve(req: Request, env: &Env) -> Result<Response> {
    let assets = env.assets(config::ASSETS_BINDING)?;
    let lang = strings::lang_of(&req);
    let url = req.url()?;
    if url.path() == SERVICE_WORKER {
        return always_revalidated(assets.fetch_request(req).await?);
    }
    let response = if looks_like_file(&url) {
        assets.fetch_request(req).await?
    } else {
        // The app's HTML is always sent whole: a 304 would carry no body to hash, and the
        // browser would take the 304's policy, without the loader's hash, for its cached copy.
        let headers = Headers::new();
        for (name, value) in req.headers() {
            let conditional = name.eq_ignore_ascii_case("if-none-match")
                || name.eq_ignore_ascii_case("if-modified-since");
            if !conditional {
                headers.set(&name, &value)?;
            }
        }
        let mut init = RequestInit::new();
        init.with_method(req.method()).with_headers(headers);
        assets
            .fetch_request(Request::new_with_init(url.as_str(), &init)?)
            .await?
    };
    if response.status_code() != 404 || looks_like_file(&url) {
        return with_html_policy(response, lang).await;
    }
    let mut index = url;
    // Assets answer `/app/` with index.html; asking for `index.html` by name would redirect.
    index.set_path("/app/");
    index.set_query(None);
    with_html_policy(assets.fetch(index.to_string(), None).await?, lang).await
}

/// What the app's page shows until its code runs: the opening line, then how much of the
/// code a slow first visit has, or that it did not arrive and a button to try again (the
/// loader shows those; scripts/sw-precache.mjs).
#[derive(Template)]
#[template(path = "app_boot.html")]
struct Boot<'a> {
    t: &'a PublicText,
}

/// Gives the app's HTML what it shows while its code loads, in the visitor's language, and a
/// content security policy that allows its inline loader by hash.
async fn with_html_policy(mut response: Response, lang: Lang) -> Result<Response> {
    let is_html = response
        .headers()
        .get("Content-Type")?
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html || response.status_code() != 200 {
        return Ok(response);
    }
    let headers = Headers::new();
    for (name, value) in response.headers() {
        headers.set(&name, &value)?;
    }
    let boot = Boot {
        t: strings::public(lang),
    }
    .render()
    .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let html = response.text().await?.replace("<!--boot-->", &boot);
    headers.set("Content-Security-Policy", &security::app_html_policy(&html))?;
    Ok(Response::ok(html)?.with_headers(headers))
}

/// The service worker decides which release the phone runs, and the browser installs a new
/// one only when it sees new bytes: a copy kept by an HTTP cache would hold every phone on
/// the old release. `no-cache` still lets an unchanged script cost a 304.
fn always_revalidated(response: Response) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in response.headers() {
        headers.set(&name, &value)?;
    }
    headers.set("Cache-Control", "no-cache")?;
    Ok(response.with_headers(headers))
}

/// A last path segment with an extension names a file; a miss there is a real 404, not a
/// route for the app to handle.
fn looks_like_file(url: &Url) -> bool {
    url.path_segments()
        .and_then(|mut segments| segments.next_back())
        .is_some_and(|last| last.contains('.'))
}
