use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::spawn_app;

#[tokio::test]
async fn an_api_token_is_shown_once_works_as_a_bearer_and_stops_when_revoked() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let created = app
        .post(
            "/api/v1/api-tokens",
            &admin.token,
            json!({ "name": "HR sync" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let secret = created.body["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("sst_"));
    let id = created.body["id"].as_i64().unwrap();

    // The integrator can invite with it.
    let invited = app
        .post(
            "/api/v1/invitations",
            &secret,
            json!({ "email": "new@example.com" }),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text);
    assert_eq!(invited.body["invited_by"]["id"], admin.user_id);

    // Listing never shows the secret again.
    let listed = app.get("/api/v1/api-tokens", &admin.token).await;
    assert_eq!(listed.body[0]["name"], "HR sync");
    assert!(listed.body[0].get("token").is_none());
    assert!(!listed.text.contains(&secret));
    assert!(listed.body[0]["last_used_at"].is_string());

    // Only a hash is stored.
    let stored: Vec<String> = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use skillstream_api::db::schema::api_tokens;
            api_tokens::table
                .select(api_tokens::token_hash)
                .load(conn)
                .unwrap()
        })
        .await;
    assert!(stored.iter().all(|h| !h.contains(&secret[4..])));

    let revoked = app
        .delete(&format!("/api/v1/api-tokens/{id}"), &admin.token)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/invitations", &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = app
        .delete(&format!("/api/v1/api-tokens/{id}"), &admin.token)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_api_token_is_unauthorized() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/invitations", "sst_doesnotexist").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_api_token_needs_a_name() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = app
        .post("/api/v1/api-tokens", &admin.token, json!({ "name": "  " }))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.field_error("name").is_some());
}

#[tokio::test]
async fn a_read_only_token_reads_but_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let created = app
        .post(
            "/api/v1/api-tokens",
            &admin.token,
            json!({ "name": "Reporting", "read_only": true }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["read_only"], true);
    let token = created.body["token"].as_str().unwrap().to_string();

    assert_eq!(
        app.get("/api/v1/invitations", &token).await.status,
        StatusCode::OK
    );
    let refused = app
        .post(
            "/api/v1/invitations",
            &token,
            json!({ "email": "ada@example.com" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "read_only_token");
    let listed = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(listed.body["total"], 0, "nothing was created");

    // The list says when it was last used.
    let tokens = app.get("/api/v1/api-tokens", &admin.token).await;
    let reporting = tokens
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Reporting")
        .unwrap();
    assert!(reporting["last_used_at"].is_string(), "{reporting}");
}

#[tokio::test]
async fn a_token_stops_working_when_it_expires() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let bad = app
        .post(
            "/api/v1/api-tokens",
            &admin.token,
            json!({ "name": "x", "expires_in_days": 0 }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let created = app
        .post(
            "/api/v1/api-tokens",
            &admin.token,
            json!({ "name": "Quarterly sync", "expires_in_days": 90 }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let expires =
        chrono::DateTime::parse_from_rfc3339(created.body["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((89.9..=90.1).contains(&days), "{days}");
    let token = created.body["token"].as_str().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/invitations", &token).await.status,
        StatusCode::OK
    );

    let id = created.body["id"].as_i64().unwrap();
    app.with_db(move |conn| {
        use diesel::prelude::*;
        use skillstream_api::db::schema::api_tokens;
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::expires_at.eq(skillstream_api::db::to_db(
                chrono::Utc::now() - chrono::Duration::minutes(1),
            )))
            .execute(conn)
            .unwrap();
    })
    .await;
    assert_eq!(
        app.get("/api/v1/invitations", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
}
