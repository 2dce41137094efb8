//! Random secrets and their at-rest forms. Link and API tokens are 256 bits from the OS CSPRNG;
//! only their SHA-256 hash is stored. The outbox keeps a link token sealed with a key derived
//! from the server secret until the email is sent, then wipes it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of long-lived API tokens, so they are recognisable in logs and secret scanners.
pub const API_TOKEN_PREFIX: &str = "sst_";

/// `bytes` random bytes from the OS, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

/// A new invitation link token (256 bits).
pub fn new_link_token() -> String {
    random_token(32)
}

/// A new API token (256 bits) with its recognisable prefix.
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token(32))
}

/// The stored form of a token: hex SHA-256. Tokens carry 256 bits of entropy, so a fast hash
/// is enough (no dictionary to guess from).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

type HmacSha256 = Hmac<Sha256>;

fn prf(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so construction cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Seals a link token for the outbox: `nonce.ciphertext.tag`, where the keystream and the tag
/// come from HMAC-SHA256 under a key derived from the server secret. A database dump alone
/// does not reveal the link.
pub fn seal(secret: &str, token: &str) -> String {
    Sealer::new(secret).seal(token)
}

/// `seal` with the key derived once, for sealing many tokens.
pub struct Sealer {
    key: [u8; 32],
}

impl Sealer {
    pub fn new(secret: &str) -> Self {
        Self {
            key: prf(secret.as_bytes(), &[b"skillstream outbox seal v1"]),
        }
    }

    pub fn seal(&self, token: &str) -> String {
        seal_with(&self.key, token)
    }
}

fn seal_with(key: &[u8; 32], token: &str) -> String {
    let key = *key;
    let mut nonce = [0u8; 16];
    OsRng.fill_bytes(&mut nonce);
    let plain = token.as_bytes();
    let cipher: Vec<u8> = keystream(&key, &nonce, plain.len())
        .iter()
        .zip(plain)
        .map(|(k, p)| k ^ p)
        .collect();
    let tag = prf(&key, &[b"tag", &nonce, &cipher]);
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(&cipher),
        URL_SAFE_NO_PAD.encode(&tag[..16])
    )
}

/// Opens what `seal` made; `None` when it was sealed under another secret or altered.
pub fn unseal(secret: &str, sealed: &str) -> Option<String> {
    let key = prf(secret.as_bytes(), &[b"skillstream outbox seal v1"]);
    let mut parts = sealed.split('.');
    let nonce = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
    let cipher = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
    let expected = prf(&key, &[b"tag", &nonce, &cipher]);
    if !constant_time_eq(&expected[..16], &tag) {
        return None;
    }
    let plain: Vec<u8> = keystream(&key, &nonce, cipher.len())
        .iter()
        .zip(&cipher)
        .map(|(k, c)| k ^ c)
        .collect();
    String::from_utf8(plain).ok()
}

fn keystream(key: &[u8], nonce: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut counter: u32 = 0;
    while out.len() < len {
        out.extend_from_slice(&prf(key, &[b"stream", nonce, &counter.to_be_bytes()]));
        counter += 1;
    }
    out.truncate(len);
    out
}

/// Compares without an early exit, so timing does not reveal how much matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = new_link_token();
        let b = new_link_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(new_api_token().starts_with(API_TOKEN_PREFIX));
    }

    #[test]
    fn the_hash_does_not_contain_the_token() {
        let token = new_link_token();
        let hash = hash_token(&token);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token));
        assert_eq!(hash, hash_token(&token));
    }

    #[test]
    fn sealed_tokens_open_only_with_the_same_secret() {
        let token = new_link_token();
        let sealed = seal("secret-one-secret-one-secret-one!", &token);
        assert!(!sealed.contains(&token));
        assert_eq!(
            unseal("secret-one-secret-one-secret-one!", &sealed),
            Some(token)
        );
        assert_eq!(unseal("secret-two-secret-two-secret-two!", &sealed), None);
    }

    #[test]
    fn an_altered_seal_does_not_open() {
        let sealed = seal("k".repeat(32).as_str(), "token");
        let mut altered = sealed.clone();
        altered.insert(0, 'A');
        assert_eq!(unseal(&"k".repeat(32), &altered), None);
    }
}
