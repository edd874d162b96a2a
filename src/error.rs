//! The one error type of the HTTP edge: every way a request can fail, each
//! mapped to a status and the spec's JSON body
//! `{"error": {"code", "message", "field"?}}`.
//!
//! A 5xx keeps its detail for the log (its `Display`) and tells the client
//! nothing internal.

use std::fmt;

use serde::Serialize;
use worker::{Headers, Response};

use crate::domain::view::{ErrorBody, ErrorDetail};
use crate::domain::{DomainError, ErrorCode};

/// Largest request body the API accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// A rule of the domain refused it (400, 401, 403, 409, 429).
    Refused(DomainError),
    /// 413: the body is larger than [`MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// 415: a request that carries a body did not say it is JSON.
    UnsupportedMediaType,
    /// 404: no such appointment, participant or path.
    NotFound,
    /// 405: the path exists but not with this method.
    MethodNotAllowed { allow: &'static str },
    /// 426: a plain request to the WebSocket endpoint.
    UpgradeRequired,
    /// 409: the id of a new appointment is taken (the Worker retries).
    IdTaken,
    /// 500: a fault of ours. The detail is logged, never sent.
    Internal(String),
    /// A refusal an appointment object replied with, told to the client
    /// as it is.
    Relayed {
        error: ErrorDetail,
        retry_after: Option<u32>,
    },
}

impl ApiError {
    /// The code of the JSON body, which also fixes the status.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Refused(e) => e.code(),
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            ApiError::UpgradeRequired => ErrorCode::UpgradeRequired,
            ApiError::IdTaken => ErrorCode::IdTaken,
            ApiError::Internal(_) => ErrorCode::InternalError,
            ApiError::Relayed { error, .. } => error.code,
        }
    }

    pub fn status(&self) -> u16 {
        self.code().status()
    }

    /// What the client is told: never anything internal.
    pub fn message(&self) -> String {
        match self {
            ApiError::Refused(e) => e.to_string(),
            ApiError::PayloadTooLarge => {
                format!("the request body is larger than {MAX_BODY_BYTES} bytes")
            }
            ApiError::UnsupportedMediaType => {
                "send the body as JSON with 'Content-Type: application/json'".into()
            }
            ApiError::NotFound => {
                "there is no such appointment or participant (it may have expired or been deleted)"
                    .into()
            }
            ApiError::MethodNotAllowed { allow } => format!("use one of: {allow}"),
            ApiError::UpgradeRequired => {
                "this endpoint speaks WebSocket: send 'Upgrade: websocket'".into()
            }
            ApiError::IdTaken => "this appointment id is taken; try again".into(),
            ApiError::Internal(_) => "something went wrong on our side; please try again".into(),
            ApiError::Relayed { error, .. } => error.message.clone(),
        }
    }

    /// The body's `error` object: code, message and the field at fault.
    pub fn detail(&self) -> ErrorDetail {
        match self {
            ApiError::Refused(e) => e.into(),
            ApiError::Relayed { error, .. } => error.clone(),
            _ => ErrorDetail {
                code: self.code(),
                message: self.message(),
                field: None,
            },
        }
    }

    /// The JSON error response, with the headers its status calls for.
    /// The caller logs an internal error's detail (see `Display`).
    pub fn to_response(&self) -> Response {
        let body = ErrorBody {
            error: self.detail(),
        };
        let headers = json_headers();
        match self {
            ApiError::MethodNotAllowed { allow } => {
                let _ = headers.set("allow", allow);
            }
            ApiError::Refused(DomainError::TooManyAttempts { retry_after })
            | ApiError::Relayed {
                retry_after: Some(retry_after),
                ..
            } => {
                let _ = headers.set("retry-after", &retry_after.to_string());
            }
            _ => {}
        }
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        match Response::from_bytes(bytes) {
            Ok(r) => r.with_status(self.status()).with_headers(headers),
            Err(_) => Response::builder().with_status(500).empty(),
        }
    }
}

/// For logs: the whole story, internal detail included.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Internal(detail) => write!(f, "internal error: {detail}"),
            other => write!(f, "{}: {}", other.code(), other.message()),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::Refused(e)
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

fn json_headers() -> Headers {
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    let _ = headers.set("cache-control", "no-store");
    headers
}

/// A JSON answer with the given status, never cached: what every API
/// handler of the Worker sends.
pub fn json_response(value: &impl Serialize, status: u16) -> ApiResult<Response> {
    let bytes = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    json_bytes(bytes, status)
}

/// A JSON answer of bytes that are JSON already, never cached.
pub fn json_bytes(bytes: Vec<u8>, status: u16) -> ApiResult<Response> {
    Ok(Response::from_bytes(bytes)?
        .with_status(status)
        .with_headers(json_headers()))
}

/// The result of a handler: a response, or an error that becomes one.
pub type ApiResult<T> = std::result::Result<T, ApiError>;
