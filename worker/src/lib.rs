//! Guardpost's Cloudflare Worker: one origin for the public notice page (`/`), the JSON API
//! (`/api/v1/*`) and the app's static files (`/app/*`). A thin shell: rules live in
//! `guardpost-domain`, this crate only translates HTTP and KV into domain calls.

mod body;
mod config;
mod identity;
mod kv;
mod qr;
mod random;
mod reply;
mod routes;
mod security;
mod strings;
mod throttle;

use std::future::Future;
use std::pin::Pin;

use guardpost_domain::api::{ErrorCode, Refused};
use worker::{
    Context, Env, Method, Request, Response, Result, ScheduleContext, ScheduledEvent, event,
};

use crate::reply::Answered;
use crate::routes::{accounts, app_assets, notices, school, sync};

/// The methods the API tells apart; `HEAD` is answered like `GET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Get,
    Post,
    Put,
}

impl Verb {
    fn of(method: &Method) -> Option<Self> {
        match method {
            Method::Get | Method::Head => Some(Self::Get),
            Method::Post => Some(Self::Post),
            Method::Put => Some(Self::Put),
            _ => None,
        }
    }
}

type Pending<'a> = Pin<Box<dyn Future<Output = Answered> + 'a>>;
type Handler = for<'a> fn(Request, &'a Env) -> Pending<'a>;

/// A handler, `async fn(Request, &Env) -> Answered`, as a row of the table.
macro_rules! to {
    ($handler:path) => {
        |req, env| Box::pin($handler(req, env))
    };
}

/// The API's route table. A path listed with other methods than the request's is answered
/// 405, an unlisted one 404, both in the API's JSON.
#[rustfmt::skip]
const API: &[(&str, Verb, Handler)] = &[
    ("/api/v1/health",               Verb::Get,  to!(school::health)),
    ("/api/v1/school",               Verb::Get,  to!(school::summary)),
    ("/api/v1/sync/session",         Verb::Get,  to!(sync::session)),
    ("/api/v1/sync/push",            Verb::Post, to!(sync::push)),
    ("/api/v1/sync/pull",            Verb::Post, to!(sync::pull)),
    ("/api/v1/auth/setup",           Verb::Post, to!(accounts::join::setup)),
    ("/api/v1/auth/redeem",          Verb::Post, to!(accounts::join::redeem)),
    ("/api/v1/admin/directory",      Verb::Get,  to!(accounts::admin::directory)),
    ("/api/v1/admin/directory",      Verb::Put,  to!(accounts::admin::update_directory)),
    ("/api/v1/admin/invites",        Verb::Get,  to!(accounts::admin::list_invites)),
    ("/api/v1/admin/invites",        Verb::Post, to!(accounts::admin::create_invite)),
    ("/api/v1/admin/invites/cancel", Verb::Post, to!(accounts::admin::cancel_invite)),
    ("/api/v1/admin/devices",        Verb::Get,  to!(accounts::admin::list_devices)),
    ("/api/v1/admin/devices/revoke", Verb::Post, to!(accounts::admin::revoke_device)),
    ("/api/v1/admin/backup",         Verb::Get,  to!(accounts::backup::backup)),
    ("/api/v1/admin/restore",        Verb::Post, to!(accounts::backup::restore)),
    ("/api/v1/admin/compact",        Verb::Post, to!(sync::compact::now)),
];

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

/// The Cron Trigger (every minute): the public board is rebuilt when a notice's publication
/// or expiry time has passed, so a scheduled notice appears without anyone pushing; and
/// settled days are compacted into the school's snapshot.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    console_error_panic_hook::set_once();
    if let Err(refused) = notices::on_schedule(&env).await {
        worker::console_error!("rebuilding the public board: {}", refused.message);
    }
    if let Err(refused) = sync::compact::on_schedule(&env).await {
        worker::console_error!("compacting settled days: {}", refused.message);
    }
}

/// Routes by method and path: the API through [`API`], and the pages. Not `worker::Router`,
/// so that a wrong method on an API path gets the API's JSON 405 and `HEAD` is answered like
/// `GET`.
async fn route(req: Request, env: &Env, path: &str) -> Result<Response> {
    if path.starts_with("/api/") {
        return reply::api(api(req, env, path).await);
    }
    let get = matches!(req.method(), Method::Get | Method::Head);
    match path {
        "/" if get => notices::page::show(&req, env).await,
        "/archive" if get => notices::page::archive(&req, env).await,
        "/feed.xml" if get => notices::feeds::feed(&req, env).await,
        "/poster" if get => notices::poster::show(&req, env).await,
        p if get && p.starts_with("/n/") => match p[3..].strip_suffix("/cap.xml") {
            Some(id) => notices::feeds::cap(&req, env, id).await,
            None => notices::page::notice(&req, env, &p[3..]).await,
        },
        "/app" if get => app_assets::redirect_to_slash(&req),
        p if get && p.starts_with("/app/") => app_assets::serve(req, env).await,
        "/" => reply::html_error(&req, 405),
        _ => reply::html_error(&req, 404),
    }
}

async fn api(req: Request, env: &Env, path: &str) -> Answered {
    let method = req.method();
    let verb = Verb::of(&method);
    let mut routes = API.iter().filter(|(p, ..)| *p == path).peekable();
    if routes.peek().is_none() {
        return Err(Refused::new(
            ErrorCode::NotFound,
            format!("no API route {method} {path}"),
        ));
    }
    match routes.find(|(_, v, _)| Some(*v) == verb) {
        Some((_, _, handler)) => handler(req, env).await,
        None => Err(Refused::new(
            ErrorCode::MethodNotAllowed,
            format!("{method} is not allowed on {path}"),
        )),
    }
}
