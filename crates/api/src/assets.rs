//! The NHS.UK frontend's built stylesheet, script and images (npm `nhsuk-frontend`, the version
//! pinned in `web/package.json`; licence in `assets/nhsuk-frontend/LICENSE`), compiled into the
//! binary and served at `/assets/…`, so that the pages look as NHS staff expect with no network
//! and no Node.js. `web/refresh-assets.sh` refreshes the copies; a file added there is served
//! once it is listed here.
//!
//! Must never: serve a file from the disk at run time, or anything not listed here.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// One file served under `/assets/`.
#[derive(Debug)]
pub struct Asset {
    /// The path under `/assets/`.
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! assets {
    ($($path:literal => $content_type:literal),* $(,)?) => {
        &[$(Asset {
            path: $path,
            content_type: $content_type,
            bytes: include_bytes!(concat!("../assets/nhsuk-frontend/", $path)),
        }),*]
    };
}

/// Every file served under `/assets/`. The stylesheet refers to its images as
/// `/assets/images/…`, so they are served at those paths.
pub static ASSETS: &[Asset] = assets![
    "nhsuk-frontend.min.css" => "text/css; charset=utf-8",
    "nhsuk-frontend.min.js" => "text/javascript; charset=utf-8",
    "LICENSE" => "text/plain; charset=utf-8",
    "VERSION" => "text/plain; charset=utf-8",
    "images/favicon.ico" => "image/x-icon",
    "images/favicon.svg" => "image/svg+xml",
    "images/nhsuk-icon-180.png" => "image/png",
    "images/nhsuk-icon-192.png" => "image/png",
    "images/nhsuk-icon-512.png" => "image/png",
    "images/nhsuk-icon-arrow-down-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-down.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-left-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-left.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-right-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-right.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-up-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-up-down.svg" => "image/svg+xml",
    "images/nhsuk-icon-arrow-up.svg" => "image/svg+xml",
    "images/nhsuk-icon-chevron-down-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-chevron-left-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-chevron-right-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-chevron-up-circle.svg" => "image/svg+xml",
    "images/nhsuk-icon-cross.svg" => "image/svg+xml",
    "images/nhsuk-icon-mask.svg" => "image/svg+xml",
    "images/nhsuk-icon-minus.svg" => "image/svg+xml",
    "images/nhsuk-icon-plus.svg" => "image/svg+xml",
    "images/nhsuk-icon-search.svg" => "image/svg+xml",
    "images/nhsuk-icon-tick.svg" => "image/svg+xml",
    "images/nhsuk-icon-user.svg" => "image/svg+xml",
    "images/nhsuk-opengraph-image.png" => "image/png",
];

/// The service's own stylesheet (`assets/redeploy.css`): the few rules the NHS.UK frontend has
/// no component for, and print.
pub static OWN_ASSETS: &[Asset] = &[Asset {
    path: "redeploy.css",
    content_type: "text/css; charset=utf-8",
    bytes: include_bytes!("../assets/redeploy.css"),
}];

/// The stylesheet's path, for pages to link to.
pub const STYLESHEET: &str = "/assets/nhsuk-frontend.min.css";

/// Serves the file at `/assets/{path}`, or the not-found answer. Files change only with a new
/// binary, so browsers may keep them for a day.
pub async fn get_asset(Path(path): Path<String>) -> Response {
    match ASSETS
        .iter()
        .chain(OWN_ASSETS)
        .find(|asset| asset.path == path)
    {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => AppError::NoSuchPage("file").into_response(),
    }
}
