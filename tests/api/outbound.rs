//! What the server fetches on an admin's say-so: identity provider settings cannot hand a
//! `javascript:` URL to a browser, nor make the server reach private addresses, follow a
//! redirect elsewhere, or tell open ports from closed ones.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_tests::fake_http::{Answer, FakeHttp};
use skillstream_tests::{spawn_app, spawn_app_with, Member, Reply, TestApp};

async fn put_sso(app: &TestApp, admin: &Member, issuer: &str) -> Reply {
    app.request(
        Method::PUT,
        "/api/v1/organization/sso",
        Some(&admin.token),
        Some(&json!({ "issuer": issuer, "client_id": "lms", "client_secret": "s3cret" })),
    )
    .await
}

fn issuer_message(reply: &Reply) -> String {
    reply
        .field_error("issuer")
        .unwrap_or_else(|| panic!("the issuer is blamed: {}", reply.text))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_discovery_document_with_a_script_or_non_https_endpoint_is_refused_at_save_time() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let provider = FakeHttp::start().await;
    let bad: [(&str, Value); 6] = [
        (
            "authorization_endpoint",
            json!("javascript:fetch('/api/v1/api-tokens')"),
        ),
        ("authorization_endpoint", json!("JAVASCRIPT:alert(1)")),
        (
            "authorization_endpoint",
            json!("data:text/html,<script>alert(1)</script>"),
        ),
        ("token_endpoint", json!("file:///etc/passwd")),
        ("jwks_uri", json!("ftp://127.0.0.1/keys")),
        ("end_session_endpoint", json!("javascript:alert(1)")),
    ];
    for (field, value) in bad {
        provider.serve_discovery(json!({ field: value }));
        let reply = put_sso(&app, &admin, &provider.url()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {value}"
        );
        assert_eq!(
            reply.field_error("issuer").unwrap()["code"],
            "sso_discovery_failed"
        );
        let message = issuer_message(&reply);
        assert!(
            message.contains(field) && message.contains("https"),
            "{message}"
        );
    }
    let after = app.get("/api/v1/organization/sso", &admin.token).await;
    assert_eq!(after.body["configured"], false);

    // The same provider with safe endpoints is accepted.
    provider.serve_discovery(json!({}));
    let reply = put_sso(&app, &admin, &provider.url()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

#[tokio::test]
async fn a_provider_that_turns_its_endpoint_into_a_script_later_is_never_handed_to_a_browser() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let provider = FakeHttp::start().await;
    provider.serve_discovery(json!({}));
    assert_eq!(
        put_sso(&app, &admin, &provider.url()).await.status,
        StatusCode::OK
    );
    // The provider changes its document after the settings were saved; the next discovery
    // (a restart, or the cache running out) reads it again.
    provider
        .serve_discovery(json!({ "authorization_endpoint": "javascript:alert(document.domain)" }));
    let restarted = spawn_app_with(|s| *s = app.settings.clone()).await;
    for path in ["/api/v1/auth/sso"] {
        let reply = restarted
            .request(
                Method::POST,
                path,
                None,
                Some(&json!({ "email": admin.email })),
            )
            .await;
        assert_ne!(reply.status, StatusCode::OK, "{}", reply.text);
        assert!(!reply.text.contains("javascript"), "{}", reply.text);
    }
}

#[tokio::test]
async fn without_the_development_setting_private_and_loopback_issuers_are_never_fetched() {
    let app = spawn_app_with(|s| s.outbound_allow_private = false).await;
    let admin = app.admin_of("Acme").await;
    let target = FakeHttp::start().await;
    target.serve_discovery(json!({}));
    let v6 = FakeHttp::start_on("[::1]:0").await;
    let port = target.port;
    for issuer in [
        format!("https://127.0.0.1:{port}"),
        format!("https://127.1.2.3:{port}"),
        format!("https://localhost:{port}"),
        format!("https://[::ffff:127.0.0.1]:{port}"),
        format!("https://[::1]:{}", v6.port),
        "https://169.254.169.254".to_string(),
        "https://[fd00:ec2::254]".to_string(),
    ] {
        let reply = put_sso(&app, &admin, &issuer).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{issuer}");
        let message = issuer_message(&reply);
        assert!(message.contains("private"), "{issuer}: {message}");
    }
    // Plain http is refused outright.
    let reply = put_sso(&app, &admin, &format!("http://localhost:{port}")).await;
    assert!(issuer_message(&reply).contains("https"));
    assert!(target.requests().is_empty(), "{:?}", target.requests());
    assert!(v6.requests().is_empty(), "{:?}", v6.requests());
}

#[tokio::test]
async fn a_jwks_uri_at_a_private_address_is_not_fetched() {
    // The guarded client itself, as OIDC discovery and webhooks use it: a host name that
    // resolves to loopback is refused at connection time, before any byte is sent.
    let keys = FakeHttp::start().await;
    keys.answer("/jwks", Answer::json(json!({"keys": []})));
    let client =
        skillstream_api::outbound::OutboundClient::new(false, std::time::Duration::from_secs(5))
            .unwrap();
    for url in [
        format!("https://localhost:{}/jwks", keys.port),
        format!("https://127.0.0.1:{}/jwks", keys.port),
    ] {
        let error = match client.get(&url) {
            Err(e) => e,
            Ok(request) => client.send(request).await.unwrap_err(),
        };
        assert_eq!(
            error,
            skillstream_api::outbound::OutboundError::Blocked,
            "{url}"
        );
    }
    assert!(keys.requests().is_empty(), "{:?}", keys.requests());
}

#[tokio::test]
async fn a_redirect_to_another_address_is_not_followed() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let inner = FakeHttp::start().await;
    inner.serve_discovery(json!({}));
    let outer = FakeHttp::start().await;
    outer.answer(
        "/.well-known/openid-configuration",
        Answer::redirect(&format!("{}/.well-known/openid-configuration", inner.url())),
    );
    let reply = put_sso(&app, &admin, &outer.url()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(outer.requests().len(), 1);
    assert!(inner.requests().is_empty(), "{:?}", inner.requests());
}

#[tokio::test]
async fn the_error_does_not_tell_a_closed_port_from_an_open_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    // Something listens but is no provider (404), something answers 500, nothing listens.
    let open = FakeHttp::start().await;
    let failing = FakeHttp::start().await;
    failing.answer("/.well-known/openid-configuration", Answer::status(500));
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut messages = Vec::new();
    for url in [
        open.url(),
        failing.url(),
        format!("http://127.0.0.1:{closed}"),
    ] {
        let reply = put_sso(&app, &admin, &url).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        messages.push(issuer_message(&reply).replace(&url, "URL"));
    }
    assert!(messages.iter().all(|m| m == &messages[0]), "{messages:#?}");
    for word in ["refused", "404", "500", "connect", "status"] {
        assert!(!messages[0].contains(word), "{}", messages[0]);
    }
}
