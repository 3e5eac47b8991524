//! HTTP: the state handlers share, the router, the signed-in [`auth::Actor`], errors as
//! `application/problem+json`, and handlers that read a request, call one operation of the
//! store and shape its answer. Only this crate knows axum; it never touches the database
//! except through `store`'s operations, and never decides access itself (`store::authz` does).

pub mod app;
pub mod assets;
pub mod auth;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod pages;
pub mod router;
pub mod routes;
pub mod state;

pub use app::{App, IndexLoaded, Started, Startup};
pub use router::{api_routes, openapi_document, router};
pub use state::AppState;
