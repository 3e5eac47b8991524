//! Response shapes more than one resource uses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::entities::skill;
use crate::error::FieldError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SkillResponse {
    /// What was typed.
    pub entered: String,
    /// The canonical skill it was taken as (or the text itself, for a custom skill).
    pub skill: String,
    /// `exact`, `similar` or `custom`.
    #[serde(rename = "match")]
    pub match_kind: String,
    pub confidence: f64,
}

impl SkillResponse {
    pub fn new(
        entered: String,
        match_kind: String,
        confidence: f64,
        skill: skill::Model,
    ) -> SkillResponse {
        SkillResponse {
            entered,
            skill: skill.name,
            match_kind,
            confidence,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SiteRef {
    pub id: i32,
    pub name: String,
}

impl SiteRef {
    pub fn new(catalogue: &Catalogue, id: i32) -> SiteRef {
        SiteRef {
            id,
            name: catalogue
                .site(id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        }
    }
}

/// The ODS code of a stored trust.
pub fn trust_code(catalogue: &Catalogue, trust_id: i32) -> String {
    catalogue
        .trust(trust_id)
        .map(|t| t.ods_code.clone())
        .unwrap_or_default()
}

/// `201 Created` with the new record and where it lives.
pub fn created<T: Serialize>(location: String, body: T) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Reads a `?trust=` filter, recording a problem when no trust has that code.
pub fn trust_filter(
    catalogue: &Catalogue,
    code: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<i32> {
    let code = code.map(str::trim).filter(|c| !c.is_empty())?;
    let found = catalogue.trust_by_code(code).map(|t| t.id);
    if found.is_none() {
        errors.push(FieldError::new(
            "trust",
            format!("no London trust has the ODS code \"{code}\""),
        ));
    }
    found
}
