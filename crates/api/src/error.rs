//! The one error type every handler returns, rendered as `application/problem+json` (RFC 9457).
//!
//! Client errors say exactly what to fix, field by field where there are fields. Server errors
//! say only that something went wrong and log the cause with its chain: a 5xx body never shows
//! internals. Database constraint violations are client errors (409), never 500.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;

/// One field's problem: which field and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 422: the request was understood but fields are wrong; nothing was written.
    #[error("some fields need correcting")]
    Invalid(Vec<FieldError>),
    /// 400: the request itself is malformed (not JSON, wrong shape).
    #[error("{0}")]
    BadRequest(String),
    /// 401: not signed in, or the credentials are wrong.
    #[error("{0}")]
    Unauthenticated(String),
    /// 403: signed in, but the role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: there is no such thing, or the caller may not know it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 413: the request body is larger than the service accepts.
    #[error("{0}")]
    TooLarge(String),
    /// 422: an uploaded file cannot be read at all (not UTF-8, not a workbook, no header).
    #[error("{0}")]
    UnreadableFile(String),
    /// 429: too many attempts; the caller may try again after this many seconds.
    #[error("{detail}")]
    TooManyAttempts {
        detail: String,
        retry_after_seconds: u64,
    },
    /// 500: our fault. The cause is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DbErr> for AppError {
    fn from(error: DbErr) -> AppError {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::Conflict("a record with these details already exists".to_owned())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => AppError::Conflict(
                "this refers to a record that does not exist or is still in use".to_owned(),
            ),
            _ => AppError::Internal(anyhow::Error::new(error)),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> AppError {
        AppError::BadRequest(format!(
            "the request body could not be read as JSON: {}",
            rejection.body_text()
        ))
    }
}

/// The body of every error (RFC 9457 problem details), with field errors where fields are wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and title say what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong and what to do about it, in words.
    pub detail: String,
    /// Each field that needs correcting (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnreadableFile(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "Some details need correcting",
            AppError::BadRequest(_) => "The request could not be read",
            AppError::Unauthenticated(_) => "Sign in to continue",
            AppError::Forbidden(_) => "You cannot do this",
            AppError::NotFound(_) => "Not found",
            AppError::Conflict(_) => "This conflicts with what is already recorded",
            AppError::TooLarge(_) => "The upload is too large",
            AppError::UnreadableFile(_) => "The file could not be read",
            AppError::TooManyAttempts { .. } => "Too many attempts",
            AppError::Internal(_) => "Something went wrong on our side",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "request failed");
                "The service could not complete this request. Nothing you entered was lost; please try again.".to_owned()
            }
            AppError::Invalid(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        let errors = match &self {
            AppError::Invalid(errors) => Some(errors.clone()),
            _ => None,
        };
        let body = Problem {
            kind: "about:blank".to_owned(),
            title: self.title().to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        };
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let AppError::TooManyAttempts {
            retry_after_seconds,
            ..
        } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
