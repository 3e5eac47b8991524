//! Random bearer tokens and their stored form.
//!
//! A token is 32 random bytes from the operating system, written as hex behind a prefix that
//! says what it is (`rds_` a browser or API session, `rdt_` a trust integration's API token,
//! `rdi_` an invitation). Only its SHA-256 is stored: tokens are long and random, so a fast
//! hash is enough, and a database leak gives no one a usable token.

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// What a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    ApiToken,
    Invitation,
    /// A page's guard against forms posted from other sites: the same random value in a
    /// cookie and in each form's hidden field. Never stored.
    FormGuard,
    /// The link in a digest that stops it without signing in. Opens no session.
    Unsubscribe,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Session => "rds_",
            TokenKind::ApiToken => "rdt_",
            TokenKind::Invitation => "rdi_",
            TokenKind::FormGuard => "rdf_",
            TokenKind::Unsubscribe => "rdu_",
        }
    }

    /// Whether `value` looks like a form guard this service made.
    pub fn of_form_guard(value: &str) -> bool {
        value.starts_with(TokenKind::FormGuard.prefix()) && value.len() == 4 + 64
    }

    /// The kind a presented token claims to be, by its prefix (never a form guard, which
    /// opens nothing).
    pub fn of(token: &str) -> Option<TokenKind> {
        [
            TokenKind::Session,
            TokenKind::ApiToken,
            TokenKind::Invitation,
        ]
        .into_iter()
        .find(|kind| token.starts_with(kind.prefix()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token of `kind`.
pub fn new_token(kind: TokenKind) -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no randomness: {e}"))?;
    Ok(format!("{}{}", kind.prefix(), hex(&bytes)))
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_say_what_they_are() {
        let a = new_token(TokenKind::Session).unwrap();
        let b = new_token(TokenKind::Session).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(TokenKind::of(&a), Some(TokenKind::Session));
        assert_eq!(
            TokenKind::of(&new_token(TokenKind::ApiToken).unwrap()),
            Some(TokenKind::ApiToken)
        );
        assert_eq!(TokenKind::of("Bearer nonsense"), None);
        let stored = token_hash(&a);
        assert_eq!(stored.len(), 64);
        assert!(!stored.contains(&a[4..]));
        assert_eq!(stored, token_hash(&a));
    }
}
