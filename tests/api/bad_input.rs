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

/// PostgreSQL cut the app's connections (a restart, a failover): a request that meets a cut
/// connection answers 503 with Retry-After and nothing internal, the pool drops that
/// connection instead of handing it out again, and the app answers again without a restart.
/// SQLite has no server to lose, so this runs on PostgreSQL only.
#[tokio::test]
async fn the_app_answers_again_after_postgresql_cuts_its_connections() {
    let app = spawn_app().await;
    let skillstream_api::db::DatabaseTarget::Postgres(url) = app.settings.database.clone() else {
        return;
    };
    let admin = app.admin_of("Acme").await;
    app.invite(
        &admin,
        json!({"email": "ada@example.com", "role": "learner"}),
    )
    .await;
    let reply = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

    // From a connection of its own, so every connection in the app's pool is cut.
    let cut = tokio::task::spawn_blocking(move || {
        use diesel::sql_types::BigInt;
        use diesel::{Connection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Cut {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        diesel::sql_query(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS n \
             FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .get_result::<Cut>(&mut conn)
        .unwrap()
        .n
    })
    .await
    .unwrap();
    assert!(cut >= 1, "no connection was cut");

    let pool_size = app.settings.db_pool_size as usize;
    let mut failures = 0;
    let reply = loop {
        let reply = app.get("/api/v1/invitations", &admin.token).await;
        if reply.status == StatusCode::OK {
            break reply;
        }
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            reply.text
        );
        assert_eq!(reply.code(), "service_unavailable");
        assert!(reply.headers.contains_key("retry-after"));
        assert!(
            !reply.text.to_lowercase().contains("terminat"),
            "{}",
            reply.text
        );
        failures += 1;
        assert!(
            failures <= pool_size,
            "a cut connection was handed out again: {failures} failures with {pool_size} connections"
        );
    };
    assert_eq!(reply.body["items"][0]["email"], "ada@example.com");
}
