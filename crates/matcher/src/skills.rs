//! Skills as small integers and sets of them as bitsets, so that "how many of the essential
//! skills does this person hold" is a few AND-and-popcount instructions, never a string compare.
//! Skill text is normalised once when data enters (in `domain`); here only keys are interned.

use std::collections::HashMap;

/// An interned skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SkillId(pub u32);

/// Gives each distinct skill key a small integer, and remembers its name for explanations.
#[derive(Debug, Clone, Default)]
pub struct SkillInterner {
    ids: HashMap<String, SkillId>,
    names: Vec<String>,
}

impl SkillInterner {
    /// The id of `key` (a normalised skill's key), assigning one if it is new; `name` is what
    /// explanations show.
    pub fn intern(&mut self, key: &str, name: &str) -> SkillId {
        if let Some(id) = self.ids.get(key) {
            return *id;
        }
        let id = SkillId(self.names.len() as u32);
        self.ids.insert(key.to_owned(), id);
        self.names.push(name.to_owned());
        id
    }

    pub fn name(&self, id: SkillId) -> &str {
        self.names.get(id.0 as usize).map_or("", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A set of skills as a bitset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SkillSet {
    words: Vec<u64>,
}

impl SkillSet {
    pub fn new(ids: impl IntoIterator<Item = SkillId>) -> SkillSet {
        let mut set = SkillSet::default();
        for id in ids {
            set.insert(id);
        }
        set
    }

    pub fn insert(&mut self, id: SkillId) {
        let (word, bit) = ((id.0 / 64) as usize, id.0 % 64);
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << bit;
    }

    pub fn contains(&self, id: SkillId) -> bool {
        let (word, bit) = ((id.0 / 64) as usize, id.0 % 64);
        self.words.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }

    pub fn len(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many of `self`'s skills are also in `other`.
    pub fn overlap(&self, other: &SkillSet) -> u32 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones())
            .sum()
    }

    /// The skills, lowest id first.
    pub fn iter(&self) -> impl Iterator<Item = SkillId> + '_ {
        self.words.iter().enumerate().flat_map(|(w, word)| {
            (0..64)
                .filter(move |bit| word & (1 << bit) != 0)
                .map(move |bit| SkillId(w as u32 * 64 + bit))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_count_their_overlap_across_words() {
        let a = SkillSet::new([SkillId(1), SkillId(70), SkillId(130)]);
        let b = SkillSet::new([SkillId(70), SkillId(130), SkillId(5)]);
        assert_eq!(a.overlap(&b), 2);
        assert_eq!(b.overlap(&a), 2);
        assert_eq!(a.len(), 3);
        assert!(a.contains(SkillId(130)) && !a.contains(SkillId(5)));
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![SkillId(1), SkillId(70), SkillId(130)]
        );
        assert_eq!(SkillSet::default().overlap(&a), 0);
    }

    #[test]
    fn the_interner_gives_one_id_per_key() {
        let mut interner = SkillInterner::default();
        let a = interner.intern("phlebotomy", "Phlebotomy");
        let b = interner.intern("wound care", "Wound care");
        assert_eq!(interner.intern("phlebotomy", "Phlebotomy"), a);
        assert_ne!(a, b);
        assert_eq!(interner.name(b), "Wound care");
    }
}
