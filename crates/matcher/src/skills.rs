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

/// Words of a set kept inline: ids below 256 (the shipped vocabulary, interned first) need no
/// heap memory, so comparing two sets touches no memory beyond the profiles themselves.
const INLINE_WORDS: usize = 4;

/// A set of skills as a bitset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SkillSet {
    inline: [u64; INLINE_WORDS],
    /// Words for ids of 256 and above (custom skills), empty for most sets.
    more: Vec<u64>,
    /// How many skills the set holds, kept so that no one counts bits to find out.
    count: u32,
}

/// The number of bits set in a word that has few of them. Baseline x86-64 has no population
/// count instruction, and the sets compared here share only a handful of skills, so clearing
/// the lowest bit until none is left beats the general bit-counting sequence.
fn sparse_bit_count(mut word: u64) -> u32 {
    let mut count = 0;
    while word != 0 {
        word &= word - 1;
        count += 1;
    }
    count
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
        if self.contains(id) {
            return;
        }
        self.count += 1;
        let (word, bit) = ((id.0 / 64) as usize, id.0 % 64);
        if let Some(w) = self.inline.get_mut(word) {
            *w |= 1 << bit;
            return;
        }
        let word = word - INLINE_WORDS;
        if self.more.len() <= word {
            self.more.resize(word + 1, 0);
        }
        self.more[word] |= 1 << bit;
    }

    fn word(&self, index: usize) -> u64 {
        match self.inline.get(index) {
            Some(w) => *w,
            None => self.more.get(index - INLINE_WORDS).copied().unwrap_or(0),
        }
    }

    pub fn contains(&self, id: SkillId) -> bool {
        let (word, bit) = ((id.0 / 64) as usize, id.0 % 64);
        self.word(word) & (1 << bit) != 0
    }

    pub fn len(&self) -> u32 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many of `self`'s skills are also in `other`.
    #[inline]
    pub fn overlap(&self, other: &SkillSet) -> u32 {
        let inline: u32 = self
            .inline
            .iter()
            .zip(&other.inline)
            .map(|(a, b)| sparse_bit_count(a & b))
            .sum();
        if self.more.is_empty() || other.more.is_empty() {
            return inline;
        }
        inline
            + self
                .more
                .iter()
                .zip(&other.more)
                .map(|(a, b)| sparse_bit_count(a & b))
                .sum::<u32>()
    }

    /// The skills, lowest id first.
    pub fn iter(&self) -> impl Iterator<Item = SkillId> + '_ {
        self.inline
            .iter()
            .chain(&self.more)
            .enumerate()
            .flat_map(|(w, word)| {
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
        let a = SkillSet::new([SkillId(1), SkillId(70), SkillId(130), SkillId(300)]);
        let b = SkillSet::new([SkillId(70), SkillId(130), SkillId(5), SkillId(300)]);
        assert_eq!(a.overlap(&b), 3);
        assert_eq!(b.overlap(&a), 3);
        assert_eq!(a.len(), 4);
        assert!(a.contains(SkillId(130)) && !a.contains(SkillId(5)));
        assert!(a.contains(SkillId(300)) && !a.contains(SkillId(301)));
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![SkillId(1), SkillId(70), SkillId(130), SkillId(300)]
        );
        assert_eq!(
            SkillSet::new([SkillId(300)]).overlap(&SkillSet::new([SkillId(1)])),
            0
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
