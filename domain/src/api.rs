//! JSON bodies of the Worker's HTTP API, shared by the Worker and the app.

use serde::{Deserialize, Serialize};

use crate::school::{SchoolId, SchoolTimeZone};
use crate::text::Name;

/// Version of the wire protocol; a client speaking another one gets 409.
pub const PROTOCOL_VERSION: u32 = 1;

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: HealthStatus,
    pub version: String,
    pub protocol: u32,
    pub kv: KvHealth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KvHealth {
    Reachable,
    Unreachable,
}

impl Health {
    pub fn from_kv(kv: KvHealth) -> Self {
        Self {
            status: match kv {
                KvHealth::Reachable => HealthStatus::Ok,
                KvHealth::Unreachable => HealthStatus::Degraded,
            },
            version: crate::VERSION.to_owned(),
            protocol: PROTOCOL_VERSION,
            kv,
        }
    }
}

/// `GET /api/v1/school`: what anyone may know about the school without logging in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSummary {
    pub id: SchoolId,
    pub name: Name,
    pub timezone: SchoolTimeZone,
}

/// Stable, machine-readable error codes; the app translates them, the message is for logs
/// and developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    ProtocolMismatch,
    /// The device's timestamps are ahead of the server's clock; `server_ms` says by how much.
    ClockAhead,
    TooLarge,
    TooManyRequests,
    NotSeeded,
    Internal,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::ProtocolMismatch => 409,
            Self::ClockAhead => 422,
            Self::TooLarge => 413,
            Self::TooManyRequests => 429,
            Self::NotSeeded => 503,
            Self::Internal => 500,
        }
    }
}

/// Every API error body: `{"error": code, "message": text}`, and the server's clock when
/// the error is about time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_ms: Option<u64>,
}

impl ApiError {
    pub fn new(error: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
            server_ms: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_shape() {
        let body =
            serde_json::to_value(ApiError::new(ErrorCode::TooLarge, "body over 1 MiB")).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"error": "too_large", "message": "body over 1 MiB"})
        );
        assert_eq!(ErrorCode::ProtocolMismatch.status(), 409);
    }

    #[test]
    fn health_degrades_without_kv() {
        assert_eq!(
            Health::from_kv(KvHealth::Unreachable).status,
            HealthStatus::Degraded
        );
        assert_eq!(Health::from_kv(KvHealth::Reachable).version, crate::VERSION);
    }
}
