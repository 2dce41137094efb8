//! The OpenID Connect relying party: discovery, the authorization URL with PKCE, the code
//! exchange and ID token validation against the issuer's JWKS.
//!
//! Providers are looked up by issuer and kept for ten minutes; an ID token signed with a key
//! the cached JWKS does not have makes one fresh fetch (providers rotate keys).

use crate::outbound::{OutboundClient, OutboundError};
use crate::tokens::random_token;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CACHE_FOR: Duration = Duration::from_secs(600);

/// Why talking to an identity provider failed. The messages are for the admin who set it up
/// (settings) or, cut short, for the person signing in; they say what to fix and never how the
/// network answered (that detail is logged by the outbound client).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("The issuer must be an https:// URL, without query or fragment.")]
    BadIssuerUrl,
    #[error("The issuer's address is not allowed: it points to a private, loopback or internal network.")]
    Blocked,
    #[error("The OpenID configuration could not be read from {0}. Check the issuer URL and that the provider is reachable from the internet.")]
    Unreadable(String),
    #[error("The provider's configuration names the issuer \"{found}\", not \"{expected}\".")]
    IssuerMismatch { expected: String, found: String },
    #[error("The provider's configuration gives an unsafe {field}: every endpoint must be an https:// URL.")]
    UnsafeEndpoint { field: &'static str },
    #[error("The identity provider did not accept the sign-in code.")]
    CodeRefused,
    #[error("The identity provider's ID token is not valid: {0}.")]
    InvalidIdToken(&'static str),
}

/// What discovery found out about an issuer.
#[derive(Debug)]
pub struct Provider {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks: JwkSet,
    /// `client_secret_basic` unless the provider only supports `client_secret_post`.
    pub secret_in_body: bool,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    userinfo_endpoint: Option<String>,
    end_session_endpoint: Option<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

/// The claims this product reads from an ID token.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    pub email: Option<String>,
    /// Some providers send `"true"` as a string.
    pub email_verified: Option<serde_json::Value>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nonce: Option<String>,
    pub azp: Option<String>,
}

impl IdClaims {
    pub fn email_is_verified(&self) -> bool {
        matches!(&self.email_verified, Some(serde_json::Value::Bool(true)))
            || matches!(&self.email_verified, Some(serde_json::Value::String(s)) if s == "true")
    }
}

/// A PKCE pair: the verifier stays with us, the S256 challenge goes in the URL.
pub fn pkce() -> (String, String) {
    let verifier = random_token(32);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The issuer as stored and compared: trimmed, without a trailing slash; https, or http only
/// when private addresses are allowed (local providers in development and tests).
pub fn normalize_issuer(raw: &str, allow_http: bool) -> Result<String, OidcError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed).map_err(|_| OidcError::BadIssuerUrl)?;
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && allow_http);
    if !scheme_ok || url.query().is_some() || url.fragment().is_some() || url.host().is_none() {
        return Err(OidcError::BadIssuerUrl);
    }
    Ok(trimmed.to_string())
}

/// An endpoint named by a discovery document must be https, or http only when the issuer
/// itself is an allowed http issuer. Anything else (`javascript:`, `data:`, `file:`) would be
/// handed to a browser or fetched by the server: refused.
fn endpoint(issuer: &str, field: &'static str, raw: &str) -> Result<String, OidcError> {
    let url = reqwest::Url::parse(raw).map_err(|_| OidcError::UnsafeEndpoint { field })?;
    let http_issuer = issuer.starts_with("http://");
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && http_issuer);
    if !scheme_ok || url.host().is_none() || !url.username().is_empty() || url.password().is_some()
    {
        return Err(OidcError::UnsafeEndpoint { field });
    }
    Ok(url.into())
}

pub struct AuthorizationRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_challenge: &'a str,
    pub login_hint: Option<&'a str>,
}

impl Provider {
    /// Where the browser goes to sign in.
    pub fn authorization_url(&self, request: &AuthorizationRequest) -> Result<String, OidcError> {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", request.client_id),
            ("redirect_uri", request.redirect_uri),
            ("scope", "openid email profile"),
            ("state", request.state),
            ("nonce", request.nonce),
            ("code_challenge", request.code_challenge),
            ("code_challenge_method", "S256"),
        ];
        if let Some(hint) = request.login_hint {
            params.push(("login_hint", hint));
        }
        let url = reqwest::Url::parse_with_params(&self.authorization_endpoint, &params).map_err(
            |_| OidcError::UnsafeEndpoint {
                field: "authorization_endpoint",
            },
        )?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(OidcError::UnsafeEndpoint {
                field: "authorization_endpoint",
            });
        }
        Ok(url.into())
    }

    /// Checks an ID token: signature by a key of the issuer's JWKS (asymmetric algorithms only),
    /// issuer, audience, expiry (one minute of leeway), the authorized party and the nonce.
    pub fn verify_id_token(
        &self,
        token: &str,
        client_id: &str,
        nonce: &str,
    ) -> Result<IdClaims, OidcError> {
        let header =
            decode_header(token).map_err(|_| OidcError::InvalidIdToken("it is malformed"))?;
        if !matches!(
            header.alg,
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
                | Algorithm::ES256
                | Algorithm::ES384
                | Algorithm::EdDSA
        ) {
            return Err(OidcError::InvalidIdToken("its algorithm is not accepted"));
        }
        let jwk = match &header.kid {
            Some(kid) => self.jwks.find(kid),
            // Without a key id, a provider with a single key is unambiguous.
            None if self.jwks.keys.len() == 1 => self.jwks.keys.first(),
            None => None,
        }
        .ok_or(OidcError::InvalidIdToken(
            "it is signed with an unknown key",
        ))?;
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|_| OidcError::InvalidIdToken("the provider's key is not usable"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 60;
        let claims = decode::<IdClaims>(token, &key, &validation)
            .map_err(|error| {
                use jsonwebtoken::errors::ErrorKind;
                OidcError::InvalidIdToken(match error.kind() {
                    ErrorKind::ExpiredSignature => "it has expired",
                    ErrorKind::InvalidIssuer => "it was issued by another issuer",
                    ErrorKind::InvalidAudience => "it was issued to another application",
                    ErrorKind::InvalidSignature => "its signature does not match",
                    _ => "it could not be verified",
                })
            })?
            .claims;
        if claims.azp.as_deref().is_some_and(|azp| azp != client_id) {
            return Err(OidcError::InvalidIdToken(
                "it was issued to another application",
            ));
        }
        let nonce_matches = claims
            .nonce
            .as_deref()
            .is_some_and(|n| crate::tokens::constant_time_eq(n.as_bytes(), nonce.as_bytes()));
        if !nonce_matches {
            return Err(OidcError::InvalidIdToken(
                "it does not belong to this sign-in",
            ));
        }
        Ok(claims)
    }
}

/// The guarded HTTP client and the provider cache, shared by all requests.
pub struct Oidc {
    http: OutboundClient,
    cache: Mutex<HashMap<String, (Instant, Arc<Provider>)>>,
}

impl Oidc {
    pub fn new(http: OutboundClient) -> Self {
        Self {
            http,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Normalizes an issuer under this deployment's rules (http only where private addresses
    /// are allowed).
    pub fn normalize_issuer(&self, raw: &str) -> Result<String, OidcError> {
        normalize_issuer(raw, self.http.allows_private())
    }

    /// The provider behind `issuer`, from the cache when fresh enough.
    pub async fn provider(&self, issuer: &str) -> Result<Arc<Provider>, OidcError> {
        if let Some(cached) = self.cached(issuer) {
            return Ok(cached);
        }
        self.discover(issuer).await
    }

    fn cached(&self, issuer: &str) -> Option<Arc<Provider>> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(issuer)
            .filter(|(at, _)| at.elapsed() < CACHE_FOR)
            .map(|(_, provider)| provider.clone())
    }

    /// Reads the issuer's OpenID configuration and its JWKS afresh. Every endpoint it names
    /// is checked before it is kept: a provider whose document turns unsafe later is refused
    /// at the next discovery, not only when the settings were saved.
    pub async fn discover(&self, issuer: &str) -> Result<Arc<Provider>, OidcError> {
        let issuer = self.normalize_issuer(issuer)?;
        let url = format!("{issuer}/.well-known/openid-configuration");
        let document: Discovery = self.get_json(&url).await?;
        if document.issuer.trim_end_matches('/') != issuer {
            return Err(OidcError::IssuerMismatch {
                expected: issuer,
                found: document.issuer,
            });
        }
        let authorization_endpoint = endpoint(
            &issuer,
            "authorization_endpoint",
            &document.authorization_endpoint,
        )?;
        let token_endpoint = endpoint(&issuer, "token_endpoint", &document.token_endpoint)?;
        let jwks_uri = endpoint(&issuer, "jwks_uri", &document.jwks_uri)?;
        for (field, value) in [
            ("userinfo_endpoint", &document.userinfo_endpoint),
            ("end_session_endpoint", &document.end_session_endpoint),
        ] {
            if let Some(value) = value {
                endpoint(&issuer, field, value)?;
            }
        }
        let jwks: JwkSet = self.get_json(&jwks_uri).await?;
        let methods = &document.token_endpoint_auth_methods_supported;
        let provider = Arc::new(Provider {
            issuer: document.issuer,
            authorization_endpoint,
            token_endpoint,
            jwks,
            secret_in_body: !methods.is_empty()
                && !methods.iter().any(|m| m == "client_secret_basic")
                && methods.iter().any(|m| m == "client_secret_post"),
        });
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.insert(issuer, (Instant::now(), provider.clone()));
        Ok(provider)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, OidcError> {
        let unreadable = |e: OutboundError| match e {
            OutboundError::Blocked => OidcError::Blocked,
            OutboundError::Scheme | OutboundError::BadUrl => OidcError::BadIssuerUrl,
            _ => OidcError::Unreadable(url.to_string()),
        };
        let request = self
            .http
            .get(url)
            .map_err(unreadable)?
            .header("Accept", "application/json");
        let (status, body) = self.http.send(request).await.map_err(unreadable)?;
        if !status.is_success() {
            tracing::warn!(
                url,
                status = status.as_u16(),
                "OpenID document fetch refused"
            );
            return Err(OidcError::Unreadable(url.to_string()));
        }
        serde_json::from_slice(&body).map_err(|error| {
            tracing::warn!(url, %error, "OpenID document is not valid");
            OidcError::Unreadable(url.to_string())
        })
    }

    /// Trades the authorization code for tokens and returns the ID token.
    pub async fn exchange_code(
        &self,
        provider: &Provider,
        client: &Client<'_>,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
    ) -> Result<String, OidcError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", code_verifier),
            ("client_id", client.id),
        ];
        let unreachable = |_| OidcError::Unreadable(provider.token_endpoint.clone());
        let mut request = self
            .http
            .post(&provider.token_endpoint)
            .map_err(unreachable)?;
        if provider.secret_in_body {
            form.push(("client_secret", client.secret));
        } else {
            request = request.basic_auth(form_encode(client.id), Some(form_encode(client.secret)));
        }
        let request = request.header("Accept", "application/json").form(&form);
        let (status, body) = self.http.send(request).await.map_err(unreachable)?;
        if !status.is_success() {
            return Err(OidcError::CodeRefused);
        }
        let tokens: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| OidcError::Unreadable(provider.token_endpoint.clone()))?;
        tokens
            .id_token
            .ok_or(OidcError::InvalidIdToken("the provider sent none"))
    }

    /// `verify_id_token`, fetching the JWKS again once when the token names a key the cached
    /// set does not have.
    pub async fn verify(
        &self,
        provider: Arc<Provider>,
        token: &str,
        client_id: &str,
        nonce: &str,
    ) -> Result<IdClaims, OidcError> {
        match provider.verify_id_token(token, client_id, nonce) {
            Err(OidcError::InvalidIdToken("it is signed with an unknown key")) => {
                let fresh = self.discover(&provider.issuer).await?;
                fresh.verify_id_token(token, client_id, nonce)
            }
            other => other,
        }
    }
}

/// A registered client of the provider.
pub struct Client<'a> {
    pub id: &'a str,
    pub secret: &'a str,
}

/// RFC 6749 §2.3.1: the client id and secret are form-encoded before HTTP Basic.
fn form_encode(value: &str) -> String {
    reqwest::Url::parse_with_params("http://form.invalid/", &[("v", value)])
        .ok()
        .and_then(|url| url.query().map(|q| q.trim_start_matches("v=").to_string()))
        .unwrap_or_else(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_must_be_https_unless_private_addresses_are_allowed() {
        assert_eq!(
            normalize_issuer(" https://idp.example.com/ ", false)
                .ok()
                .as_deref(),
            Some("https://idp.example.com")
        );
        assert!(normalize_issuer("http://127.0.0.1:4000", true).is_ok());
        assert!(normalize_issuer("http://127.0.0.1:4000", false).is_err());
        assert!(normalize_issuer("http://idp.example.com", false).is_err());
        assert!(normalize_issuer("https://idp.example.com/?x=1", false).is_err());
        assert!(normalize_issuer("not a url", true).is_err());
        assert!(normalize_issuer("ftp://idp.example.com", true).is_err());
        assert!(normalize_issuer("javascript:alert(1)", true).is_err());
    }

    #[test]
    fn endpoints_must_be_https_or_http_beside_an_http_issuer() {
        let https = "https://idp.example.com";
        assert!(endpoint(https, "jwks_uri", "https://idp.example.com/jwks").is_ok());
        for bad in [
            "javascript:alert(document.cookie)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "http://idp.example.com/auth",
            "https://user:pw@idp.example.com/auth",
            "/relative",
        ] {
            assert!(
                endpoint(https, "authorization_endpoint", bad).is_err(),
                "{bad}"
            );
        }
        let local = "http://127.0.0.1:4000";
        assert!(endpoint(local, "token_endpoint", "http://127.0.0.1:4000/token").is_ok());
        assert!(endpoint(local, "token_endpoint", "javascript:alert(1)").is_err());
    }

    #[test]
    fn pkce_challenge_is_the_s256_of_the_verifier() {
        let (verifier, challenge) = pkce();
        assert!(verifier.len() >= 43);
        assert_eq!(
            challenge,
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        );
        assert_ne!(pkce().0, verifier);
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_auth() {
        assert_eq!(form_encode("a b:c/d"), "a+b%3Ac%2Fd");
        assert_eq!(form_encode("plain"), "plain");
    }

    #[test]
    fn email_verified_accepts_a_boolean_or_the_string_true() {
        let claims = |v: serde_json::Value| IdClaims {
            sub: "s".into(),
            email: None,
            email_verified: Some(v),
            given_name: None,
            family_name: None,
            nonce: None,
            azp: None,
        };
        assert!(claims(serde_json::json!(true)).email_is_verified());
        assert!(claims(serde_json::json!("true")).email_is_verified());
        assert!(!claims(serde_json::json!(false)).email_is_verified());
        assert!(!claims(serde_json::json!("false")).email_is_verified());
    }
}
