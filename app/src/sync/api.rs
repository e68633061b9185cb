//! Calls to the Worker's sync API.

use guardpost_domain::api::ApiError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No answer: offline, or the network dropped.
    Unreachable,
    /// The Worker answered with an error.
    Refused { status: u16, body: Option<ApiError> },
}

async fn answer<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, CallError> {
    if response.ok() {
        return response.json::<T>().await.map_err(|e| CallError::Refused {
            status: response.status(),
            body: Some(ApiError::new(
                guardpost_domain::api::ErrorCode::Internal,
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

pub async fn get<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, CallError> {
    let response = gloo_net::http::Request::get(path)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| CallError::Unreachable)?;
    answer(response).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    token: &str,
    body: &B,
) -> Result<T, CallError> {
    let request = gloo_net::http::Request::post(path)
        .header("Authorization", &format!("Bearer {token}"))
        .json(body)
        .map_err(|e| CallError::Refused {
            status: 0,
            body: Some(ApiError::new(
                guardpost_domain::api::ErrorCode::BadRequest,
                e.to_string(),
            )),
        })?;
    let response = request.send().await.map_err(|_| CallError::Unreachable)?;
    answer(response).await
}
