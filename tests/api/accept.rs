//! The invitee's half: the landing page's data and acceptance.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_api::db::schema::{invitation_retired_tokens, invitations, organizations};
use skillstream_api::db::to_db;
use skillstream_tests::{spawn_app, spawn_app_with, Member, Reply, TestApp, ADMIN_PASSWORD};

const PASSWORD: &str = "a long enough password";

async fn accept(app: &TestApp, token: &str, body: Value) -> Reply {
    app.request(
        Method::POST,
        &format!("/api/v1/public/invitations/{token}/accept"),
        None,
        Some(&body),
    )
    .await
}

async fn invited(app: &TestApp, admin: &Member, body: Value) -> (i64, String) {
    let id = app.invite(admin, body).await["id"].as_i64().unwrap();
    (id, app.link_token(id).await)
}

#[tokio::test]
async fn the_landing_page_shows_organization_email_role_and_courses_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    let course = app.create_course(&admin, "Onboarding").await;
    let (id, token) = invited(
        &app,
        &admin,
        json!({ "email": "ada@example.com", "role": "instructor", "department": "Sales", "course_ids": [course] }),
    )
    .await;

    let first = app.landing(&token).await;
    let second = app.landing(&token).await;

    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body, second.body);
    assert_eq!(first.body["organization"]["name"], "Acme");
    assert_eq!(first.body["email"], "ada@example.com");
    assert_eq!(first.body["role"], "instructor");
    assert_eq!(first.body["department"], "Sales");
    assert_eq!(first.body["courses"][0]["title"], "Onboarding");
    assert_eq!(first.body["sso_enforced"], false);
    assert_eq!(first.body["password_policy"]["min_length"], 12);
    let view = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await;
    assert_eq!(view.body["status"], "pending");
}

#[tokio::test]
async fn accepting_creates_an_active_member_with_role_department_group_and_courses_and_signs_them_in(
) {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    app.create_group(&admin, "Managers").await;
    let safety = app.create_course(&admin, "Safety").await;
    let onboarding = app.create_course(&admin, "Onboarding").await;
    let (id, token) = invited(
        &app,
        &admin,
        json!({
            "email": "Ada@Example.com", "role": "instructor", "department": "Sales", "group": "Managers",
            "first_name": "Ada", "course_ids": [safety, onboarding]
        }),
    )
    .await;

    let reply = accept(
        &app,
        &token,
        json!({ "password": PASSWORD, "first_name": "Not Ada", "last_name": "Lovelace" }),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let session = reply.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", session).await;
    assert_eq!(me.body["email"], "Ada@Example.com");
    assert_eq!(me.body["role"], "instructor");
    assert_eq!(me.body["department"], "Sales");
    assert_eq!(me.body["group"], "Managers");
    assert_eq!(me.body["status"], "active");
    // Names on the invitation win; empty ones are filled from the form.
    assert_eq!(me.body["first_name"], "Ada");
    assert_eq!(me.body["last_name"], "Lovelace");

    let courses = app.get("/api/v1/me/enrollments", session).await;
    let titles: Vec<&str> = courses
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Onboarding", "Safety"]);

    let users = app.get("/api/v1/users?q=ada", &admin.token).await;
    assert_eq!(users.body["items"][0]["status"], "active");
    let invitation = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await;
    assert_eq!(invitation.body["status"], "accepted");
    assert_eq!(invitation.body["accepted_user_id"], me.body["id"]);

    // The new member signs in later with the password they chose.
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_link_works_once() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (_, token) = invited(&app, &admin, json!({ "email": "once@example.com" })).await;
    assert_eq!(
        accept(&app, &token, json!({ "password": PASSWORD }))
            .await
            .status,
        StatusCode::OK
    );

    let again = accept(&app, &token, json!({ "password": PASSWORD })).await;
    let look = app.landing(&token).await;

    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(again.code(), "invitation_already_accepted");
    assert_eq!(look.status, StatusCode::GONE);
}

#[tokio::test]
async fn two_concurrent_accepts_of_one_link_make_exactly_one_member() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (_, token) = invited(&app, &admin, json!({ "email": "race@example.com" })).await;

    let replies = futures::future::join_all(
        (0..4).map(|_| accept(&app, &token, json!({ "password": PASSWORD }))),
    )
    .await;

    let ok = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "{replies:?}");
    assert!(replies
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .all(|r| r.status == StatusCode::GONE));
    assert_eq!(
        app.get("/api/v1/users?q=race", &admin.token).await.body["total"],
        1
    );
}

#[tokio::test]
async fn a_weak_password_is_refused_and_the_link_still_works() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (_, token) = invited(&app, &admin, json!({ "email": "ada.lovelace@example.com" })).await;

    for password in [json!("short"), json!(null), json!("x".repeat(129))] {
        let reply = accept(&app, &token, json!({ "password": password })).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        assert_eq!(
            reply.field_error("password").unwrap()["code"],
            "password_policy"
        );
    }
    // Long enough but guessed at once: a common password, or their own address with a year.
    for password in ["password123456", "ada.lovelace1815"] {
        let reply = accept(&app, &token, json!({ "password": password })).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        let refusal = reply.field_error("password").unwrap();
        assert_eq!(refusal["code"], "weak_password", "{password}");
        assert!(refusal["message"]
            .as_str()
            .unwrap()
            .starts_with("This password is too easy to guess."));
    }
    let bad_name = accept(
        &app,
        &token,
        json!({ "password": PASSWORD, "first_name": "a\u{0}b" }),
    )
    .await;
    assert!(bad_name.field_error("first_name").is_some());
    assert_eq!(app.landing(&token).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_or_malformed_token_is_not_found() {
    let app = spawn_app().await;
    for token in ["x".repeat(43), "not a token".into(), "a.b".into()] {
        let reply = app.landing(&token).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{token}");
        assert_eq!(reply.code(), "invitation_not_found");
    }
    let reply = accept(&app, &"y".repeat(43), json!({ "password": PASSWORD })).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_expired_link_answers_410_expired() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (id, token) = invited(&app, &admin, json!({ "email": "late@example.com" })).await;
    app.with_db(move |conn| {
        diesel::update(invitations::table.find(id))
            .set(invitations::expires_at.eq(to_db(Utc::now() - Duration::seconds(1))))
            .execute(conn)
            .unwrap()
    })
    .await;

    let look = app.landing(&token).await;
    let reply = accept(&app, &token, json!({ "password": PASSWORD })).await;

    assert_eq!(look.status, StatusCode::GONE);
    assert_eq!(look.code(), "invitation_expired");
    assert_eq!(reply.code(), "invitation_expired");
    assert!(look.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("resend"));
    // What the organization lets the holder do about it (default: get a fresh link).
    assert_eq!(look.body["error"]["renewal"], "self_service");
    assert_eq!(look.body["error"]["contact"]["email"], admin.email);

    app.patch(
        "/api/v1/organization/settings",
        &admin.token,
        json!({ "expired_link": "contact_admin" }),
    )
    .await;
    assert_eq!(
        app.landing(&token).await.body["error"]["renewal"],
        "contact_admin"
    );
}

#[tokio::test]
async fn a_cancelled_invitation_s_link_answers_410_cancelled() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (id, token) = invited(&app, &admin, json!({ "email": "bye@example.com" })).await;
    app.post(
        &format!("/api/v1/invitations/{id}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;

    let reply = app.landing(&token).await;

    assert_eq!(reply.status, StatusCode::GONE);
    assert_eq!(reply.code(), "invitation_cancelled");
    // Not a dead end: it says who sent the invitation.
    assert_eq!(reply.body["error"]["contact"]["email"], admin.email);
}

#[tokio::test]
async fn with_no_resend_grace_a_resend_kills_the_old_link_and_the_new_one_works() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.patch(
        "/api/v1/organization/settings",
        &admin.token,
        json!({ "resend_grace_hours": 0 }),
    )
    .await;
    let (id, old) = invited(&app, &admin, json!({ "email": "again@example.com" })).await;
    app.post(
        &format!("/api/v1/invitations/{id}/resend"),
        &admin.token,
        json!({}),
    )
    .await;
    let new = app.link_token(id).await;

    let dead = app.landing(&old).await;
    assert_eq!(dead.status, StatusCode::GONE);
    assert_eq!(dead.code(), "invitation_superseded");
    assert_eq!(dead.body["error"]["contact"]["email"], admin.email);
    // A link that never was an invitation's names nobody.
    let unknown = app.landing("no-such-token-at-all-0123456789abcdef").await;
    assert_eq!(unknown.code(), "invitation_not_found");
    assert!(unknown.body["error"].get("contact").is_none());
    assert_eq!(
        accept(&app, &old, json!({ "password": PASSWORD }))
            .await
            .status,
        StatusCode::GONE
    );
    assert_eq!(
        accept(&app, &new, json!({ "password": PASSWORD }))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn within_the_resend_grace_either_link_accepts_once_and_the_other_then_answers_410() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (id, old) = invited(&app, &admin, json!({ "email": "grace@example.com" })).await;
    app.post(
        &format!("/api/v1/invitations/{id}/resend"),
        &admin.token,
        json!({}),
    )
    .await;
    let new = app.link_token(id).await;

    // Default grace, 24 hours: the older email's link still opens the invitation.
    assert_eq!(app.landing(&old).await.status, StatusCode::OK);
    assert_eq!(app.landing(&new).await.status, StatusCode::OK);
    let accepted = accept(&app, &old, json!({ "password": PASSWORD })).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);

    for link in [&new, &old] {
        let again = accept(&app, link, json!({ "password": PASSWORD })).await;
        assert_eq!(again.status, StatusCode::GONE);
        assert_eq!(again.code(), "invitation_already_accepted");
    }
    let users = app.get("/api/v1/users?q=grace", &admin.token).await;
    assert_eq!(users.body["total"], 1);
}

#[tokio::test]
async fn once_the_grace_has_passed_the_replaced_link_points_to_the_newer_email() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (id, old) = invited(&app, &admin, json!({ "email": "later@example.com" })).await;
    app.post(
        &format!("/api/v1/invitations/{id}/resend"),
        &admin.token,
        json!({}),
    )
    .await;
    assert_eq!(app.landing(&old).await.status, StatusCode::OK);

    // The grace ends (as if 24 hours had gone by).
    app.with_db(move |conn| {
        diesel::update(
            invitation_retired_tokens::table
                .filter(invitation_retired_tokens::invitation_id.eq(id)),
        )
        .set(invitation_retired_tokens::usable_until.eq(to_db(Utc::now() - Duration::seconds(1))))
        .execute(conn)
        .unwrap()
    })
    .await;

    let dead = app.landing(&old).await;
    assert_eq!(dead.status, StatusCode::GONE);
    assert_eq!(dead.code(), "invitation_superseded");
    let refused = accept(&app, &old, json!({ "password": PASSWORD })).await;
    assert_eq!(refused.code(), "invitation_superseded");
}

#[tokio::test]
async fn a_second_resend_ends_the_grace_of_the_first_link() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (id, first) = invited(&app, &admin, json!({ "email": "twice@example.com" })).await;
    let path = format!("/api/v1/invitations/{id}/resend");
    let resend = || app.post(&path, &admin.token, json!({}));
    resend().await;
    let second = app.link_token(id).await;
    resend().await;
    let third = app.link_token(id).await;

    assert_eq!(app.landing(&first).await.code(), "invitation_superseded");
    assert_eq!(app.landing(&second).await.status, StatusCode::OK);
    assert_eq!(app.landing(&third).await.status, StatusCode::OK);
}

#[tokio::test]
async fn enforced_sso_refuses_password_acceptance_and_keeps_the_invitation() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let org = admin.organization_id;
    app.with_db(move |conn| {
        diesel::update(organizations::table.find(org))
            .set(organizations::sso_enforced.eq(true))
            .execute(conn)
            .unwrap()
    })
    .await;
    let (id, token) = invited(&app, &admin, json!({ "email": "sso@example.com" })).await;

    assert_eq!(app.landing(&token).await.body["sso_enforced"], true);
    let reply = accept(&app, &token, json!({ "password": PASSWORD })).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "sso_required");
    let view = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await;
    assert_eq!(view.body["status"], "pending");
}

#[tokio::test]
async fn accepting_as_someone_who_became_a_member_meanwhile_is_a_conflict_and_consumes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let (id, token) = invited(&app, &admin, json!({ "email": "twice@example.com" })).await;
    app.member_of(admin.organization_id, "twice@example.com", "learner")
        .await;

    let reply = accept(&app, &token, json!({ "password": PASSWORD })).await;

    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "already_a_member");
    let view = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await;
    assert_eq!(view.body["status"], "pending");
}

#[tokio::test]
async fn the_public_endpoints_are_rate_limited_per_token() {
    let app = spawn_app_with(|s| s.rate_limits.public_per_token = 3).await;
    let admin = app.admin_of("Acme").await;
    let (_, token) = invited(&app, &admin, json!({ "email": "busy@example.com" })).await;
    for _ in 0..3 {
        assert_eq!(app.landing(&token).await.status, StatusCode::OK);
    }
    let limited = app.landing(&token).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), "rate_limited");
    assert!(
        limited.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
}

#[tokio::test]
async fn the_public_endpoints_are_rate_limited_per_address() {
    let app = spawn_app_with(|s| s.rate_limits.public_per_ip = 5).await;
    for i in 0..5 {
        assert_eq!(
            app.landing(&format!("guess{i}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.landing("guess-more").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn wrong_passwords_are_rate_limited_per_email() {
    let app = spawn_app_with(|s| s.rate_limits.login_per_email = 3).await;
    app.admin_of("Acme").await;
    // Successful sign-ins do not count.
    for _ in 0..3 {
        let reply = app.login("admin@acme.example.com", ADMIN_PASSWORD).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    for _ in 0..3 {
        let reply = app.login("admin@acme.example.com", "wrong password").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    // From this client, even the right password waits now.
    let limited = app.login("ADMIN@acme.example.com", ADMIN_PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("retry-after"));
    // Another address is not affected.
    assert_eq!(
        app.login("other@acme.example.com", "whatever").await.status,
        StatusCode::UNAUTHORIZED
    );
}
