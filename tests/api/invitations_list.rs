use chrono::{Duration, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillstream_api::db::schema::invitations;
use skillstream_api::db::to_db;
use skillstream_tests::{spawn_app, Member, TestApp};

async fn invite(app: &TestApp, admin: &Member, email: &str) -> i64 {
    app.invite(admin, json!({ "email": email })).await["id"]
        .as_i64()
        .unwrap()
}

fn emails(reply: &skillstream_tests::Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_list_filters_by_status_including_derived_expiry() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    invite(&app, &admin, "pending@example.com").await;
    let expired = invite(&app, &admin, "expired@example.com").await;
    let cancelled = invite(&app, &admin, "cancelled@example.com").await;
    app.post(
        &format!("/api/v1/invitations/{cancelled}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    app.with_db(move |conn| {
        diesel::update(invitations::table.find(expired))
            .set(invitations::expires_at.eq(to_db(Utc::now() - Duration::minutes(1))))
            .execute(conn)
            .unwrap()
    })
    .await;

    let all = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(all.body["total"], 3);
    for (status, expected) in [
        ("pending", "pending@example.com"),
        ("expired", "expired@example.com"),
        ("cancelled", "cancelled@example.com"),
    ] {
        let reply = app
            .get(
                &format!("/api/v1/invitations?status={status}"),
                &admin.token,
            )
            .await;
        assert_eq!(emails(&reply), [expected], "{status}");
        assert_eq!(reply.body["items"][0]["status"], status);
    }
    let accepted = app
        .get("/api/v1/invitations?status=accepted", &admin.token)
        .await;
    assert_eq!(accepted.body["total"], 0);
}

#[tokio::test]
async fn an_unknown_status_filter_is_a_field_error() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = app
        .get("/api/v1/invitations?status=lost", &admin.token)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.field_error("status").is_some());
}

#[tokio::test]
async fn the_list_searches_by_email_case_insensitively() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    invite(&app, &admin, "Grace.Hopper@navy.example.com").await;
    invite(&app, &admin, "alan@example.com").await;
    invite(&app, &admin, "percent_100%@example.com").await;

    let reply = app.get("/api/v1/invitations?q=GRACE", &admin.token).await;
    assert_eq!(emails(&reply), ["Grace.Hopper@navy.example.com"]);
    let by_email = app
        .get("/api/v1/invitations?email=navy", &admin.token)
        .await;
    assert_eq!(emails(&by_email), ["Grace.Hopper@navy.example.com"]);
    // LIKE wildcards in the search are literal characters.
    let literal = app.get("/api/v1/invitations?q=_100%25", &admin.token).await;
    assert_eq!(emails(&literal), ["percent_100%@example.com"]);
}

#[tokio::test]
async fn the_list_is_paginated_newest_first() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    for i in 0..5 {
        invite(&app, &admin, &format!("user{i}@example.com")).await;
    }
    let first = app
        .get("/api/v1/invitations?per_page=2", &admin.token)
        .await;
    assert_eq!(emails(&first), ["user4@example.com", "user3@example.com"]);
    assert_eq!(first.body["total"], 5);
    assert_eq!(first.body["total_pages"], 3);
    let last = app
        .get("/api/v1/invitations?per_page=2&page=3", &admin.token)
        .await;
    assert_eq!(emails(&last), ["user0@example.com"]);
    let beyond = app
        .get("/api/v1/invitations?per_page=2&page=9", &admin.token)
        .await;
    assert!(emails(&beyond).is_empty());
    let clamped = app
        .get("/api/v1/invitations?per_page=100000", &admin.token)
        .await;
    assert_eq!(clamped.body["per_page"], 100);
}

#[tokio::test]
async fn one_invitation_shows_its_delivery_state() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = invite(&app, &admin, "one@example.com").await;
    let reply = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["email_delivery"]["status"], "queued");
    assert_eq!(reply.body["email_delivery"]["attempts"], 0);

    let missing = app.get("/api/v1/invitations/999999", &admin.token).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
    let not_a_number = app.get("/api/v1/invitations/abc", &admin.token).await;
    assert_eq!(not_a_number.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn list_items_name_their_department_group_inviter_and_courses() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    app.create_group(&admin, "Managers").await;
    let course = app.create_course(&admin, "Onboarding").await;
    app.invite(
        &admin,
        json!({ "email": "ada@example.com", "department": "Sales", "group": "Managers", "course_ids": [course] }),
    )
    .await;
    app.invite(&admin, json!({ "email": "bob@example.com" }))
        .await;

    let list = app.get("/api/v1/invitations", &admin.token).await;

    assert_eq!(list.status, StatusCode::OK);
    let items = list.body["items"].as_array().unwrap();
    let ada = items
        .iter()
        .find(|i| i["email"] == "ada@example.com")
        .unwrap();
    assert_eq!(ada["department"], "Sales");
    assert_eq!(ada["group"], "Managers");
    assert_eq!(ada["invited_by"]["email"], admin.email);
    assert_eq!(ada["courses"][0]["title"], "Onboarding");
    assert_eq!(ada["email_delivery"]["status"], "queued");
    let bob = items
        .iter()
        .find(|i| i["email"] == "bob@example.com")
        .unwrap();
    assert_eq!(bob["department"], Value::Null);
    assert_eq!(bob["group"], Value::Null);
    assert_eq!(bob["courses"], json!([]));
    assert_eq!(bob["invited_by"]["id"], admin.user_id);
}
