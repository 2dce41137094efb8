//! The batch API for integrators.

use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::{spawn_app, Reply, TestApp};

async fn batch(app: &TestApp, token: &str, key: Option<&str>, body: serde_json::Value) -> Reply {
    let mut request = app
        .client
        .post(format!("{}/api/v1/invitations/batch", app.address))
        .bearer_auth(token)
        .json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    skillstream_tests::read(request.send().await.unwrap()).await
}

#[tokio::test]
async fn a_dry_run_previews_every_row_and_stores_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    let reply = batch(
        &app,
        &admin.token,
        None,
        json!({ "dry_run": true, "invitations": [
            { "email": "ada@example.com", "department": "Sales" },
            { "email": "bob@example.com", "department": "sales" }
        ]}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["dry_run"], true);
    assert_eq!(reply.body["import_id"], json!(null));
    assert_eq!(reply.body["summary"]["invalid"], 1);
    assert_eq!(reply.body["rows"][1]["errors"][0]["suggestion"], "Sales");
    assert_eq!(
        app.get("/api/v1/invitations", &admin.token).await.body["total"],
        0
    );
}

#[tokio::test]
async fn rows_with_errors_refuse_the_batch_unless_skip_invalid() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let body = json!([{ "email": "ada@example.com" }, { "email": "nope", "role": "boss" }]);

    let refused = batch(&app, &admin.token, None, body.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "import_has_errors");
    assert!(refused.field_error("invitations[1].email").is_some());
    assert!(refused.field_error("invitations[1].role").is_some());
    assert_eq!(
        app.get("/api/v1/invitations", &admin.token).await.body["total"],
        0
    );

    let sent = batch(
        &app,
        &admin.token,
        None,
        json!({ "invitations": body, "skip_invalid": true }),
    )
    .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    assert_eq!(sent.body["result"]["created"], 1);
    assert_eq!(sent.body["result"]["skipped"], 1);
    assert_eq!(
        app.get("/api/v1/invitations", &admin.token).await.body["total"],
        1
    );
}

#[tokio::test]
async fn an_idempotency_key_makes_a_retry_return_the_first_result() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let body =
        json!({ "invitations": [{ "email": "ada@example.com" }, { "email": "bob@example.com" }] });

    let first = batch(&app, &admin.token, Some("sync-2026-11-27"), body.clone()).await;
    let retries = futures::future::join_all(
        (0..3).map(|_| batch(&app, &admin.token, Some("sync-2026-11-27"), body.clone())),
    )
    .await;

    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    for retry in &retries {
        assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
        assert_eq!(retry.body["import_id"], first.body["import_id"]);
        assert_eq!(retry.body["result"]["created"], 2);
    }
    assert_eq!(
        app.get("/api/v1/invitations", &admin.token).await.body["total"],
        2
    );
    // Another key is another batch: now both addresses are pending.
    let other = batch(&app, &admin.token, Some("sync-2"), body).await;
    assert_eq!(other.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_malformed_batch_body_is_a_clear_error() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = batch(&app, &admin.token, None, json!({ "people": 3 })).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let empty = batch(&app, &admin.token, None, json!([])).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_idempotency_key_outside_printable_ascii_is_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let body = json!([{ "email": "ada@example.com" }]);
    for bad in ["tab\there", &"k".repeat(201)] {
        let reply = batch(&app, &admin.token, Some(bad), body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{bad:?}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "invalid_idempotency_key");
    }
    let listed = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(listed.body["total"], 0);
    let fine = batch(&app, &admin.token, Some("sync 2026-12-01 #1"), body).await;
    assert_eq!(fine.status, StatusCode::CREATED, "{}", fine.text);
}
