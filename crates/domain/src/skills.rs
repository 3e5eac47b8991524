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
    /// The same terms for the similarity search, each with its skill, its length in characters
    /// and its character counts.
    term_list: Vec<Term>,
}

/// A term as the similarity search reads it.
#[derive(Debug, Clone)]
struct Term {
    folded: String,
    skill: usize,
    length: usize,
    counts: CharCounts,
}

/// How many of each character a text holds, in 64 buckets (letters, digits and the few marks
/// folded text keeps have a bucket each; other characters share). Two texts can have at most
/// as many characters in common as the sum of their smaller counts, bucket by bucket; shared
/// buckets only raise that sum, so it stays an upper bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CharCounts([u8; 64]);

impl CharCounts {
    fn of(text: &str) -> CharCounts {
        let mut counts = [0u8; 64];
        for ch in text.chars() {
            let bucket = match ch {
                'a'..='z' => ch as usize - 'a' as usize,
                '0'..='9' => 26 + (ch as usize - '0' as usize),
                ' ' => 36,
                '&' => 37,
                '+' => 38,
                '#' => 39,
                other => 40 + (other as usize % 24),
            };
            counts[bucket] = counts[bucket].saturating_add(1);
        }
        CharCounts(counts)
    }

    /// At least as many as the characters the two texts have in common.
    fn common(&self, other: &CharCounts) -> usize {
        self.0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| usize::from(*a.min(b)))
            .sum()
    }
}

/// The highest Jaro–Winkler similarity two texts of `a` and `b` characters, with at most
/// `common` characters in common and a common prefix of `prefix` characters, could have.
///
/// Jaro is `(m/a + m/b + (m − t)/m) / 3` for `m` matching characters, and `m` is at most the
/// characters in common; Winkler adds `0.1 × prefix × (1 − jaro)` (prefix at most 4), which
/// grows with jaro. So this bound is never below the real similarity.
fn jaro_winkler_bound(a: usize, b: usize, common: usize, prefix: usize) -> f64 {
    if common == 0 || a == 0 || b == 0 {
        return 0.0;
    }
    let common = common as f64;
    let jaro = ((common / a as f64 + common / b as f64 + 1.0) / 3.0).min(1.0);
    jaro + 0.1 * prefix.min(4) as f64 * (1.0 - jaro)
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
                        term_list.push(Term {
                            length: folded.chars().count(),
                            counts: CharCounts::of(&folded),
                            folded,
                            skill: index,
                        });
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

    /// The skill `text` names exactly, by its name or a synonym (folded), if any.
    pub fn recognised(&self, text: &str) -> Option<&CanonicalSkill> {
        self.terms.get(&fold(text)).map(|&i| &self.skills[i])
    }

    /// The most similar term's similarity and skill, among terms that could reach `threshold`.
    ///
    /// Only terms that could beat both the threshold and the best so far are compared in
    /// full: a term whose length is too different (Jaro–Winkler is at most `0.6 × jaro + 0.4`,
    /// and Jaro at most `(2 + short/long) / 3`), or whose characters in common with the text
    /// bound its similarity below them ([`jaro_winkler_bound`]), is skipped. Neither changes
    /// the result, which equals comparing every term; ties go to the earlier term, so the
    /// result never depends on hash order.
    fn most_similar(&self, folded: &str, threshold: f64) -> Option<(f64, usize)> {
        // A bound is computed in floating point like the similarity itself; the margin keeps a
        // rounding difference from skipping a term that reaches the bar exactly.
        const MARGIN: f64 = 1e-9;
        let length = folded.chars().count();
        let counts = CharCounts::of(folded);
        let min_ratio = 3.0 * (threshold - 0.4) / 0.6 - 2.0;
        let mut best: Option<(f64, usize)> = None;
        for term in &self.term_list {
            let (short, long) = if term.length < length {
                (term.length, length)
            } else {
                (length, term.length)
            };
            if (short as f64) < min_ratio * long as f64 - MARGIN {
                continue;
            }
            let bar = best.map_or(threshold, |(b, _)| b.max(threshold));
            let prefix = folded
                .chars()
                .zip(term.folded.chars())
                .take(4)
                .take_while(|(a, b)| a == b)
                .count();
            let bound =
                jaro_winkler_bound(length, term.length, counts.common(&term.counts), prefix);
            if bound + MARGIN < bar {
                continue;
            }
            let similarity = strsim::jaro_winkler(folded, &term.folded);
            if best.is_none_or(|(b, _)| similarity > b) {
                best = Some((similarity, term.skill));
            }
        }
        best
    }

    /// The most similar term by comparing every one, for checking the search above.
    #[cfg(test)]
    fn most_similar_everywhere(&self, folded: &str) -> Option<(f64, usize)> {
        self.term_list
            .iter()
            .map(|term| (strsim::jaro_winkler(folded, &term.folded), term.skill))
            .fold(None, |best: Option<(f64, usize)>, c| match best {
                Some(b) if b.0 >= c.0 => Some(b),
                _ => Some(c),
            })
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
    fn a_text_is_recognised_by_name_or_synonym_but_got_only_by_its_exact_name() {
        let v = vocabulary();
        assert_eq!(v.recognised("Taking  Bloods").unwrap().name, "Phlebotomy");
        assert_eq!(v.recognised("phlebotomy").unwrap().name, "Phlebotomy");
        assert!(v.get("taking bloods").is_none());
        assert!(v.recognised("Beekeeping").is_none());
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
                .most_similar_everywhere(&folded)
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
                .most_similar_everywhere(&folded)
                .filter(|(similarity, _)| *similarity >= 0.92);
            let pruned = v
                .most_similar(&folded, 0.92)
                .filter(|(similarity, _)| *similarity >= 0.92);
            assert_eq!(pruned, brute, "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The pruned search places every text exactly as comparing it with every term does:
        /// misspellings of real terms (a letter dropped, doubled, changed or swapped) and
        /// random texts, at thresholds around the default.
        #[test]
        fn the_pruned_similarity_search_equals_comparing_every_term(
            term in 0usize..1200,
            edit in 0usize..5,
            at in 0usize..40,
            letter in proptest::char::range('a', 'z'),
            random in "[a-z &]{1,30}",
            threshold in proptest::sample::select(vec![0.85, 0.9, 0.92, 0.95]),
        ) {
            let shipped = shipped();
            let base = &shipped.term_list[term % shipped.term_list.len()].folded;
            let mut chars: Vec<char> = base.chars().collect();
            let i = at % chars.len().max(1);
            match edit {
                0 if chars.len() > 1 => { chars.remove(i); }
                1 => chars.insert(i, chars.get(i).copied().unwrap_or(letter)),
                2 if !chars.is_empty() => chars[i] = letter,
                3 if i + 1 < chars.len() => chars.swap(i, i + 1),
                _ => chars = random.chars().collect(),
            }
            let text = fold(&chars.into_iter().collect::<String>());
            proptest::prop_assume!(!text.is_empty());
            let pruned = shipped
                .most_similar(&text, threshold)
                .filter(|(similarity, _)| *similarity >= threshold);
            let everywhere = shipped
                .most_similar_everywhere(&text)
                .filter(|(similarity, _)| *similarity >= threshold);
            proptest::prop_assert_eq!(pruned, everywhere, "{}", text);
        }
    }

    /// The shipped vocabulary, read once for all the cases.
    fn shipped() -> &'static SkillVocabulary {
        static SHIPPED: std::sync::OnceLock<SkillVocabulary> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(|| crate::ReferenceData::london().unwrap().vocabulary)
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
