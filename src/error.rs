//! The one error type of the HTTP edge: every way a request can fail, each
//! mapped to a status and the spec's JSON body
//! `{"error": {"code", "message", "field"?}}`.
//!
//! A 5xx logs its detail and tells the client nothing internal.

use serde_json::json;
use worker::{Headers, Response};

use crate::domain::DomainError;

/// Largest request body the API accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 413: the body is larger than [`MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// 415: a request that carries a body did not say it is JSON.
    UnsupportedMediaType,
    /// 404: no such appointment, participant or path.
    NotFound,
    /// 405: the path exists but not with this method.
    MethodNotAllowed { allow: &'static str },
    /// 401: no token, an unknown token, or a wrong or missing password.
    Unauthorized {
        code: &'static str,
        message: &'static str,
    },
    /// 403: a valid token, but of someone else.
    Forbidden,
    /// 400: the body is not JSON at all.
    InvalidJson(String),
    /// 400: a query parameter is malformed.
    InvalidQuery(String),
    /// 400: the body is JSON but breaks a domain rule.
    Invalid(DomainError),
    /// 409: the request conflicts with the appointment's state.
    Conflict {
        code: &'static str,
        message: &'static str,
    },
    /// 426: a plain request to the WebSocket endpoint.
    UpgradeRequired,
    /// 429: too many attempts; try again after this many seconds.
    TooManyAttempts { retry_after: u32 },
    /// 500: a fault of ours. The detail is logged, never sent.
    Internal(String),
}

impl ApiError {
    /// 401 for a request that needs a bearer token it does not carry, or
    /// carries one that is unknown.
    pub const UNAUTHORIZED: ApiError = ApiError::Unauthorized {
        code: "unauthorized",
        message: "send a valid token as 'Authorization: Bearer <token>'",
    };

    pub fn status(&self) -> u16 {
        match self {
            ApiError::PayloadTooLarge => 413,
            ApiError::UnsupportedMediaType => 415,
            ApiError::NotFound => 404,
            ApiError::MethodNotAllowed { .. } => 405,
            ApiError::Unauthorized { .. } => 401,
            ApiError::Forbidden => 403,
            ApiError::InvalidJson(_) | ApiError::InvalidQuery(_) | ApiError::Invalid(_) => 400,
            ApiError::Conflict { .. } => 409,
            ApiError::UpgradeRequired => 426,
            ApiError::TooManyAttempts { .. } => 429,
            ApiError::Internal(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Unauthorized { code, .. } | ApiError::Conflict { code, .. } => code,
            ApiError::Forbidden => "forbidden",
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::InvalidQuery(_) => "invalid_query",
            ApiError::Invalid(e) => e.code(),
            ApiError::UpgradeRequired => "upgrade_required",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::Internal(_) => "internal_error",
        }
    }

    pub fn message(&self) -> String {
        match self {
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
            ApiError::Unauthorized { message, .. } | ApiError::Conflict { message, .. } => {
                (*message).into()
            }
            ApiError::Forbidden => "this token belongs to someone else".into(),
            ApiError::InvalidJson(detail) => format!("the body is not valid JSON: {detail}"),
            ApiError::InvalidQuery(detail) => detail.clone(),
            ApiError::Invalid(e) => e.to_string(),
            ApiError::UpgradeRequired => {
                "this endpoint speaks WebSocket: send 'Upgrade: websocket'".into()
            }
            ApiError::TooManyAttempts { retry_after } => {
                format!("too many attempts; try again in {retry_after} seconds")
            }
            ApiError::Internal(_) => "something went wrong on our side; please try again".into(),
        }
    }

    /// The JSON error response, with the headers its status calls for.
    pub fn to_response(&self) -> Response {
        let mut error = json!({ "code": self.code(), "message": self.message() });
        if let ApiError::Invalid(e) = self {
            if let Some(field) = e.field() {
                error["field"] = field.into();
            }
        }
        if let ApiError::Internal(detail) = self {
            worker::console_error!("internal error: {detail}");
        }
        let headers = Headers::new();
        let _ = headers.set("content-type", "application/json; charset=utf-8");
        let _ = headers.set("cache-control", "no-store");
        match self {
            ApiError::MethodNotAllowed { allow } => {
                let _ = headers.set("allow", allow);
            }
            ApiError::TooManyAttempts { retry_after } => {
                let _ = headers.set("retry-after", &retry_after.to_string());
            }
            _ => {}
        }
        let body = json!({ "error": error }).to_string();
        match Response::from_bytes(body.into_bytes()) {
            Ok(r) => r.with_status(self.status()).with_headers(headers),
            Err(_) => Response::empty()
                .map(|r| r.with_status(500))
                .unwrap_or_else(|_| unreachable_response()),
        }
    }
}

/// Building an empty response cannot fail in practice; this keeps the
/// error path free of panics all the same.
fn unreachable_response() -> Response {
    Response::builder().with_status(500).empty()
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::Invalid(e)
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// A JSON answer with the given status, never cached: what every API
/// handler, in the Worker and in the appointment object, sends.
pub fn json_response(value: &serde_json::Value, status: u16) -> ApiResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::from_bytes(value.to_string().into_bytes())?
        .with_status(status)
        .with_headers(headers))
}

/// The result of a handler: a response, or an error that becomes one.
pub type ApiResult<T> = std::result::Result<T, ApiError>;
