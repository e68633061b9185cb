//! JSON bodies of the Worker's HTTP API, shared by the Worker and the app.

use serde::{Deserialize, Serialize};

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

// The summary is the school's own view of itself; the API names it where it answers.
pub use crate::school::SchoolSummary;

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
    /// The device's token was revoked by an admin: the app signs out and says so.
    Revoked,
    /// An invite or setup code that is unknown, used or expired (deliberately not saying which).
    InvalidCode,
    /// The thing changed since the caller read it (the directory's revision).
    Conflict,
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
            Self::Revoked => 401,
            Self::InvalidCode => 403,
            Self::Conflict => 409,
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
    /// For [`ErrorCode::TooManyRequests`]: seconds until trying again can succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

impl ApiError {
    pub fn new(error: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
            server_ms: None,
            retry_after_s: None,
        }
    }
}

/// A whole request refused, with the API error code to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: ErrorCode,
    pub message: String,
    pub server_ms: Option<u64>,
    pub retry_after_s: Option<u64>,
}

impl Refused {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            server_ms: None,
            retry_after_s: None,
        }
    }

    /// Too many failed attempts from this address: locked for `seconds`.
    pub fn locked(seconds: u64) -> Self {
        Self {
            retry_after_s: Some(seconds),
            ..Self::new(
                ErrorCode::TooManyRequests,
                format!(
                    "too many failed attempts; try again in {} minutes",
                    seconds.div_ceil(60)
                ),
            )
        }
    }

    pub fn body(&self) -> ApiError {
        ApiError {
            error: self.code,
            message: self.message.clone(),
            server_ms: self.server_ms,
            retry_after_s: self.retry_after_s,
        }
    }
}

/// Reads a JSON request body of at most `limit` bytes into `T`. Every body type refuses
/// unknown fields, so a field a client sends is never silently dropped.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8], limit: usize) -> Result<T, Refused> {
    if bytes.len() > limit {
        return Err(Refused::new(
            ErrorCode::TooLarge,
            format!("the body is limited to {limit} bytes"),
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| Refused::new(ErrorCode::BadRequest, format!("malformed body: {e}")))
}

/// [`decode`] for a sync body, answering another protocol version with
/// [`ErrorCode::ProtocolMismatch`] before the strict parse (a newer client's body may not
/// parse as this version's).
pub fn decode_versioned<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    limit: usize,
) -> Result<T, Refused> {
    #[derive(Deserialize)]
    struct Versioned {
        protocol: u32,
    }
    if bytes.len() <= limit
        && let Ok(v) = serde_json::from_slice::<Versioned>(bytes)
        && v.protocol != PROTOCOL_VERSION
    {
        return Err(Refused::new(
            ErrorCode::ProtocolMismatch,
            format!(
                "this server speaks sync protocol {PROTOCOL_VERSION}, not {}; reload the app",
                v.protocol
            ),
        ));
    }
    decode(bytes, limit)
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
    fn decoding_is_strict_and_bounded() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Body {
            #[allow(dead_code)]
            protocol: u32,
        }
        assert!(decode::<Body>(b"{\"protocol\":1}", 100).is_ok());
        let unknown = decode::<Body>(b"{\"protocol\":1,\"x\":2}", 100).unwrap_err();
        assert_eq!(unknown.code, ErrorCode::BadRequest);
        let big = decode::<Body>(&[b' '; 101], 100).unwrap_err();
        assert_eq!(big.code, ErrorCode::TooLarge);
        let newer = decode_versioned::<Body>(b"{\"protocol\":2,\"y\":[]}", 100).unwrap_err();
        assert_eq!(newer.code, ErrorCode::ProtocolMismatch);
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
