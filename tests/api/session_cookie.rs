//! The browser session: cookies set at sign-in, CSRF on state-changing requests.

use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::{spawn_app, ADMIN_PASSWORD};

fn cookie<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
}

fn value(set_cookie: &str) -> &str {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
}

#[tokio::test]
async fn sign_in_sets_an_httponly_strict_session_cookie_that_authenticates_reads() {
    let app = spawn_app().await;
    app.admin_of("Acme").await;
    let reply = app.login("admin@acme.example.com", ADMIN_PASSWORD).await;

    let session = cookie(&reply.headers, "skillstream_session").expect("a session cookie");
    assert!(session.contains("HttpOnly"));
    assert!(session.contains("SameSite=Strict"));
    assert!(session.contains("Path=/"));
    assert!(!session.contains("Secure"), "plain http in tests");
    let csrf = cookie(&reply.headers, "skillstream_csrf").expect("a CSRF cookie");
    assert!(!csrf.contains("HttpOnly"), "the SPA reads it to echo it");

    let me = app
        .client
        .get(format!("{}/api/v1/me", app.address))
        .header("cookie", format!("skillstream_session={}", value(session)))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_cookie_authenticated_change_needs_the_csrf_header() {
    let app = spawn_app().await;
    app.admin_of("Acme").await;
    let reply = app.login("admin@acme.example.com", ADMIN_PASSWORD).await;
    let session = value(cookie(&reply.headers, "skillstream_session").unwrap()).to_string();
    let csrf = value(cookie(&reply.headers, "skillstream_csrf").unwrap()).to_string();
    let cookies = format!("skillstream_session={session}; skillstream_csrf={csrf}");
    let post = |token: Option<&str>| {
        let mut request = app
            .client
            .post(format!("{}/api/v1/departments", app.address))
            .header("cookie", &cookies)
            .json(&json!({ "name": format!("Dept {}", token.unwrap_or("none").len()) }));
        if let Some(token) = token {
            request = request.header("X-CSRF-Token", token);
        }
        request.send()
    };

    let missing = post(None).await.unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "csrf_failed");
    let wrong = post(Some("not-the-token")).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let right = post(Some(&csrf)).await.unwrap();
    assert_eq!(right.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn sign_out_clears_the_cookies() {
    let app = spawn_app().await;
    let reply = app
        .client
        .post(format!("{}/api/v1/auth/logout", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::NO_CONTENT);
    let session = cookie(reply.headers(), "skillstream_session").unwrap();
    assert!(session.starts_with("skillstream_session=;"));
    assert!(session.contains("Max-Age=0"));
}
