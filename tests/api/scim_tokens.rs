//! SCIM tokens and the `scim_provisioning` setting (Admin → Organization → Provisioning).

use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::spawn_app;

#[tokio::test]
async fn a_scim_token_is_shown_once_stored_hashed_listed_and_revoked_with_events() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let created = app
        .post(
            "/api/v1/scim-tokens",
            &admin.token,
            json!({ "name": "Okta" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let secret = created.body["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("scim_"));
    let id = created.body["id"].as_i64().unwrap();

    let listed = app.get("/api/v1/scim-tokens", &admin.token).await;
    assert_eq!(listed.body[0]["name"], "Okta");
    assert!(!listed.text.contains(&secret));
    let stored: Vec<String> = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use skillstream_api::db::schema::scim_tokens;
            scim_tokens::table
                .select(scim_tokens::token_hash)
                .load(conn)
                .unwrap()
        })
        .await;
    assert_eq!(stored, [skillstream_api::tokens::hash_token(&secret)]);

    // Not an API token: it opens nothing under /api/v1.
    assert_eq!(
        app.get("/api/v1/invitations", &secret).await.status,
        StatusCode::UNAUTHORIZED
    );

    let other = app.admin_of("Globex").await;
    assert_eq!(
        app.delete(&format!("/api/v1/scim-tokens/{id}"), &other.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let revoked = app
        .delete(&format!("/api/v1/scim-tokens/{id}"), &admin.token)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let listed = app.get("/api/v1/scim-tokens", &admin.token).await;
    assert!(listed.body[0]["revoked_at"].is_string());
    let events = app
        .get(
            "/api/v1/audit-events?action=scim_token.created,scim_token.revoked",
            &admin.token,
        )
        .await;
    assert_eq!(events.body["total"], 2);
    assert!(!events.text.contains(&secret));
    let empty = app
        .post("/api/v1/scim-tokens", &admin.token, json!({ "name": "  " }))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn scim_provisioning_defaults_to_invite_and_activate_needs_single_sign_on() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let settings = app.get("/api/v1/organization/settings", &admin.token).await;
    assert_eq!(settings.body["scim_provisioning"], "invite");

    let refused = app
        .patch(
            "/api/v1/organization/settings",
            &admin.token,
            json!({ "scim_provisioning": "activate" }),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(
        refused.field_error("scim_provisioning").unwrap()["code"],
        "sso_not_configured"
    );
    let unknown = app
        .patch(
            "/api/v1/organization/settings",
            &admin.token,
            json!({ "scim_provisioning": "maybe" }),
        )
        .await;
    assert_eq!(
        unknown.field_error("scim_provisioning").unwrap()["code"],
        "invalid_choice"
    );
}
