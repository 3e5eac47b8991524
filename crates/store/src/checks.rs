//! Field checks every kind of entered record shares: required text, dates as people write them,
//! free-text skills normalised against the vocabulary. Each check records its problem and
//! carries on, so that one answer lists everything that needs correcting.

use chrono::NaiveDate;
use domain::people::required_text;
use domain::{NormalisedSkill, SkillVocabulary};

use crate::error::FieldError;

/// The most skills one record may list.
pub const MAX_SKILLS: usize = 50;

/// Collects field errors while reading a draft.
#[derive(Debug, Default)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn required<'a>(&mut self, field: &str, value: &'a Option<String>) -> Option<&'a str> {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => Some(v),
            None => {
                self.fail(field, format!("{} is required", field.replace('_', " ")));
                None
            }
        }
    }

    pub fn text(&mut self, field: &str, value: &Option<String>, max: usize) -> Option<String> {
        let given = self.required(field, value)?;
        required_text(&field.replace('_', " "), given, max)
            .map_err(|e| self.fail(field, e.to_string()))
            .ok()
    }

    pub fn date(
        &mut self,
        field: &str,
        value: &Option<String>,
        required: bool,
    ) -> Option<NaiveDate> {
        let text = match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            Some(text) => text,
            None => {
                if required {
                    self.fail(
                        field,
                        format!(
                            "{} is required: give a date like 2027-03-31",
                            field.replace('_', " ")
                        ),
                    );
                }
                return None;
            }
        };
        parse_date(text).or_else(|| {
            self.fail(field, format!("\"{text}\" is not a date: write it as YYYY-MM-DD (2027-03-31) or DD/MM/YYYY (31/03/2027)"));
            None
        })
    }
}

/// Reads ISO dates (2027-03-31) and the UK form spreadsheets use (31/03/2027).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

/// Normalises every free-text skill, naming the first bad one.
pub fn normalise_skills(
    field: &str,
    texts: &[String],
    vocabulary: &SkillVocabulary,
    threshold: f64,
) -> Result<Vec<NormalisedSkill>, FieldError> {
    if texts.len() > MAX_SKILLS {
        return Err(FieldError::new(
            field,
            format!("give at most {MAX_SKILLS} skills"),
        ));
    }
    let mut skills: Vec<NormalisedSkill> = Vec::with_capacity(texts.len());
    for text in texts {
        let skill = vocabulary
            .normalise(text, threshold)
            .map_err(|e| FieldError::new(field, e.to_string()))?;
        // The same skill typed twice counts once.
        if !skills.iter().any(|s| s.key() == skill.key()) {
            skills.push(skill);
        }
    }
    Ok(skills)
}
