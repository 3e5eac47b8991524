//! What an operation can answer instead of its result. Each variant says what happened in the
//! terms of the service (wrong fields, not found, a conflict with what is recorded), never in
//! HTTP terms: the interfaces (`api`, the CLI) choose how to show it.
//!
//! Client mistakes say exactly what to fix, field by field where there are fields. A database
//! constraint a request runs into is a conflict, never an internal error. A stored row that
//! cannot be read as a domain value is an internal error that names the table and the row.

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
pub enum Error {
    /// Fields are wrong; nothing was written.
    #[error("some fields need correcting")]
    Invalid(Vec<FieldError>),
    /// Not signed in, or the credentials are wrong.
    #[error("{0}")]
    Unauthenticated(String),
    /// The person's role may never do this.
    #[error("{0}")]
    Forbidden(String),
    /// There is no such thing, or the person may not know it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with what is recorded.
    #[error("{0}")]
    Conflict(String),
    /// An uploaded file cannot be read at all (not UTF-8, not a workbook, no header).
    #[error("{0}")]
    UnreadableFile(String),
    /// Too many attempts; the caller may try again after this many seconds.
    #[error("{detail}")]
    TooManyAttempts {
        detail: String,
        retry_after_seconds: u64,
    },
    /// A stored row does not hold a value the domain accepts: the database was changed by
    /// something other than this service, or a migration is missing. Never defaulted.
    #[error("the stored {table} row {id} cannot be read: {problem}")]
    UnreadableRow {
        table: &'static str,
        id: i64,
        problem: String,
    },
    /// The service's fault. The cause is kept for the log, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DbErr> for Error {
    fn from(error: DbErr) -> Error {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Error::Conflict("a record with these details already exists".to_owned())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Error::Conflict(
                "this refers to a record that does not exist or is still in use".to_owned(),
            ),
            _ => Error::Internal(anyhow::Error::new(error)),
        }
    }
}

impl Error {
    /// A stored row of `table` with id `id` that does not parse.
    pub fn unreadable_row(
        table: &'static str,
        id: impl Into<i64>,
        problem: impl ToString,
    ) -> Error {
        Error::UnreadableRow {
            table,
            id: id.into(),
            problem: problem.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
