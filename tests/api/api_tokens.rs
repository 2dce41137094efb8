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
