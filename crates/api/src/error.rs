//! The one error type every handler returns, rendered as `application/problem+json` (RFC 9457).
//!
//! Client errors say exactly what to fix, field by field where there are fields. Server errors
//! say only that something went wrong and log the cause with its chain: a 5xx body never shows
//! internals. The store decides what kind of problem it is; this module only chooses the status.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::Error;

pub use store::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request itself is malformed (not JSON, wrong shape, a path that is not a number).
    #[error("{0}")]
    BadRequest(String),
    /// 404: no route has this path.
    #[error("{0} not found")]
    NoSuchPage(&'static str),
    /// 413: the request body is larger than the service accepts.
    #[error("{0}")]
    TooLarge(String),
    /// What an operation answered instead of its result.
    #[error(transparent)]
    Store(#[from] store::Error),
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
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NoSuchPage(_) => StatusCode::NOT_FOUND,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Store(error) => match error {
                Error::Invalid(_) | Error::UnreadableFile(_) => StatusCode::UNPROCESSABLE_ENTITY,
                Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
                Error::Forbidden(_) => StatusCode::FORBIDDEN,
                Error::NotFound(_) => StatusCode::NOT_FOUND,
                Error::Conflict(_) => StatusCode::CONFLICT,
                Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                Error::UnreadableRow { .. } | Error::Internal(_) => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            },
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "The request could not be read",
            AppError::NoSuchPage(_) => "Not found",
            AppError::TooLarge(_) => "The upload is too large",
            AppError::Store(error) => match error {
                Error::Invalid(_) => "Some details need correcting",
                Error::UnreadableFile(_) => "The file could not be read",
                Error::Unauthenticated(_) => "Sign in to continue",
                Error::Forbidden(_) => "You cannot do this",
                Error::NotFound(_) => "Not found",
                Error::Conflict(_) => "This conflicts with what is already recorded",
                Error::TooManyAttempts { .. } => "Too many attempts",
                Error::UnreadableRow { .. } | Error::Internal(_) => {
                    "Something went wrong on our side"
                }
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            AppError::Store(cause @ (Error::Internal(_) | Error::UnreadableRow { .. })) => {
                // Logged inside the request's span, so the line names the request it failed.
                tracing::error!(error = ?cause, "request failed");
                "The service could not complete this request. Nothing you entered was lost; please try again.".to_owned()
            }
            AppError::Store(Error::Invalid(errors)) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        let errors = match &self {
            AppError::Store(Error::Invalid(errors)) => Some(errors.clone()),
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
        if let AppError::Store(Error::TooManyAttempts {
            retry_after_seconds,
            ..
        }) = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The error responses operations document, each declared once here and named in an
/// operation's `responses(…)`: every one is `application/problem+json` with a [`Problem`] body.
pub mod documented {
    use std::collections::BTreeMap;

    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, response::Response};

    fn problem(description: &str) -> RefOr<Response> {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
            .into()
    }

    macro_rules! documented_error {
        ($($(#[$doc:meta])* $name:ident => $status:literal, $description:literal;)*) => {$(
            $(#[$doc])*
            #[derive(Debug)]
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    BTreeMap::from([($status.to_owned(), problem($description))])
                }
            }
        )*};
    }

    documented_error! {
        /// The body, query string or path could not be read.
        BadRequest => "400", "The request could not be read: the detail says which part and why";
        /// No valid session cookie or bearer token.
        NotSignedIn => "401", "Not signed in, or the token has expired or was signed out";
        /// The role may never do this.
        Forbidden => "403", "This role may not do this; the detail says who may";
        /// No such record, or outside the caller's reach.
        NotFound => "404", "Not found, or outside your reach";
        /// Conflicts with what is recorded.
        Conflict => "409", "Conflicts with what is recorded; the detail says what to do instead";
        /// Fields that need correcting, each named.
        Invalid => "422", "Some fields need correcting: `errors` names each with what to fix";
        /// Too large a body.
        TooLarge => "413", "The file is too large";
        /// Too many attempts.
        TooManyAttempts => "429", "Too many attempts: the Retry-After header says when to try again";
        /// Not ready yet.
        NotReady => "503", "Not ready yet";
    }
}
