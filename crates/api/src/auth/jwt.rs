//! Session tokens: HS256 JWTs with `exp`, `iss` and `aud` checked and the algorithm pinned.

use crate::config::Secret;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "skillstream";
pub const AUDIENCE: &str = "skillstream-api";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub org: i64,
    /// The session id: its hash names a row in `sessions`, which sign-out revokes.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &Secret, ttl_minutes: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            ttl: Duration::minutes(ttl_minutes),
        }
    }

    /// Signs a session for `user_id`, valid from `now` for the configured lifetime.
    pub fn issue(
        &self,
        user_id: i64,
        organization_id: i64,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, i64)> {
        let claims = Claims {
            sub: user_id.to_string(),
            org: organization_id,
            sid: session_id.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, self.ttl.num_seconds()))
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Verifies signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&Secret::new("a".repeat(40)), 60)
    }

    #[test]
    fn an_issued_token_verifies() {
        let (token, ttl) = keys().issue(7, 3, "sid", Utc::now()).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.org, ttl), ("7", 3, 3600));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let (token, _) = keys()
            .issue(7, 3, "sid", Utc::now() - Duration::hours(2))
            .unwrap();
        assert!(keys().verify(&token).is_none());
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = JwtKeys::new(&Secret::new("b".repeat(40)), 60);
        let (token, _) = other.issue(7, 3, "sid", Utc::now()).unwrap();
        assert!(keys().verify(&token).is_none());
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        // header {"alg":"none","typ":"JWT"}
        let (token, _) = keys().issue(7, 3, "sid", Utc::now()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let forged = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys().verify(&forged).is_none());
    }
}
