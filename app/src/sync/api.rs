//! Calls to the Worker's API.

use gloo_net::http::{Method, RequestBuilder};
use guardpost_domain::api::{ApiError, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How long a call may take, answer included: a 20,000-record first pull is about 100 KB on
/// the wire, some 15 s on a slow 2G link.
const TIMEOUT_MS: u32 = 30_000;

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
        return response.json::<T>().await.map_err(|e| CallError::Refused {
            status: response.status(),
            body: Some(ApiError::new(
                ErrorCode::Internal,
                format!("unreadable answer: {e}"),
            )),
        });
    }
    let status = response.status();
    Err(CallError::Refused {
        status,
        body: response.json::<ApiError>().await.ok(),
    })
}

/// One call: `token` (if any) as the bearer, `body` (if any) as JSON.
pub async fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<T, CallError> {
    // A stalled network must end in "unreachable", so sync backs off and retries and the
    // person sees that it is waiting, rather than hang until the browser gives up.
    let timeout = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .abort_signal(Some(&timeout));
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder.json(body).map_err(|e| CallError::Refused {
            status: 0,
            body: Some(ApiError::new(ErrorCode::BadRequest, e.to_string())),
        })?,
        None => builder.build().map_err(|e| CallError::Refused {
            status: 0,
            body: Some(ApiError::new(ErrorCode::BadRequest, e.to_string())),
        })?,
    };
    let response = request.send().await.map_err(|_| CallError::Unreachable)?;
    answer(response).await
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
