//! The app's static files under `/app/`, with the single-page-app fallback: a path that is
//! not a file (a client-side route like `/app/supplies`) gets `index.html`.

use askama::Template;
use guardpost_domain::lang::Lang;
use worker::{EncodeBody, Env, Fetcher, Headers, Request, RequestInit, Response, Result, Url};

use crate::strings::PublicText;
use crate::{config, reply, security, strings};

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
    let response = if let Some(kind) = code_kind(&url) {
        match in_brotli(&req, &url, kind, &assets).await? {
            Some(squeezed) => squeezed,
            None => varying(assets.fetch_request(req).await?)?,
        }
    } else if looks_like_file(&url) {
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
    let headers = reply::headers_of(&response)?;
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
    let headers = reply::headers_of(&response)?;
    headers.set("Cache-Control", "no-cache")?;
    Ok(response.with_headers(headers))
}

/// The app's code the build also wrote in brotli (scripts/sw-precache.mjs), by extension, with
/// the type it is sent as.
const CODE: [(&str, &str); 3] = [
    (".wasm", "application/wasm"),
    (".js", "text/javascript"),
    (".css", "text/css"),
];

/// The type of a file of the app's code; `None` for anything else.
fn code_kind(url: &Url) -> Option<&'static str> {
    CODE.iter()
        .find(|(extension, _)| url.path().ends_with(extension))
        .map(|(_, kind)| *kind)
}

/// The build's brotli copy of a file of code (`name.br`, at the highest setting: the class
/// build's wasm a fifth smaller than gzip, a first visit on one bar of signal 1.8 s sooner),
/// for a browser that takes brotli; `None` otherwise, or when the build wrote no copy. Sent
/// as it is (`encodeBody: manual`), so the runtime neither decodes nor compresses it again.
async fn in_brotli(
    req: &Request,
    url: &Url,
    kind: &str,
    assets: &Fetcher,
) -> Result<Option<Response>> {
    if !reply::accepts(req, "br") {
        return Ok(None);
    }
    let mut copy = url.clone();
    copy.set_path(&format!("{}.br", url.path()));
    // The copy's own ETag answers a revalidation: the browser keeps this encoding's.
    let headers = Headers::new();
    for name in ["If-None-Match", "If-Modified-Since"] {
        if let Some(value) = req.headers().get(name)? {
            headers.set(name, &value)?;
        }
    }
    let mut init = RequestInit::new();
    init.with_method(req.method()).with_headers(headers);
    let found = assets
        .fetch_request(Request::new_with_init(copy.as_str(), &init)?)
        .await?;
    let status = found.status_code();
    if status != 200 && status != 304 {
        return Ok(None);
    }
    let sent = reply::headers_of(&found)?;
    sent.set("Content-Type", kind)?;
    sent.set("Content-Encoding", "br")?;
    sent.set("Vary", "Accept-Encoding")?;
    let (_, body) = found.into_parts();
    Ok(Some(
        Response::builder()
            .with_status(status)
            .with_headers(sent)
            .with_encode_body(EncodeBody::Manual)
            .body(body),
    ))
}

/// A file of code as the assets send it, which a shared cache must keep apart from the
/// brotli copy.
fn varying(response: Response) -> Result<Response> {
    let headers = reply::headers_of(&response)?;
    headers.set("Vary", "Accept-Encoding")?;
    Ok(response.with_headers(headers))
}

/// A last path segment with an extension names a file; a miss there is a real 404, not a
/// route for the app to handle.
fn looks_like_file(url: &Url) -> bool {
    url.path_segments()
        .and_then(|mut segments| segments.next_back())
        .is_some_and(|last| last.contains('.'))
}
