//! Password hashing with argon2id. Passwords are hashed the moment they arrive and never stored
//! or logged in clear; only the PHC string (algorithm, parameters, salt, hash) is kept.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Hashing failed (only for reasons outside the caller's control, such as no randomness).
#[derive(Debug, thiserror::Error)]
#[error("could not hash the password: {0}")]
pub struct HashError(String);

/// Hashes a password with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Hashes a password off the async executor: argon2 takes tens of milliseconds of CPU on
/// purpose, which would otherwise stall every other request on the same thread.
pub async fn hash_password_off_thread(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    Ok(tokio::task::spawn_blocking(move || hash_password(&password)).await??)
}

/// Whether `password` matches `stored`, worked out off the async executor (see above).
pub async fn verify_password_off_thread(password: &str, stored: &str) -> anyhow::Result<bool> {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    Ok(tokio::task::spawn_blocking(move || verify_password(&password, &stored)).await?)
}

/// Whether `password` is the one `stored` was made from. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_own_password_only_and_never_contains_it() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("correct horse"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("Correct horse battery staple", &hash));
        assert!(!verify_password("anything", "not a hash"));
        // Each hash has its own salt.
        assert_ne!(hash, hash_password("correct horse battery staple").unwrap());
    }
}
