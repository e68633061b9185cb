//! Guardpost's Cloudflare Worker: one origin for the public notice page (`/`), the JSON API
//! (`/api/v1/*`) and the app's static files (`/app/*`). A thin shell: rules live in
//! `guardpost-domain`, this crate only translates HTTP and KV into domain calls.

mod accounts;
mod api;
mod app_assets;
mod auth;
mod body;
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
    let method = req.method();
    let get = matches!(method, Method::Get | Method::Head);
    let post = method == Method::Post;
    match path {
        "/" if get => public_page::show(&req, &env).await,
        "/api/v1/health" if get => api::health(&env).await,
        "/api/v1/school" if get => api::school(&env).await,
        "/api/v1/sync/session" if get => sync::session(req, &env).await,
        "/api/v1/sync/push" if post => sync::push(req, &env).await,
        "/api/v1/sync/pull" if post => sync::pull(req, &env).await,
        "/api/v1/auth/setup" if post => accounts::setup(req, &env).await,
        "/api/v1/auth/redeem" if post => accounts::redeem(req, &env).await,
        "/api/v1/admin/directory" if get => accounts::directory(req, &env).await,
        "/api/v1/admin/directory" if method == Method::Put => {
            accounts::update_directory(req, &env).await
        }
        "/api/v1/admin/invites" if get => accounts::list_invites(req, &env).await,
        "/api/v1/admin/invites" if post => accounts::create_invite(req, &env).await,
        "/api/v1/admin/invites/cancel" if post => accounts::cancel_invite(req, &env).await,
        "/api/v1/admin/devices" if get => accounts::list_devices(req, &env).await,
        "/api/v1/admin/devices/revoke" if post => accounts::revoke_device(req, &env).await,
        "/api/v1/health"
        | "/api/v1/school"
        | "/api/v1/sync/session"
        | "/api/v1/sync/push"
        | "/api/v1/sync/pull"
        | "/api/v1/auth/setup"
        | "/api/v1/auth/redeem"
        | "/api/v1/admin/directory"
        | "/api/v1/admin/invites"
        | "/api/v1/admin/invites/cancel"
        | "/api/v1/admin/devices"
        | "/api/v1/admin/devices/revoke" => reply::api_error(
            ErrorCode::MethodNotAllowed,
            format!("{method} is not allowed on {path}"),
        ),
        p if p.starts_with("/api/") => {
            reply::api_error(ErrorCode::NotFound, format!("no API route {method} {path}"))
        }
        "/app" if get => app_assets::redirect_to_slash(&req),
        p if get && p.starts_with("/app/") => app_assets::serve(req, &env).await,
        "/" => reply::html_error(&req, 405),
        _ => reply::html_error(&req, 404),
    }
}
