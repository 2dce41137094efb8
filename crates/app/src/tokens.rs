//! Random secrets and their at-rest forms. Link and API tokens are 256 bits from the OS CSPRNG;
//! only their SHA-256 hash is stored. The outbox keeps a link token sealed with a key derived
//! from the server secret until the email is sent, then wipes it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
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

/// Prefix of SCIM tokens (identity providers provisioning an organization): recognisable, and
/// never mistaken for an API token.
pub const SCIM_TOKEN_PREFIX: &str = "scim_";

/// A new SCIM token (256 bits) with its recognisable prefix.
pub fn new_scim_token() -> String {
    format!("{SCIM_TOKEN_PREFIX}{}", random_token(32))
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

/// The version tag of seals made with XChaCha20-Poly1305.
const SEAL_V2: &str = "v2.";
/// The HKDF `info` and the AEAD's associated data: a key or a seal made for something else
/// does not open here.
const SEAL_CONTEXT: &[u8] = b"skillstream seal v2";

/// Seals a value (a queued link token, an SSO client secret) with XChaCha20-Poly1305 under a
/// key derived by HKDF-SHA256 from `secret`: `v2.` + base64url(24-byte random nonce +
/// ciphertext + tag). A database dump alone does not reveal it; altering it makes it not open.
pub fn seal(secret: &str, token: &str) -> String {
    Sealer::new(secret).seal(token)
}

/// `seal` with the key derived once, for sealing many tokens.
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    pub fn new(secret: &str) -> Self {
        let mut key = [0u8; 32];
        // HKDF-SHA256 can expand up to 8,160 bytes; 32 always fit.
        let _ = Hkdf::<Sha256>::new(None, secret.as_bytes()).expand(SEAL_CONTEXT, &mut key);
        Self {
            cipher: XChaCha20Poly1305::new(&key.into()),
        }
    }

    pub fn seal(&self, token: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut chacha20poly1305::aead::OsRng);
        let payload = Payload {
            msg: token.as_bytes(),
            aad: SEAL_CONTEXT,
        };
        // Encryption fails only for messages beyond 256 GiB.
        let sealed = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{SEAL_V2}{}", URL_SAFE_NO_PAD.encode(out))
    }

    fn open(&self, sealed: &str) -> Option<String> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, cipher) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        let payload = Payload {
            msg: cipher,
            aad: SEAL_CONTEXT,
        };
        let plain = self.cipher.decrypt(&XNonce::from(nonce), payload).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Opens what `seal` made; `None` when it was sealed under another secret or altered. Values
/// sealed before the upgrade (version 1, without a version tag) still open.
pub fn unseal(secret: &str, sealed: &str) -> Option<String> {
    match sealed.strip_prefix(SEAL_V2) {
        Some(v2) => Sealer::new(secret).open(v2),
        None => legacy::unseal(secret, sealed),
    }
}

/// The first edition's seal (an HMAC-SHA256 keystream and tag), kept only to open values
/// sealed before the upgrade: outbox rows still queued and stored SSO client secrets. Nothing
/// is sealed this way any more.
mod legacy {
    use super::{constant_time_eq, URL_SAFE_NO_PAD};
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    fn prf(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
            return [0; 32];
        };
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
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

    /// How version 1 sealed, for the test that old values still open.
    #[cfg(test)]
    pub fn seal(secret: &str, token: &str) -> String {
        let key = prf(secret.as_bytes(), &[b"skillstream outbox seal v1"]);
        let nonce = [7u8; 16];
        let cipher: Vec<u8> = keystream(&key, &nonce, token.len())
            .iter()
            .zip(token.as_bytes())
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
    fn seals_are_versioned_aead_and_values_sealed_before_still_open() {
        let secret = "s".repeat(40);
        let sealed = seal(&secret, "link-token");
        assert!(sealed.starts_with("v2."));
        assert_ne!(
            sealed,
            seal(&secret, "link-token"),
            "a fresh nonce each time"
        );
        let old = legacy::seal(&secret, "queued-before-the-upgrade");
        assert_eq!(
            unseal(&secret, &old).as_deref(),
            Some("queued-before-the-upgrade")
        );
        assert_eq!(unseal(&"t".repeat(40), &old), None);
        // Any flipped character of a v2 seal makes it not open.
        let body = sealed.strip_prefix("v2.").unwrap();
        for i in [0, 10, body.len() / 2, body.len() - 1] {
            let mut bytes = body.as_bytes().to_vec();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = format!("v2.{}", String::from_utf8(bytes).unwrap());
            assert_eq!(unseal(&secret, &altered), None, "flipped at {i}");
        }
    }

    #[test]
    fn an_altered_seal_does_not_open() {
        let sealed = seal("k".repeat(32).as_str(), "token");
        let mut altered = sealed.clone();
        altered.insert(0, 'A');
        assert_eq!(unseal(&"k".repeat(32), &altered), None);
    }
}
