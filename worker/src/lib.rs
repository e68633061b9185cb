//! Guardpost's Cloudflare Worker: one origin for the public notice page (`/`), the JSON API
//! (`/api/v1/*`) and the app's static files (`/app/*`). A thin shell: rules live in
//! `guardpost-domain`, this crate only translates HTTP and KV into domain calls.

mod api;
mod app_assets;
mod config;
mod public_page;
mod reply;
mod security;
mod strings;
mod sync;

use worker::{Context, Env, Method, Request, Response, Result, event};

use guardpost_domain::api::ErrorCode;

/// Routes by method and path. A table of `match` arms rather than `worker::Router`, so that a
/// wrong method on an API path gets the API's JSON 405 and `HEAD` is answered like `GET`.
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    console_error_panic_hook::set_once();
    let path = req.path();
    let kind = if path.starts_with("/api/") {
        security::Kind::Api
    } else if path.starts_with("/app") {
        security::Kind::App
    } else {
        security::Kind::Page
    };
    security::harden(route(req, &env, &path).await, kind)
}

async fn route(req: Request, env: &Env, path: &str) -> Result<Response> {
    let env = env.clone();
    let readable = matches!(req.method(), Method::Get | Method::Head);
    match path {
        "/" if readable => public_page::show(&req, &env).await,
        "/api/v1/health" if readable => api::health(&env).await,
        "/api/v1/school" if readable => api::school(&env).await,
        "/api/v1/sync/session" if readable => sync::session(req, &env).await,
        "/api/v1/sync/push" if req.method() == Method::Post => sync::push(req, &env).await,
        "/api/v1/sync/pull" if req.method() == Method::Post => sync::pull(req, &env).await,
        "/api/v1/health"
        | "/api/v1/school"
        | "/api/v1/sync/session"
        | "/api/v1/sync/push"
        | "/api/v1/sync/pull" => reply::api_error(
            ErrorCode::MethodNotAllowed,
            format!("{} is not allowed on {path}", req.method()),
        ),
        p if p.starts_with("/api/") => reply::api_error(
            ErrorCode::NotFound,
            format!("no API route {} {path}", req.method()),
        ),
        "/app" if readable => app_assets::redirect_to_slash(&req),
        p if readable && p.starts_with("/app/") => app_assets::serve(req, &env).await,
        "/" => reply::html_error(&req, 405),
        _ => reply::html_error(&req, 404),
    }
}
