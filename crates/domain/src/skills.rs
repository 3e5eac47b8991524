//! The skills vocabulary and the normalisation of free-text skills.
//!
//! People type skills as they like ("venepuncture", "Taking bloods", "phlebotomy"). When data
//! enters the service, each is mapped once to a canonical skill: first by exact lookup of the
//! folded text among canonical names and synonyms, then by Jaro–Winkler similarity at or above
//! a threshold. What matched, and how sure the match is, goes back to the person who typed it.
//! Text that matches nothing is kept as a custom skill that only ever matches itself exactly.
//! Ranking compares the results, never the text: similarity must never run inside ranking.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::code_enum::{code_enum, fold};

code_enum! {
    /// The families the vocabulary groups skills into.
    pub enum SkillCategory {
        Clinical => ("clinical", "Clinical"),
        Administrative => ("administrative", "Administrative"),
        Estates => ("estates", "Estates"),
        Digital => ("digital", "Digital"),
        Management => ("management", "Management"),
        KsfCore => ("ksf_core", "NHS KSF core dimension"),
        Custom => ("custom", "Custom"),
    }
}

/// One canonical skill and the other ways people write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalSkill {
    pub name: String,
    pub category: SkillCategory,
    pub synonyms: Vec<String>,
}

/// How a free-text skill was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillMatchKind {
    /// The text is a canonical name or a synonym.
    Exact,
    /// The text is close enough to a canonical name or synonym.
    Similar,
    /// Nothing in the vocabulary matched; the text is kept as it was typed.
    Custom,
}

/// A free-text skill after normalisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormalisedSkill {
    /// What the person typed, trimmed.
    pub entered: String,
    /// The canonical skill's name, or for a custom skill the entered text with its spacing tidied.
    pub skill: String,
    pub kind: SkillMatchKind,
    /// 1.0 for an exact match, the similarity for a similar one, 0.0 for a custom skill.
    pub confidence: f64,
}

impl NormalisedSkill {
    /// The key two skills are compared by: canonical skills by name, custom ones by folded text.
    pub fn key(&self) -> String {
        fold(&self.skill)
    }
}

/// A skill was empty or too long to be a skill.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkillTextError {
    #[error("a skill cannot be empty")]
    Empty,
    #[error("\"{0}…\" is too long for a skill: keep each skill under 100 characters")]
    TooLong(String),
}

/// The vocabulary could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabularyError {
    #[error("the skill \"{0}\" is listed twice")]
    DuplicateSkill(String),
    #[error("\"{term}\" names both \"{first}\" and \"{second}\"")]
    AmbiguousTerm {
        term: String,
        first: String,
        second: String,
    },
}

/// The canonical skills with an index from every folded name and synonym.
#[derive(Debug, Clone)]
pub struct SkillVocabulary {
    skills: Vec<CanonicalSkill>,
    /// Folded name or synonym → index into `skills`.
    terms: HashMap<String, usize>,
    /// The same terms as a list with their length in characters, for the similarity search.
    term_list: Vec<(String, usize, usize)>,
}

pub const MAX_SKILL_LENGTH: usize = 100;

impl SkillVocabulary {
    /// Builds the vocabulary, refusing a skill listed twice or a term that names two skills.
    pub fn new(skills: Vec<CanonicalSkill>) -> Result<SkillVocabulary, VocabularyError> {
        let mut terms: HashMap<String, usize> = HashMap::new();
        let mut term_list = Vec::new();
        for (index, skill) in skills.iter().enumerate() {
            let name = fold(&skill.name);
            if let Some(&other) = terms.get(&name)
                && skills[other].name == skill.name
            {
                return Err(VocabularyError::DuplicateSkill(skill.name.clone()));
            }
            for term in std::iter::once(&skill.name).chain(&skill.synonyms) {
                let folded = fold(term);
                if folded.is_empty() {
                    continue;
                }
                match terms.get(&folded) {
                    Some(&other) if other != index => {
                        return Err(VocabularyError::AmbiguousTerm {
                            term: term.clone(),
                            first: skills[other].name.clone(),
                            second: skill.name.clone(),
                        });
                    }
                    Some(_) => {}
                    None => {
                        terms.insert(folded.clone(), index);
                        let length = folded.chars().count();
                        term_list.push((folded, index, length));
                    }
                }
            }
        }
        Ok(SkillVocabulary {
            skills,
            terms,
            term_list,
        })
    }

    pub fn skills(&self) -> &[CanonicalSkill] {
        &self.skills
    }

    /// The canonical skill with exactly this name, if any.
    pub fn get(&self, name: &str) -> Option<&CanonicalSkill> {
        self.terms
            .get(&fold(name))
            .map(|&i| &self.skills[i])
            .filter(|skill| skill.name == name)
    }

    /// The most similar term's similarity and skill, among terms that could reach `threshold`.
    ///
    /// Jaro–Winkler is at most `0.6 × jaro + 0.4`, and Jaro is at most `(2 + short/long) / 3`
    /// for strings of `short` and `long` characters; so a term whose length ratio to the text is
    /// below `3 × (threshold − 0.4) / 0.6 − 2` can never reach the threshold and is skipped
    /// without changing the result. Ties go to the earlier term, so the result never depends
    /// on hash order.
    fn most_similar(&self, folded: &str, threshold: f64) -> Option<(f64, usize)> {
        let length = folded.chars().count();
        let min_ratio = 3.0 * (threshold - 0.4) / 0.6 - 2.0;
        let mut best: Option<(f64, usize)> = None;
        for (term, index, term_length) in &self.term_list {
            let (short, long) = if *term_length < length {
                (*term_length, length)
            } else {
                (length, *term_length)
            };
            if (short as f64) < min_ratio * long as f64 - 1e-9 {
                continue;
            }
            let similarity = strsim::jaro_winkler(folded, term);
            if best.is_none_or(|(b, _)| similarity > b) {
                best = Some((similarity, *index));
            }
        }
        best
    }

    /// Maps free text to a canonical skill: exact term first, then the most similar term at
    /// or above `similarity_threshold` (Jaro–Winkler, 0–1), else a custom skill.
    pub fn normalise(
        &self,
        text: &str,
        similarity_threshold: f64,
    ) -> Result<NormalisedSkill, SkillTextError> {
        let entered = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if entered.is_empty() {
            return Err(SkillTextError::Empty);
        }
        if entered.chars().count() > MAX_SKILL_LENGTH {
            let start: String = entered.chars().take(30).collect();
            return Err(SkillTextError::TooLong(start));
        }
        let folded = fold(&entered);
        if folded.is_empty() {
            return Err(SkillTextError::Empty);
        }
        if let Some(&index) = self.terms.get(&folded) {
            return Ok(NormalisedSkill {
                skill: self.skills[index].name.clone(),
                entered,
                kind: SkillMatchKind::Exact,
                confidence: 1.0,
            });
        }
        let best = self.most_similar(&folded, similarity_threshold);
        match best {
            Some((similarity, index)) if similarity >= similarity_threshold => {
                Ok(NormalisedSkill {
                    skill: self.skills[index].name.clone(),
                    entered,
                    kind: SkillMatchKind::Similar,
                    confidence: (similarity * 1000.0).round() / 1000.0,
                })
            }
            _ => Ok(NormalisedSkill {
                skill: entered.clone(),
                entered,
                kind: SkillMatchKind::Custom,
                confidence: 0.0,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> SkillVocabulary {
        SkillVocabulary::new(vec![
            CanonicalSkill {
                name: "Phlebotomy".into(),
                category: SkillCategory::Clinical,
                synonyms: vec!["venepuncture".into(), "taking bloods".into()],
            },
            CanonicalSkill {
                name: "Infection prevention and control".into(),
                category: SkillCategory::Clinical,
                synonyms: vec!["IPC".into()],
            },
            CanonicalSkill {
                name: "Health, safety and security".into(),
                category: SkillCategory::KsfCore,
                synonyms: vec![],
            },
        ])
        .unwrap()
    }

    #[test]
    fn synonyms_and_canonical_names_match_exactly_whatever_the_case_and_spacing() {
        let v = vocabulary();
        let found = v.normalise("  Taking   Bloods ", 0.92).unwrap();
        assert_eq!(found.skill, "Phlebotomy");
        assert_eq!(found.kind, SkillMatchKind::Exact);
        assert_eq!(found.confidence, 1.0);
        assert_eq!(found.entered, "Taking Bloods");
        assert_eq!(
            v.normalise("ipc", 0.92).unwrap().skill,
            "Infection prevention and control"
        );
        assert_eq!(
            v.normalise("health safety and security", 0.92)
                .unwrap()
                .skill,
            "Health, safety and security"
        );
    }

    #[test]
    fn a_misspelling_matches_by_similarity_and_reports_its_confidence() {
        let found = vocabulary().normalise("Phlebotomey", 0.92).unwrap();
        assert_eq!(found.skill, "Phlebotomy");
        assert_eq!(found.kind, SkillMatchKind::Similar);
        assert!(
            found.confidence >= 0.92 && found.confidence < 1.0,
            "{}",
            found.confidence
        );
    }

    #[test]
    fn unknown_skills_are_kept_as_custom_skills() {
        let found = vocabulary().normalise("Beekeeping", 0.92).unwrap();
        assert_eq!(found.kind, SkillMatchKind::Custom);
        assert_eq!(found.skill, "Beekeeping");
        assert_eq!(found.confidence, 0.0);
        assert_eq!(found.key(), "beekeeping");
    }

    #[test]
    fn empty_or_overlong_skills_are_refused() {
        let v = vocabulary();
        assert_eq!(v.normalise("   ", 0.92), Err(SkillTextError::Empty));
        assert_eq!(v.normalise("--", 0.92), Err(SkillTextError::Empty));
        assert!(matches!(
            v.normalise(&"x".repeat(101), 0.92),
            Err(SkillTextError::TooLong(_))
        ));
    }

    #[test]
    fn skipping_terms_of_very_different_length_never_changes_the_result() {
        let shipped = crate::ReferenceData::london().unwrap().vocabulary;
        let mut texts: Vec<String> = Vec::new();
        for skill in shipped.skills() {
            texts.push(format!("{}e", skill.name));
            texts.push(skill.name.chars().skip(1).collect());
            texts.push(skill.name.chars().take(6).collect());
        }
        for text in &texts {
            let folded = fold(text);
            let brute = shipped
                .term_list
                .iter()
                .map(|(term, index, _)| (strsim::jaro_winkler(&folded, term), *index))
                .fold(None::<(f64, usize)>, |best, c| match best {
                    Some(b) if b.0 >= c.0 => Some(b),
                    _ => Some(c),
                })
                .filter(|(similarity, _)| *similarity >= 0.92);
            let pruned = shipped
                .most_similar(&folded, 0.92)
                .filter(|(similarity, _)| *similarity >= 0.92);
            assert_eq!(pruned, brute, "{text}");
        }
        let v = vocabulary();
        for text in [
            "phlebotomey",
            "ipcc",
            "venepunture",
            "taking blood",
            "health safety security",
            "x",
            "iv",
        ] {
            let folded = fold(text);
            let brute = v
                .term_list
                .iter()
                .map(|(term, index, _)| (strsim::jaro_winkler(&folded, term), *index))
                .filter(|(similarity, _)| *similarity >= 0.92)
                .fold(None::<(f64, usize)>, |best, c| match best {
                    Some(b) if b.0 >= c.0 => Some(b),
                    _ => Some(c),
                });
            let pruned = v
                .most_similar(&folded, 0.92)
                .filter(|(similarity, _)| *similarity >= 0.92);
            assert_eq!(pruned, brute, "{text}");
        }
    }

    #[test]
    fn a_term_that_names_two_skills_is_refused() {
        let err = SkillVocabulary::new(vec![
            CanonicalSkill {
                name: "Triage".into(),
                category: SkillCategory::Clinical,
                synonyms: vec!["assessment".into()],
            },
            CanonicalSkill {
                name: "Mental health assessment".into(),
                category: SkillCategory::Clinical,
                synonyms: vec!["Assessment".into()],
            },
        ])
        .unwrap_err();
        assert!(matches!(err, VocabularyError::AmbiguousTerm { .. }));
    }
}
