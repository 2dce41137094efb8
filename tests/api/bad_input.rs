//! Bad input always gets a clear error in the one error shape, and changes nothing.

use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::{read, spawn_app, Reply, TestApp};

async fn raw(
    app: &TestApp,
    path: &str,
    token: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> Reply {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    read(response).await
}

fn assert_error_shape(reply: &Reply) {
    let error = &reply.body["error"];
    assert!(error["code"].is_string(), "{}", reply.text);
    assert!(error["message"].is_string(), "{}", reply.text);
    assert!(error["details"].is_array(), "{}", reply.text);
}

#[tokio::test]
async fn malformed_json_is_a_400_in_the_error_shape() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = raw(
        &app,
        "/api/v1/invitations",
        &admin.token,
        "application/json",
        "{\"email\": ",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_json");
    assert_error_shape(&reply);
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = raw(
        &app,
        "/api/v1/invitations",
        &admin.token,
        "application/json",
        "{\"email\": 42}",
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error_shape(&reply);
    let list = raw(
        &app,
        "/api/v1/invitations",
        &admin.token,
        "application/json",
        "[1,2]",
    )
    .await;
    assert_eq!(list.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = raw(
        &app,
        "/api/v1/invitations",
        &admin.token,
        "text/plain",
        "email=a@example.com",
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error_shape(&reply);
}

#[tokio::test]
async fn an_oversize_body_is_a_413_and_stores_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let huge =
        json!({ "email": "a@example.com", "first_name": "x".repeat(200 * 1024) }).to_string();
    let reply = raw(
        &app,
        "/api/v1/invitations",
        &admin.token,
        "application/json",
        huge,
    )
    .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "payload_too_large");
    assert_eq!(
        app.get("/api/v1/invitations", &admin.token).await.body["total"],
        0
    );
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_404() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = app.get("/api/v1/nothing-here", &admin.token).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_error_shape(&reply);
}

#[tokio::test]
async fn a_malformed_query_is_a_400() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = app
        .get("/api/v1/invitations?page=first", &admin.token)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_error_shape(&reply);
}

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = spawn_app().await;
    let reply = app
        .request(reqwest::Method::GET, "/healthz", None, None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["database"], "ok");
}

#[tokio::test]
async fn an_unexpected_database_failure_answers_an_opaque_500() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    // Break the schema under the running app.
    app.with_db(|conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute(
            "DROP TABLE invitation_courses; DROP TABLE email_outbox; DROP TABLE invitation_retired_tokens; DROP TABLE invitations;",
        )
        .unwrap();
    })
    .await;
    let reply = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.code(), "internal_error");
    assert!(
        !reply.text.to_lowercase().contains("table"),
        "{}",
        reply.text
    );
    assert!(!reply.text.contains("invitations"), "{}", reply.text);
}
