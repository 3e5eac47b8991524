//! Response shapes more than one resource uses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use domain::{NormalisedSkill, SkillMatchKind};
use store::SharedPage;

use crate::error::AppResult;

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

impl From<&NormalisedSkill> for SkillResponse {
    fn from(skill: &NormalisedSkill) -> SkillResponse {
        SkillResponse {
            entered: skill.entered.clone(),
            skill: skill.skill.clone(),
            match_kind: match skill.kind {
                SkillMatchKind::Exact => "exact",
                SkillMatchKind::Similar => "similar",
                SkillMatchKind::Custom => "custom",
            }
            .to_owned(),
            confidence: skill.confidence,
        }
    }
}

/// `201 Created` with the new record and where it lives.
pub fn created<T: Serialize>(location: String, body: T) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `200 OK` with a page that may be shared between requests, as the JSON it keeps written.
pub fn shared_page<T: Serialize>(page: &SharedPage<T>) -> AppResult<Response> {
    let json = page
        .json()
        .map_err(|error| store::Error::Internal(anyhow::Error::new(error)))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json.to_vec(),
    )
        .into_response())
}
