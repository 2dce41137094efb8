use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillstream_api::db::schema::{email_outbox, invitations};
use skillstream_api::db::to_db;
use skillstream_tests::{spawn_app, Member, TestApp};

async fn invite(app: &TestApp, admin: &Member, email: &str) -> i64 {
    app.invite(admin, json!({ "email": email })).await["id"]
        .as_i64()
        .unwrap()
}

fn at(body: &Value, field: &str) -> DateTime<Utc> {
    body[field].as_str().unwrap().parse().unwrap()
}

async fn token_hash(app: &TestApp, id: i64) -> String {
    app.with_db(move |conn| {
        invitations::table
            .find(id)
            .select(invitations::token_hash)
            .first(conn)
            .unwrap()
    })
    .await
}

async fn age(app: &TestApp, id: i64, days: i64) {
    app.with_db(move |conn| {
        diesel::update(invitations::table.find(id))
            .set((
                invitations::sent_at.eq(to_db(Utc::now() - Duration::days(days))),
                invitations::expires_at.eq(to_db(Utc::now() - Duration::days(days - 7))),
            ))
            .execute(conn)
            .unwrap()
    })
    .await;
}

#[tokio::test]
async fn resend_issues_a_new_token_a_fresh_expiry_and_queues_the_email_again() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = invite(&app, &admin, "ada@example.com").await;
    age(&app, id, 3).await;
    let before = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await
        .body;
    let old_hash = token_hash(&app, id).await;

    let reply = app
        .post(
            &format!("/api/v1/invitations/{id}/resend"),
            &admin.token,
            json!({}),
        )
        .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(at(&reply.body, "expires_at") > at(&before, "expires_at"));
    assert_eq!(
        at(&reply.body, "expires_at") - at(&reply.body, "sent_at"),
        Duration::days(7)
    );
    assert_eq!(reply.body["send_count"], 2);
    assert_eq!(reply.body["status"], "pending");
    assert_ne!(token_hash(&app, id).await, old_hash);
    let outbox: Vec<String> = app
        .with_db(move |conn| {
            email_outbox::table
                .filter(email_outbox::invitation_id.eq(id))
                .order(email_outbox::id.asc())
                .select(email_outbox::status)
                .load(conn)
                .unwrap()
        })
        .await;
    // The unsent email with the old link is withdrawn; the new one is queued.
    assert_eq!(outbox, ["superseded", "queued"]);
}

#[tokio::test]
async fn an_expired_invitation_can_be_resent_and_becomes_pending() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = invite(&app, &admin, "late@example.com").await;
    age(&app, id, 10).await;
    assert_eq!(
        app.get(&format!("/api/v1/invitations/{id}"), &admin.token)
            .await
            .body["status"],
        "expired"
    );

    let reply = app
        .post(
            &format!("/api/v1/invitations/{id}/resend"),
            &admin.token,
            json!({}),
        )
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "pending");
    assert!(at(&reply.body, "expires_at") > Utc::now() + Duration::days(6));
}

#[tokio::test]
async fn resending_a_superseded_expired_invitation_points_at_the_newer_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let old = invite(&app, &admin, "twice@example.com").await;
    age(&app, old, 10).await;
    let new = invite(&app, &admin, "twice@example.com").await;

    let reply = app
        .post(
            &format!("/api/v1/invitations/{old}/resend"),
            &admin.token,
            json!({}),
        )
        .await;

    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "invitation_already_pending");
    assert_eq!(reply.body["error"]["invitation_id"], new);
}

#[tokio::test]
async fn cancel_stops_the_invitation_and_withdraws_its_unsent_email() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = invite(&app, &admin, "bye@example.com").await;

    let reply = app
        .post(
            &format!("/api/v1/invitations/{id}/cancel"),
            &admin.token,
            json!({}),
        )
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "cancelled");
    assert!(reply.body["cancelled_at"].is_string());
    let sealed: Option<String> = app
        .with_db(move |conn| {
            email_outbox::table
                .filter(email_outbox::invitation_id.eq(id))
                .select(email_outbox::sealed_token)
                .first(conn)
                .unwrap()
        })
        .await;
    assert_eq!(sealed, None);
}

#[tokio::test]
async fn an_expired_invitation_can_be_cancelled() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = invite(&app, &admin, "old@example.com").await;
    age(&app, id, 10).await;
    let reply = app
        .post(
            &format!("/api/v1/invitations/{id}/cancel"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(reply.body["status"], "cancelled");
}

#[tokio::test]
async fn a_cancelled_invitation_can_be_neither_resent_nor_cancelled_again() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = invite(&app, &admin, "done@example.com").await;
    app.post(
        &format!("/api/v1/invitations/{id}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;

    let resend = app
        .post(
            &format!("/api/v1/invitations/{id}/resend"),
            &admin.token,
            json!({}),
        )
        .await;
    let cancel = app
        .post(
            &format!("/api/v1/invitations/{id}/cancel"),
            &admin.token,
            json!({}),
        )
        .await;

    assert_eq!(resend.status, StatusCode::CONFLICT);
    assert_eq!(resend.code(), "invitation_cancelled");
    assert_eq!(cancel.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_accepted_invitation_can_be_neither_resent_nor_cancelled() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = invite(&app, &admin, "joined@example.com").await;
    app.with_db(move |conn| {
        diesel::update(invitations::table.find(id))
            .set(invitations::status.eq("accepted"))
            .execute(conn)
            .unwrap()
    })
    .await;

    let resend = app
        .post(
            &format!("/api/v1/invitations/{id}/resend"),
            &admin.token,
            json!({}),
        )
        .await;
    let cancel = app
        .post(
            &format!("/api/v1/invitations/{id}/cancel"),
            &admin.token,
            json!({}),
        )
        .await;

    assert_eq!(resend.status, StatusCode::CONFLICT);
    assert_eq!(resend.code(), "invitation_already_accepted");
    assert!(resend.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("accepted"));
    assert_eq!(cancel.status, StatusCode::CONFLICT);
    assert_eq!(cancel.code(), "invitation_already_accepted");
}

#[tokio::test]
async fn an_organization_with_a_longer_expiry_gives_its_invitations_that_expiry() {
    use skillstream_api::db::schema::organizations;
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let org = admin.organization_id;
    app.with_db(move |conn| {
        diesel::update(organizations::table.find(org))
            .set(organizations::invitation_ttl_days.eq(14))
            .execute(conn)
            .unwrap()
    })
    .await;
    let body = app
        .invite(&admin, json!({ "email": "x@example.com" }))
        .await;
    assert_eq!(
        at(&body, "expires_at") - at(&body, "sent_at"),
        Duration::days(14)
    );
}
