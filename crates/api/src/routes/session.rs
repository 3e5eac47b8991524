//! `POST /api/v1/session` signs in, `GET` says who is signed in, `DELETE` signs out.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::{self, Actor, SESSION_COOKIE};
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Forbidden, NotSignedIn, TooManyAttempts};
use crate::extract::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in person, as DESIGN §3 fixes it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionUser {
    pub id: i32,
    pub email: String,
    pub role: String,
    /// ODS code of the person's trust (trust HR and staff), else null.
    pub trust: Option<String>,
}

impl From<&store::Actor> for SessionUser {
    fn from(actor: &store::Actor) -> SessionUser {
        SessionUser {
            id: actor.user_id,
            email: actor.email.clone(),
            role: actor.role.code().to_owned(),
            trust: actor.trust.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignInResponse {
    pub token: String,
    pub user: SessionUser,
}

/// The client's address and the token it presented, read before the body.
pub struct RequestOrigin {
    pub ip: Option<String>,
    token: Option<String>,
}

impl std::fmt::Debug for RequestOrigin {
    /// Never prints the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOrigin")
            .field("ip", &self.ip)
            .field("token", &self.token.as_ref().map(|_| "…"))
            .finish()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestOrigin {
            ip: auth::client_ip(parts),
            token: auth::presented_token(parts),
        })
    }
}

fn session_cookie(state: &AppState, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if state.store.settings().auth.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInRequest,
    responses((status = 201, description = "Signed in; the token also comes as the session cookie", body = SignInResponse),
        BadRequest, NotSignedIn, Forbidden, TooManyAttempts))]
/// Signs in with an email address and password.
pub async fn create_session(
    State(state): State<AppState>,
    origin: RequestOrigin,
    ApiJson(request): ApiJson<SignInRequest>,
) -> AppResult<Response> {
    let signed_in = state
        .store
        .sign_in(&request.email, &request.password, origin.ip)
        .await?;
    Ok(signed_in_response(&state, signed_in))
}

/// `201` with the new session's token and who it belongs to, and the session cookie.
pub fn signed_in_response(state: &AppState, signed_in: store::sessions::SignedIn) -> Response {
    let max_age = (signed_in.expires_at - chrono::Utc::now())
        .num_seconds()
        .max(0);
    let cookie = session_cookie(state, &signed_in.token, max_age);
    let body = SignInResponse {
        user: SessionUser::from(&signed_in.actor),
        token: signed_in.token,
    };
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
#[utoipa::path(get, path = "/api/v1/session", tag = "session", security(("bearer" = [])),
    responses((status = 200, description = "Who is signed in", body = SessionUser), NotSignedIn))]
/// Who is signed in.
pub async fn get_session(actor: Actor) -> axum::Json<SessionUser> {
    axum::Json(SessionUser::from(&actor.0))
}
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), NotSignedIn))]
/// Signs out: the session's token stops working at once.
pub async fn delete_session(
    State(state): State<AppState>,
    origin: RequestOrigin,
    actor: Actor,
) -> AppResult<Response> {
    state.store.sign_out(origin.token, &actor).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}
