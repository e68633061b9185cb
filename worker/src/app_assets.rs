//! The app's static files under `/app/`, with the single-page-app fallback: a path that is
//! not a file (a client-side route like `/app/supplies`) gets `index.html`.

use worker::{Env, Request, Response, Result, Url};

use crate::config;

pub fn redirect_to_slash(req: &Request) -> Result<Response> {
    let mut url = req.url()?;
    url.set_path("/app/");
    Response::redirect_with_status(url, 301)
}

pub async fn serve(req: Request, env: &Env) -> Result<Response> {
    let assets = env.assets(config::ASSETS_BINDING)?;
    let url = req.url()?;
    let response = assets.fetch_request(req).await?;
    if response.status_code() != 404 || looks_like_file(&url) {
        return Ok(response);
    }
    let mut index = url;
    // Assets answer `/app/` with index.html; asking for `index.html` by name would redirect.
    index.set_path("/app/");
    index.set_query(None);
    assets.fetch(index.to_string(), None).await
}

/// A last path segment with an extension names a file; a miss there is a real 404, not a
/// route for the app to handle.
fn looks_like_file(url: &Url) -> bool {
    url.path_segments()
        .and_then(|mut segments| segments.next_back())
        .is_some_and(|last| last.contains('.'))
}
