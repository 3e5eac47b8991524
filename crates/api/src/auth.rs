//! Who is asking: the [`Actor`] extractor. A request proves who it is with a bearer token
//! (`Authorization: Bearer …`, for API clients and trust integrations) or the session cookie
//! (for pages); the store looks either up. What an actor may see is decided in
//! `store::authz`, never here.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::error::AppError;
use crate::state::AppState;

/// The cookie that carries a browser's session token.
pub const SESSION_COOKIE: &str = "redeploy_session";

/// The signed-in person a request comes from.
#[derive(Debug, Clone)]
pub struct Actor(pub store::Actor);

impl std::ops::Deref for Actor {
    type Target = store::Actor;

    fn deref(&self) -> &store::Actor {
        &self.0
    }
}

/// The address a request came from, when the server knows it.
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
}

/// The token a request presents: the bearer token, else the session cookie.
pub fn presented_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))?;
        return Some(token.trim().to_owned());
    }
    cookie(&parts.headers, SESSION_COOKIE)
}

/// The value of the cookie `wanted` the request carries, if any.
pub fn cookie(headers: &axum::http::HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Actor, AppError> {
        let token = presented_token(parts).ok_or_else(|| {
            store::Error::Unauthenticated(store::sessions::NOT_SIGNED_IN.to_owned())
        })?;
        Ok(Actor(
            state
                .store
                .actor_for_token(&token, client_ip(parts))
                .await?,
        ))
    }
}
