//! The relay's errors, and the one place where they become HTTP responses.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// The protocol's error codes, shared by HTTP bodies and WebSocket error frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BadRequest,
    NotFound,
    TooLarge,
    RateLimited,
    QuotaExceeded,
    Unavailable,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 6] = [
        ErrorCode::BadRequest,
        ErrorCode::NotFound,
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::QuotaExceeded,
        ErrorCode::Unavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::NotFound => "not_found",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::Unavailable => "unavailable",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Unknown stream, missing token and wrong token alike: the caller learns nothing more.
    #[error("not found")]
    NotFound,
    #[error("too large: the limit is {limit} bytes")]
    TooLarge { limit: usize },
    #[error("rate limited: retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("quota exceeded: {what}")]
    QuotaExceeded {
        what: &'static str,
        /// The relay itself is out of room (507) rather than the caller over its share (429).
        storage_full: bool,
    },
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    #[error("store: {0}")]
    Store(StoreError),
}

impl From<StoreError> for RelayError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Quota(what) => RelayError::QuotaExceeded {
                what,
                storage_full: false,
            },
            StoreError::StorageFull => RelayError::QuotaExceeded {
                what: "relay storage is full",
                storage_full: true,
            },
            StoreError::UnknownLog => RelayError::NotFound,
            other => RelayError::Store(other),
        }
    }
}

impl RelayError {
    pub fn code(&self) -> ErrorCode {
        match self {
            RelayError::BadRequest(_) => ErrorCode::BadRequest,
            RelayError::NotFound => ErrorCode::NotFound,
            RelayError::TooLarge { .. } => ErrorCode::TooLarge,
            RelayError::RateLimited { .. } => ErrorCode::RateLimited,
            RelayError::QuotaExceeded { .. } => ErrorCode::QuotaExceeded,
            RelayError::Unavailable(_) | RelayError::Store(_) => ErrorCode::Unavailable,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            RelayError::BadRequest(_) => StatusCode::BAD_REQUEST,
            RelayError::NotFound => StatusCode::NOT_FOUND,
            RelayError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            RelayError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            RelayError::QuotaExceeded {
                storage_full: true, ..
            } => StatusCode::INSUFFICIENT_STORAGE,
            RelayError::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            RelayError::Unavailable(_) | RelayError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A detail safe to show anyone: fixed text only, never ids, tokens or payload bytes.
    fn detail(&self) -> Option<String> {
        match self {
            RelayError::BadRequest(what) => Some((*what).to_owned()),
            RelayError::TooLarge { limit } => Some(format!("limit is {limit} bytes")),
            RelayError::QuotaExceeded { what, .. } => Some((*what).to_owned()),
            RelayError::Unavailable(what) => Some((*what).to_owned()),
            RelayError::NotFound | RelayError::RateLimited { .. } | RelayError::Store(_) => None,
        }
    }
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        if let RelayError::Store(err) = &self {
            tracing::error!(error = %err, "store failure");
        }
        let mut body = serde_json::json!({ "error": self.code().as_str() });
        if let Some(detail) = self.detail() {
            body["detail"] = serde_json::Value::String(detail);
        }
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let RelayError::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        // Read by the metrics middleware, so rejections are counted by reason in one place.
        response.extensions_mut().insert(self.code());
        response
    }
}

/// Why the relay could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("cannot listen: {0}")]
    Listen(#[source] std::io::Error),
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
}
