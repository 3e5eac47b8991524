//! Request extractors whose rejections are `AppError`s, so that a malformed body or query gets
//! the same problem+json answer as every other client error.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// `Json<T>` that answers a bad body with a 400 problem naming what could not be read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

/// `Query<T>` that answers a bad query string with a 400 problem.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                AppError::BadRequest(format!(
                    "the query string could not be read: {}",
                    rejection.body_text()
                ))
            })
    }
}

/// `Path<T>` that answers a path segment of the wrong kind (`/staff/abc`) with a 400 problem.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection| {
                AppError::BadRequest(format!(
                    "the address could not be read: {}",
                    rejection.body_text()
                ))
            })
    }
}

/// `?page=&per_page=` as every list takes it.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 2147483647, nullable = false)]
    pub page: Option<u64>,
    /// Rows a page, from 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, nullable = false)]
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn checked(self) -> Result<store::PageRequest, AppError> {
        Ok(store::PageRequest::new(self.page, self.per_page)?)
    }
}
