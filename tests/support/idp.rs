//! A real OpenID Connect provider for the SSO tests: `tests/oidc/server.mjs` (panva's
//! `oidc-provider`), started once per test binary on a free port. Each test registers a client
//! of its own, and signs in as whoever it needs through the provider's sign-in form, driven
//! over HTTP like a browser would.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::process::Child;
use std::sync::OnceLock;

pub struct Idp {
    pub issuer: String,
    // Held for the life of the test binary; the provider exits when our end of its stdin
    // closes with us.
    _process: std::sync::Mutex<Child>,
}

static IDP: OnceLock<Idp> = OnceLock::new();

/// The shared provider, started on first use.
pub fn idp() -> &'static Idp {
    IDP.get_or_init(|| {
        let (child, issuer) = crate::node_service::start("oidc", "server.mjs", "oidc-provider");
        Idp {
            issuer,
            _process: std::sync::Mutex::new(child),
        }
    })
}

/// Who the test claims to be at the provider's sign-in form.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// The provider's `sub`: unique per `Identity::new`, so tests running at once never
    /// overwrite each other's account at the shared provider. Reuse the value to sign in again
    /// as the same person.
    pub subject: String,
    pub email: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub unverified: bool,
    /// Ask the provider for a broken ID token: `signature`, `expired`, `nonce`, `audience`,
    /// `issuer` or `unsigned`.
    pub tamper: Option<&'static str>,
}

impl Identity {
    pub fn new(email: &str) -> Self {
        Self {
            subject: format!("{}#{:016x}", email.to_lowercase(), rand::random::<u64>()),
            email: email.into(),
            ..Self::default()
        }
    }

    pub fn named(mut self, given: &str, family: &str) -> Self {
        self.given_name = Some(given.into());
        self.family_name = Some(family.into());
        self
    }
}

/// A client registered for one app: `(client_id, client_secret)`.
pub async fn register_client(redirect_uri: &str) -> (String, String) {
    let reply = reqwest::Client::new()
        .post(format!("{}/reg", idp().issuer))
        .json(&json!({
            "redirect_uris": [redirect_uri],
            "token_endpoint_auth_method": "client_secret_basic",
        }))
        .send()
        .await
        .expect("registration sent");
    assert_eq!(reply.status(), StatusCode::CREATED);
    let client: Value = reply.json().await.expect("registration JSON");
    (
        client["client_id"].as_str().expect("client_id").into(),
        client["client_secret"]
            .as_str()
            .expect("client_secret")
            .into(),
    )
}

/// Where the provider sent the browser back: the callback's query parameters.
#[derive(Debug)]
pub struct Callback {
    pub url: String,
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// Follows `authorization_url` through the provider's sign-in form as `identity`, with the
/// browser's cookies, until the provider redirects to `redirect_uri`.
pub async fn sign_in(
    browser: &reqwest::Client,
    authorization_url: &str,
    redirect_uri: &str,
    identity: &Identity,
) -> Callback {
    let mut next = authorization_url.to_string();
    let mut form_sent = false;
    for _ in 0..10 {
        let response = if next.contains("/interaction/") && !form_sent {
            form_sent = true;
            let mut form = vec![
                ("sub", identity.subject.clone()),
                ("email", identity.email.clone()),
            ];
            if !identity.unverified {
                form.push(("email_verified", "true".into()));
            }
            if let Some(given) = &identity.given_name {
                form.push(("given_name", given.clone()));
            }
            if let Some(family) = &identity.family_name {
                form.push(("family_name", family.clone()));
            }
            form.push(("tamper", identity.tamper.unwrap_or_default().into()));
            browser.post(&next).form(&form).send().await
        } else {
            browser.get(&next).send().await
        }
        .expect("the provider answers");
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        let Some(location) = location.filter(|_| status.is_redirection()) else {
            let text = response.text().await.unwrap_or_default();
            panic!("the provider stopped at {next} with {status}: {text}");
        };
        let absolute = reqwest::Url::parse(&next).unwrap().join(&location).unwrap();
        if absolute.as_str().starts_with(redirect_uri) {
            let param = |name: &str| {
                absolute
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            };
            return Callback {
                code: param("code"),
                state: param("state"),
                error: param("error"),
                url: absolute.to_string(),
            };
        }
        next = absolute.to_string();
    }
    panic!("too many redirects from {authorization_url}");
}

/// A browser: keeps cookies, follows no redirects by itself.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
