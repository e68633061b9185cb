//! Calls to the Worker's API.

use gloo_net::http::{Method, Request, RequestBuilder};
use guardpost_domain::api::{ApiError, ErrorCode};
use guardpost_domain::json;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How long a call may take, answer included: a 20,000-record first pull is about 100 KB on
/// the wire, some 15 s on a slow 2G link.
const TIMEOUT_MS: u32 = 30_000;

/// Bodies larger than this go gzipped (the Worker inflates them within its body limit).
const GZIP_FROM_BYTES: usize = 1024;

/// `bytes` gzipped by the browser's CompressionStream, or `None` where it has none.
/// (web-sys binds CompressionStream only as an unstable API: it is reached by name here.)
async fn gzip(bytes: &[u8]) -> Option<js_sys::Uint8Array> {
    use wasm_bindgen::JsCast;
    let class = js_sys::Reflect::get(&js_sys::global(), &"CompressionStream".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let stream = js_sys::Reflect::construct(&class, &js_sys::Array::of1(&"gzip".into())).ok()?;
    let side = |name: &str| js_sys::Reflect::get(&stream, &name.into()).ok();
    let pair = web_sys::ReadableWritablePair::new(
        &side("readable")?.dyn_into().ok()?,
        &side("writable")?.dyn_into().ok()?,
    );
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let compressed = blob.stream().pipe_through(&pair);
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&compressed)).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().ok()?)
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer))
}

/// How a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No answer: offline, or the network dropped.
    Unreachable,
    /// The Worker answered with an error.
    Refused { status: u16, body: Option<ApiError> },
}

impl CallError {
    /// The API's error code, when the Worker sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Refused {
                body: Some(body), ..
            } => Some(body.error),
            _ => None,
        }
    }

    /// What the Worker said, for messages that have no translation of their own.
    pub fn message(&self) -> String {
        match self {
            Self::Unreachable => String::new(),
            Self::Refused { status, body } => body
                .as_ref()
                .map_or_else(|| format!("HTTP {status}"), |b| b.message.clone()),
        }
    }
}

async fn answer<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, CallError> {
    if response.ok() {
        let status = response.status();
        let text = response.text().await.map_err(|e| unreadable(status, &e))?;
        return json::from_str(&text).map_err(|e| unreadable(status, &e));
    }
    Err(refused(response).await)
}

async fn refused(response: gloo_net::http::Response) -> CallError {
    CallError::Refused {
        status: response.status(),
        body: response
            .text()
            .await
            .ok()
            .and_then(|text| json::from_str::<ApiError>(&text).ok()),
    }
}

/// An answer that is not what the API sends.
pub fn unreadable(status: u16, e: &dyn std::fmt::Display) -> CallError {
    CallError::Refused {
        status,
        body: Some(ApiError::new(
            ErrorCode::Internal,
            format!("unreadable answer: {e}"),
        )),
    }
}

/// One call: `token` (if any) as the bearer, `body` (if any) as JSON.
pub async fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<T, CallError> {
    send(request(method, path, token, body).await?).await
}

/// A call made ready to go, its body gzipped: [`send`] puts it on the wire when first
/// polled, so work joined after it runs while it travels.
pub async fn request<B: Serialize>(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<Request, CallError> {
    // A stalled network must end in "unreachable", so sync backs off and retries and the
    // person sees that it is waiting, rather than hang until the browser gives up.
    let timeout = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .abort_signal(Some(&timeout));
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let unsendable = |e: String| CallError::Refused {
        status: 0,
        body: Some(ApiError::new(ErrorCode::BadRequest, e)),
    };
    let request = match body {
        Some(body) => {
            let json = serde_json::to_vec(body).map_err(|e| unsendable(e.to_string()))?;
            builder = builder.header("Content-Type", "application/json");
            // A day's backlog on one bar of signal: gzip cuts JSON to a fifth or less. Where
            // the browser can't compress, the plain body is just as valid.
            let packed = if json.len() > GZIP_FROM_BYTES {
                gzip(&json).await
            } else {
                None
            };
            match packed {
                Some(packed) => builder.header("Content-Encoding", "gzip").body(packed),
                None => builder.body(js_sys::Uint8Array::from(json.as_slice())),
            }
            .map_err(|e| unsendable(e.to_string()))?
        }
        None => builder.build().map_err(|e| unsendable(e.to_string()))?,
    };
    Ok(request)
}

pub async fn send<T: DeserializeOwned>(request: Request) -> Result<T, CallError> {
    let response = request.send().await.map_err(|_| CallError::Unreachable)?;
    answer(response).await
}

/// The answer's text, for a caller that reads part of it before the rest.
pub async fn send_text(request: Request) -> Result<String, CallError> {
    let response = request.send().await.map_err(|_| CallError::Unreachable)?;
    if !response.ok() {
        return Err(refused(response).await);
    }
    // A body cut off on the way is a dropped network.
    response.text().await.map_err(|_| CallError::Unreachable)
}

pub async fn get<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, CallError> {
    call::<(), T>(Method::GET, path, Some(token), None).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    token: &str,
    body: &B,
) -> Result<T, CallError> {
    call(Method::POST, path, Some(token), Some(body)).await
}
