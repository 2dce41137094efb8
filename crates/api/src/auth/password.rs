//! argon2id password hashes (PHC strings with their own salt and parameters).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// True when `password` matches the stored hash. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification, so an unknown email answers as slowly as a wrong
/// password and response times do not reveal which addresses have accounts.
pub fn burn_verification_time(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get_or_init(|| hash_password("not-a-real-password").ok()) {
        let _ = verify_password(password, hash);
    }
}

/// Checks the password policy; the message is shown to people as is.
pub fn check_policy(password: &str) -> Result<(), &'static str> {
    let count = password.chars().count();
    if count < MIN_PASSWORD_CHARS {
        Err("Password must be at least 12 characters.")
    } else if count > MAX_PASSWORD_CHARS {
        Err("Password must be at most 128 characters.")
    } else {
        Ok(())
    }
}

/// Refuses a password that is quick to guess (zxcvbn: a common or breached-style password, a
/// keyboard walk, a date, the person's own name or address). `about_them` holds what an
/// attacker would try first: the invitee's address, names and organization. Scores 0–2 (found
/// within 10^8 guesses) are refused; the message says why and what helps.
pub fn check_strength(password: &str, about_them: &[&str]) -> Result<(), String> {
    // "ada.lovelace@example.com" is also tried as "ada.lovelace", "ada", "lovelace" and
    // "example".
    let pieces: Vec<String> = about_them
        .iter()
        .flat_map(|input| {
            let local = input.split('@').next().filter(|_| input.contains('@'));
            std::iter::once(input.to_lowercase())
                .chain(local.map(str::to_lowercase))
                .chain(
                    input
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|piece| piece.chars().count() >= 3)
                        .map(str::to_lowercase),
                )
        })
        .collect();
    let inputs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) >= 3 {
        return Ok(());
    }
    let feedback = estimate.feedback();
    let why = feedback.and_then(|f| f.warning()).map_or_else(
        || "It would be easy to guess.".to_string(),
        |w| w.to_string(),
    );
    let help = feedback.and_then(|f| f.suggestions().first()).map_or_else(
        || "Add a few more uncommon words.".to_string(),
        |s| s.to_string(),
    );
    Err(format!("This password is too easy to guess. {why} {help}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn common_and_personal_passwords_are_refused_with_a_reason() {
        for weak in [
            "password123456",
            "qwertyuiop123",
            "123456789012",
            "iloveyou2024!",
        ] {
            let refusal = check_strength(weak, &[]).unwrap_err();
            assert!(
                refusal.starts_with("This password is too easy to guess."),
                "{weak}: {refusal}"
            );
        }
        // Their own address and name are guessed first.
        assert!(check_strength(
            "ada.lovelace1815",
            &["ada.lovelace@example.com", "Ada", "Lovelace"]
        )
        .is_err());
        for strong in [
            "a long enough password",
            "correct horse battery",
            "twelve chars or more",
            "plum-violin-91-sofa",
        ] {
            assert_eq!(check_strength(strong, &[]), Ok(()), "{strong}");
        }
    }

    #[test]
    fn the_policy_wants_twelve_to_128_characters() {
        assert!(check_policy("short").is_err());
        assert!(check_policy(&"x".repeat(12)).is_ok());
        assert!(check_policy(&"x".repeat(129)).is_err());
    }
}
