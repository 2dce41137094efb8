//! Single sign-on against a real OpenID provider (`tests/oidc`): the settings, accepting an
//! invitation through the provider, signing in later, and every way a sign-in is refused.

use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_api::db::schema::{sso_providers, users};
use skillstream_tests::idp::{browser, idp, register_client, sign_in, Identity};
use skillstream_tests::{read, spawn_app, Member, Reply, TestApp, ADMIN_PASSWORD};

const PASSWORD: &str = "a long enough password";

fn redirect_uri(app: &TestApp) -> String {
    format!("{}/sso/callback", app.address)
}

/// An organization with an admin and the test provider set up; returns the admin. Enforcing
/// single sign-on ends password sessions, so the admin then works through an API token.
async fn sso_org(app: &TestApp, name: &str, enforced: bool) -> Member {
    let mut admin = app.admin_of(name).await;
    if enforced {
        let created = app
            .post(
                "/api/v1/api-tokens",
                &admin.token,
                json!({ "name": "tests" }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        admin.token = created.body["token"].as_str().unwrap().to_string();
    }
    let (client_id, secret) = register_client(&redirect_uri(app)).await;
    let reply = put_settings(
        app,
        &admin,
        json!({ "issuer": idp().issuer, "client_id": client_id, "client_secret": secret, "enforced": enforced }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    admin
}

async fn put_settings(app: &TestApp, admin: &Member, body: Value) -> Reply {
    app.request(
        Method::PUT,
        "/api/v1/organization/sso",
        Some(&admin.token),
        Some(&body),
    )
    .await
}

async fn invited(app: &TestApp, admin: &Member, body: Value) -> (i64, String) {
    let id = app.invite(admin, body).await["id"].as_i64().unwrap();
    (id, app.link_token(id).await)
}

async fn post_as(browser: &reqwest::Client, app: &TestApp, path: &str, body: Value) -> Reply {
    read(
        browser
            .post(format!("{}{path}", app.address))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Starts a sign-in at `start_path` in `browser`, then signs in at the provider as `identity`:
/// the callback's body (`code` and `state`).
async fn through_provider(
    app: &TestApp,
    browser: &reqwest::Client,
    start_path: &str,
    body: Value,
    identity: &Identity,
) -> Value {
    let start = post_as(browser, app, start_path, body).await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.text);
    let url = start.body["authorization_url"].as_str().unwrap();
    let back = sign_in(browser, url, &redirect_uri(app), identity).await;
    json!({ "code": back.code, "state": back.state })
}

fn invitation_sso(token: &str) -> String {
    format!("/api/v1/public/invitations/{token}/sso")
}

/// From the landing page's "Continue with SSO" to the callback's answer, in one browser.
async fn accept_with_sso(app: &TestApp, token: &str, identity: &Identity) -> Reply {
    let browser = browser();
    let callback =
        through_provider(app, &browser, &invitation_sso(token), json!({}), identity).await;
    post_as(&browser, app, "/api/v1/auth/sso/callback", callback).await
}

async fn invitation_status(app: &TestApp, admin: &Member, id: i64) -> String {
    app.get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await
        .body["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn admins_set_up_the_provider_and_the_client_secret_is_never_shown() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let learner = app
        .member_of(admin.organization_id, "lea@acme.example.com", "learner")
        .await;

    let empty = app.get("/api/v1/organization/sso", &admin.token).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.body["configured"], false);
    assert_eq!(empty.body["enforced"], false);
    assert_eq!(empty.body["redirect_uri"], redirect_uri(&app));

    let (client_id, secret) = register_client(&redirect_uri(&app)).await;
    let no_secret = put_settings(
        &app,
        &admin,
        json!({ "issuer": idp().issuer, "client_id": client_id }),
    )
    .await;
    assert_eq!(no_secret.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_secret.field_error("client_secret").is_some());

    let saved = put_settings(
        &app,
        &admin,
        json!({ "issuer": format!("{}/", idp().issuer), "client_id": client_id, "client_secret": secret }),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["configured"], true);
    assert_eq!(saved.body["issuer"], idp().issuer.as_str());
    assert_eq!(saved.body["client_secret_set"], true);
    assert!(!saved.text.contains(&secret));
    let shown = app.get("/api/v1/organization/sso", &admin.token).await;
    assert!(!shown.text.contains(&secret));
    let stored: String = app
        .with_db(|conn| {
            sso_providers::table
                .select(sso_providers::client_secret_sealed)
                .first(conn)
                .unwrap()
        })
        .await;
    assert!(!stored.contains(&secret), "the secret is sealed at rest");
    assert_eq!(
        app.get("/api/v1/organization/sso", &learner.token)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let admin = Member {
        token: app
            .post("/api/v1/api-tokens", &admin.token, json!({ "name": "t" }))
            .await
            .body["token"]
            .as_str()
            .unwrap()
            .to_string(),
        ..admin
    };

    // Saving again without a secret keeps the stored one.
    let kept = put_settings(
        &app,
        &admin,
        json!({ "issuer": idp().issuer, "client_id": client_id, "enforced": true }),
    )
    .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    assert_eq!(kept.body["enforced"], true);
    // Enforcement ended the learner's password session.
    assert_eq!(
        app.get("/api/v1/organization/sso", &learner.token)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let removed = app.delete("/api/v1/organization/sso", &admin.token).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let after = app.get("/api/v1/organization/sso", &admin.token).await;
    assert_eq!(after.body["configured"], false);
    assert_eq!(after.body["enforced"], false);

    // Each change is in the activity log (the refused save is not), never with the secret.
    let events = app
        .get(
            "/api/v1/audit-events?action=sso.settings_changed",
            &admin.token,
        )
        .await;
    assert_eq!(events.body["total"], 3, "{}", events.text);
    assert!(!events.text.contains(&secret));
    let items = events.body["items"].as_array().unwrap();
    assert_eq!(items[0]["details"]["configured"], false);
    assert_eq!(items[1]["details"]["enforced"], true);
    // The learner's password session and the admin's own.
    assert_eq!(items[1]["details"]["password_sessions_ended"], 2);
    assert_eq!(items[1]["actor"]["type"], "api_token");
    assert_eq!(items[2]["details"]["enforced"], false);
    assert_eq!(items[2]["actor"]["type"], "member");
}

#[tokio::test]
async fn an_issuer_that_is_not_an_openid_provider_is_refused_when_saving() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    for issuer in [
        // Nothing listens there.
        "http://127.0.0.1:1".to_string(),
        // A web server, but no OpenID configuration.
        app.address.clone(),
        // The provider, under a name its configuration does not claim.
        idp().issuer.replace("127.0.0.1", "localhost"),
        // Plain http to a remote host.
        "http://idp.example.com".to_string(),
    ] {
        let reply = put_settings(
            &app,
            &admin,
            json!({ "issuer": issuer, "client_id": "x", "client_secret": "y" }),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{issuer}");
        let error = reply.field_error("issuer").expect("the issuer is blamed");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let after = app.get("/api/v1/organization/sso", &admin.token).await;
    assert_eq!(after.body["configured"], false);
}

#[tokio::test]
async fn accepting_with_sso_fills_empty_names_from_the_claims_and_enrolls_the_courses() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let course = app.create_course(&admin, "Onboarding").await;
    let (id, token) = invited(
        &app,
        &admin,
        json!({ "email": "ada@example.com", "role": "instructor", "course_ids": [course] }),
    )
    .await;
    let landing = app.landing(&token).await;
    assert_eq!(landing.body["sso_available"], true);
    assert_eq!(landing.body["sso_enforced"], false);

    // The provider's address differs in case only.
    let reply = accept_with_sso(
        &app,
        &token,
        &Identity::new("Ada@Example.com").named("Ada", "Lovelace"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let session = reply.body["access_token"].as_str().unwrap();
    assert_eq!(reply.body["user"]["first_name"], "Ada");
    assert_eq!(reply.body["user"]["last_name"], "Lovelace");
    assert_eq!(reply.body["user"]["role"], "instructor");
    assert_eq!(reply.body["user"]["email"], "ada@example.com");
    let courses = app.get("/api/v1/me/enrollments", session).await;
    assert_eq!(courses.body[0]["title"], "Onboarding", "{}", courses.text);
    assert_eq!(invitation_status(&app, &admin, id).await, "accepted");
    // The same use case as a password acceptance: one event, by the invitee, saying how.
    let events = app
        .get(
            &format!("/api/v1/audit-events?invitation_id={id}&action=invitation.accepted"),
            &admin.token,
        )
        .await;
    assert_eq!(events.body["total"], 1, "{}", events.text);
    let accepted = &events.body["items"][0];
    assert_eq!(accepted["actor"]["type"], "invitee");
    assert_eq!(accepted["actor"]["id"], reply.body["user"]["id"]);
    assert_eq!(accepted["details"]["method"], "sso");
    assert_eq!(accepted["details"]["courses"], 1);
    assert!(accepted["request_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    // No password was set: password sign-in has nothing to match.
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_authorization_url_carries_state_nonce_and_a_pkce_challenge() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let (_, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    let start = post_as(&browser(), &app, &invitation_sso(&token), json!({})).await;
    let url = reqwest::Url::parse(start.body["authorization_url"].as_str().unwrap()).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert!(url.as_str().starts_with(&idp().issuer));
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert!(param("code_challenge").is_some_and(|c| c.len() >= 43));
    assert!(param("state").is_some_and(|s| s.len() >= 43));
    assert!(param("nonce").is_some_and(|n| n.len() >= 43));
    assert_eq!(param("login_hint").as_deref(), Some("ada@example.com"));
    assert_eq!(param("redirect_uri"), Some(redirect_uri(&app)));
    let cookie = start.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("skillstream_sso="));
    assert!(cookie.contains("HttpOnly"));
}

#[tokio::test]
async fn names_given_on_the_invitation_win_over_the_claims() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let (_, token) = invited(
        &app,
        &admin,
        json!({ "email": "ada@example.com", "first_name": "Augusta", "last_name": "King" }),
    )
    .await;
    let reply = accept_with_sso(
        &app,
        &token,
        &Identity::new("ada@example.com").named("Ada", "Lovelace"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["user"]["first_name"], "Augusta");
    assert_eq!(reply.body["user"]["last_name"], "King");
}

#[tokio::test]
async fn another_or_unverified_address_is_refused_and_the_invitation_stays_pending() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let (id, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;

    let other = accept_with_sso(&app, &token, &Identity::new("mallory@example.com")).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN, "{}", other.text);
    assert_eq!(other.code(), "sso_email_mismatch");
    assert!(other.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ada@example.com"));
    assert_eq!(invitation_status(&app, &admin, id).await, "pending");

    let unverified = accept_with_sso(
        &app,
        &token,
        &Identity {
            unverified: true,
            ..Identity::new("ada@example.com")
        },
    )
    .await;
    assert_eq!(unverified.status, StatusCode::FORBIDDEN);
    assert_eq!(unverified.code(), "sso_email_unverified");
    assert_eq!(invitation_status(&app, &admin, id).await, "pending");

    // The right person can still accept with the same link.
    let right = accept_with_sso(&app, &token, &Identity::new("ada@example.com")).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text);
}

#[tokio::test]
async fn forged_expired_or_misdirected_id_tokens_are_refused() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let (id, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    for tamper in [
        "signature",
        "expired",
        "nonce",
        "audience",
        "issuer",
        "unsigned",
    ] {
        let reply = accept_with_sso(
            &app,
            &token,
            &Identity {
                tamper: Some(tamper),
                ..Identity::new("ada@example.com")
            },
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{tamper}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "sso_token_invalid", "{tamper}");
        assert!(reply
            .headers
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().starts_with("skillstream_session=")));
    }
    assert_eq!(invitation_status(&app, &admin, id).await, "pending");
}

#[tokio::test]
async fn a_state_works_once_and_only_in_the_browser_that_started() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let (id, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    let ada = browser();
    let back = through_provider(
        &app,
        &ada,
        &invitation_sso(&token),
        json!({}),
        &Identity::new("ada@example.com"),
    )
    .await;

    let unknown = post_as(
        &ada,
        &app,
        "/api/v1/auth/sso/callback",
        json!({ "code": back["code"], "state": "not-the-state" }),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.code(), "sso_state_invalid");

    // Another browser (an attacker's link) has no key for this sign-in.
    let elsewhere = post_as(&browser(), &app, "/api/v1/auth/sso/callback", back).await;
    assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST);
    assert_eq!(elsewhere.code(), "sso_state_invalid");
    assert_eq!(invitation_status(&app, &admin, id).await, "pending");

    // Started again, it works once; the same answer replayed is refused.
    let again = accept_with_sso_twice(&app, &token).await;
    assert_eq!(again.0.status, StatusCode::OK, "{}", again.0.text);
    assert_eq!(again.1.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.1.code(), "sso_state_invalid");
}

async fn accept_with_sso_twice(app: &TestApp, token: &str) -> (Reply, Reply) {
    let browser = browser();
    let identity = Identity::new("ada@example.com");
    let body = through_provider(app, &browser, &invitation_sso(token), json!({}), &identity).await;
    let first = post_as(&browser, app, "/api/v1/auth/sso/callback", body.clone()).await;
    let second = post_as(&browser, app, "/api/v1/auth/sso/callback", body).await;
    (first, second)
}

#[tokio::test]
async fn a_cancelled_sign_in_at_the_provider_is_reported() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let (_, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    let browser = browser();
    let start = post_as(&browser, &app, &invitation_sso(&token), json!({})).await;
    let url = reqwest::Url::parse(start.body["authorization_url"].as_str().unwrap()).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let reply = post_as(
        &browser,
        &app,
        "/api/v1/auth/sso/callback",
        json!({ "state": state, "error": "access_denied" }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "sso_cancelled");
}

#[tokio::test]
async fn enforced_sso_refuses_password_acceptance_and_password_sign_in() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", true).await;
    let (id, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    let landing = app.landing(&token).await;
    assert_eq!(landing.body["sso_enforced"], true);

    let with_password = app
        .request(
            Method::POST,
            &format!("/api/v1/public/invitations/{token}/accept"),
            None,
            Some(&json!({ "password": PASSWORD })),
        )
        .await;
    assert_eq!(with_password.status, StatusCode::FORBIDDEN);
    assert_eq!(with_password.code(), "sso_required");
    assert_eq!(invitation_status(&app, &admin, id).await, "pending");

    // Members with a password cannot use it while SSO is enforced...
    let refused = app.login(&admin.email, ADMIN_PASSWORD).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "sso_required");
    // ...and a wrong password still reads as a wrong password.
    let wrong = app.login(&admin.email, "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);

    let accepted = accept_with_sso(&app, &token, &Identity::new("ada@example.com")).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);

    // The way back in when the provider fails: `skillstream stop-enforcing-sso --org Acme`.
    let found = app
        .with_db(|conn| skillstream_api::bootstrap::stop_enforcing_sso(conn, "Acme").unwrap())
        .await;
    assert!(found);
    assert_eq!(
        app.login(&admin.email, ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
    let settings = app.get("/api/v1/organization/sso", &admin.token).await;
    assert_eq!(settings.body["configured"], true);
    assert_eq!(settings.body["enforced"], false);
}

/// The sign-in page's "Continue with SSO", for a member.
async fn sign_in_with_sso(app: &TestApp, email: &str, identity: &Identity) -> Reply {
    let browser = browser();
    let body = json!({ "email": email });
    let callback = through_provider(app, &browser, "/api/v1/auth/sso", body, identity).await;
    post_as(&browser, app, "/api/v1/auth/sso/callback", callback).await
}

#[tokio::test]
async fn members_sign_in_later_with_sso_as_the_identity_they_accepted_with() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", true).await;
    let (_, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    let ada = Identity::new("ada@example.com").named("Ada", "Lovelace");
    let accepted = accept_with_sso(&app, &token, &ada).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let user_id = accepted.body["user"]["id"].as_i64().unwrap();
    let subject: Option<String> = app
        .with_db(move |conn| {
            users::table
                .find(user_id)
                .select(users::sso_subject)
                .first(conn)
                .unwrap()
        })
        .await;
    assert!(subject.is_some(), "the provider's subject is remembered");

    let again = sign_in_with_sso(&app, "ADA@example.com", &ada).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["user"]["id"], user_id);
    let me = app
        .get("/api/v1/me", again.body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.body["email"], "ada@example.com");

    // Someone else at the provider cannot sign in to Ada's account: not as themselves...
    let other = sign_in_with_sso(
        &app,
        "ada@example.com",
        &Identity::new("mallory@example.com"),
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(other.code(), "sso_not_a_member");
    // ...nor as another account of the provider that claims Ada's address.
    let claimed =
        sign_in_with_sso(&app, "ada@example.com", &Identity::new("ada@example.com")).await;
    assert_eq!(claimed.status, StatusCode::FORBIDDEN);
    assert_eq!(claimed.code(), "sso_identity_mismatch");

    // The admin, who has a password, signs in with the provider by matching address.
    let admin_in = sign_in_with_sso(&app, &admin.email, &Identity::new(&admin.email)).await;
    assert_eq!(admin_in.status, StatusCode::OK, "{}", admin_in.text);
}

#[tokio::test]
async fn sso_is_unavailable_where_no_provider_is_set_up() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (_, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    let landing = app.landing(&token).await;
    assert_eq!(landing.body["sso_available"], false);
    let start = post_as(&browser(), &app, &invitation_sso(&token), json!({})).await;
    assert_eq!(start.status, StatusCode::CONFLICT);
    assert_eq!(start.code(), "sso_not_configured");

    // The same answer for a member without SSO and for an unknown address.
    for email in [admin.email.as_str(), "nobody@example.com"] {
        let reply = post_as(
            &browser(),
            &app,
            "/api/v1/auth/sso",
            json!({ "email": email }),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            reply.field_error("email").unwrap()["code"],
            "sso_unavailable"
        );
    }
    // Password sign-in is unaffected.
    assert_eq!(
        app.login(&admin.email, ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
}

async fn upload_csv(app: &TestApp, admin: &Member, csv: &str) -> Reply {
    read(
        app.client
            .post(format!("{}/api/v1/invitation-imports", app.address))
            .bearer_auth(&admin.token)
            .header("Content-Type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_csv_preview_says_when_empty_names_will_come_from_sso() {
    let app = spawn_app().await;
    let csv = "email,first_name,last_name,role,department,group\nada@example.com,,,learner,,\n";
    let with_sso = sso_org(&app, "Acme", false).await;
    let without = app.admin_of("Globex").await;

    let preview = upload_csv(&app, &with_sso, csv).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(preview.body["names_from_sso"], true);
    assert_eq!(preview.body["summary"]["valid"], 1);
    let again = app
        .get(
            &format!("/api/v1/invitation-imports/{}", preview.body["id"]),
            &with_sso.token,
        )
        .await;
    assert_eq!(again.body["names_from_sso"], true);

    let plain = upload_csv(&app, &without, csv).await;
    assert_eq!(plain.status, StatusCode::CREATED, "{}", plain.text);
    assert_eq!(plain.body["names_from_sso"], false);
}

#[tokio::test]
async fn an_attackers_callback_with_a_stolen_state_does_not_cancel_the_real_sign_in() {
    let app = spawn_app().await;
    let admin = sso_org(&app, "Acme", false).await;
    let (id, token) = invited(&app, &admin, json!({ "email": "ada@example.com" })).await;
    let ada = browser();
    let back = through_provider(
        &app,
        &ada,
        &invitation_sso(&token),
        json!({}),
        &Identity::new("ada@example.com"),
    )
    .await;
    // The attacker replays Ada's code and state from a browser without her sign-in's key.
    let attacker = post_as(&browser(), &app, "/api/v1/auth/sso/callback", back.clone()).await;
    assert_eq!(attacker.status, StatusCode::BAD_REQUEST);
    assert_eq!(attacker.code(), "sso_state_invalid");
    // Ada's own callback still goes through.
    let accepted = post_as(&ada, &app, "/api/v1/auth/sso/callback", back).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    assert_eq!(invitation_status(&app, &admin, id).await, "accepted");
}
