//! Field checks every kind of entered record shares: required text, dates as people write them,
//! free-text skills normalised against the vocabulary. Each check records its problem and
//! carries on, so that one answer lists everything that needs correcting.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use domain::people::required_text;
use domain::skills::SkillTextError;
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

/// The free-text skills placed so far in one piece of work, so that an upload places each
/// distinct text once however many rows repeat it.
#[derive(Debug, Default)]
pub struct PlacedSkills(Mutex<HashMap<String, Result<NormalisedSkill, SkillTextError>>>);

impl PlacedSkills {
    /// `text` placed in `vocabulary`, from memory when it was placed before.
    pub fn place(
        &self,
        vocabulary: &SkillVocabulary,
        threshold: f64,
        text: &str,
    ) -> Result<NormalisedSkill, SkillTextError> {
        let mut placed = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = placed.get(text) {
            return found.clone();
        }
        let found = vocabulary.normalise(text, threshold);
        placed.insert(text.to_owned(), found.clone());
        found
    }
}

/// Normalises every free-text skill, naming the first bad one.
pub fn normalise_skills(
    field: &str,
    texts: &[String],
    vocabulary: &SkillVocabulary,
    threshold: f64,
    placed: &PlacedSkills,
) -> Result<Vec<NormalisedSkill>, FieldError> {
    if texts.len() > MAX_SKILLS {
        return Err(FieldError::new(
            field,
            format!("give at most {MAX_SKILLS} skills"),
        ));
    }
    let mut skills: Vec<NormalisedSkill> = Vec::with_capacity(texts.len());
    for text in texts {
        let skill = placed
            .place(vocabulary, threshold, text)
            .map_err(|e| FieldError::new(field, e.to_string()))?;
        // The same skill typed twice counts once.
        if !skills.iter().any(|s| s.key() == skill.key()) {
            skills.push(skill);
        }
    }
    Ok(skills)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_repeated_across_rows_is_placed_once_and_the_same_each_time() {
        let vocabulary = domain::ReferenceData::london().unwrap().vocabulary;
        let placed = PlacedSkills::default();
        let rows = vec!["Customer service".to_owned(), "Taking bloods".to_owned()];
        let first = normalise_skills("skills", &rows, &vocabulary, 0.92, &placed).unwrap();
        for _ in 0..100 {
            let again = normalise_skills("skills", &rows, &vocabulary, 0.92, &placed).unwrap();
            assert_eq!(again, first);
        }
        assert_eq!(first[1].skill, "Phlebotomy");
        assert_eq!(
            placed.0.lock().unwrap().len(),
            2,
            "each distinct text placed once"
        );
        assert_eq!(
            first,
            rows.iter()
                .map(|t| vocabulary.normalise(t, 0.92).unwrap())
                .collect::<Vec<_>>(),
            "remembering changes nothing"
        );
    }
}
