//! Every admin operation is scoped to the caller's organization.

use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::spawn_app;

#[tokio::test]
async fn an_admin_sees_and_changes_nothing_of_another_organization() {
    let app = spawn_app().await;
    let a = app.admin_of("Acme").await;
    let b = app.admin_of("Globex").await;
    let b_department = app.create_department(&b, "Sales").await;
    let b_group = app.create_group(&b, "Managers").await;
    let b_course = app.create_course(&b, "Globex onboarding").await;
    let b_invitation = app
        .invite(&b, json!({ "email": "someone@globex.example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();

    // Lists show only A's own things.
    assert_eq!(
        app.get("/api/v1/invitations", &a.token).await.body["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/departments", &a.token).await.body,
        json!([])
    );
    assert_eq!(app.get("/api/v1/groups", &a.token).await.body, json!([]));
    assert_eq!(app.get("/api/v1/courses", &a.token).await.body, json!([]));
    let users = app.get("/api/v1/users", &a.token).await;
    assert_eq!(users.body["total"], 1);
    assert_eq!(users.body["items"][0]["email"], a.email);

    // By id, B's things do not exist for A.
    for reply in [
        app.get(&format!("/api/v1/invitations/{b_invitation}"), &a.token)
            .await,
        app.post(
            &format!("/api/v1/invitations/{b_invitation}/resend"),
            &a.token,
            json!({}),
        )
        .await,
        app.post(
            &format!("/api/v1/invitations/{b_invitation}/cancel"),
            &a.token,
            json!({}),
        )
        .await,
        app.patch(
            &format!("/api/v1/departments/{b_department}"),
            &a.token,
            json!({ "name": "Mine" }),
        )
        .await,
        app.delete(&format!("/api/v1/departments/{b_department}"), &a.token)
            .await,
        app.patch(
            &format!("/api/v1/groups/{b_group}"),
            &a.token,
            json!({ "name": "Mine" }),
        )
        .await,
        app.delete(&format!("/api/v1/groups/{b_group}"), &a.token)
            .await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
    }

    // B's names and courses cannot be used in A's invitations.
    let reply = app
        .post(
            "/api/v1/invitations",
            &a.token,
            json!({ "email": "x@acme.example.com", "department": "Sales", "course_ids": [b_course] }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.field_error("department").is_some());
    assert!(reply.field_error("course_ids").is_some());

    // And B's invitation is untouched.
    let b_view = app
        .get(&format!("/api/v1/invitations/{b_invitation}"), &b.token)
        .await;
    assert_eq!(b_view.body["status"], "pending");
    assert_eq!(b_view.body["send_count"], 1);
    assert_eq!(
        app.get("/api/v1/departments", &b.token).await.body[0]["name"],
        "Sales"
    );
}

#[tokio::test]
async fn the_same_address_can_be_invited_by_two_organizations() {
    let app = spawn_app().await;
    let a = app.admin_of("Acme").await;
    let b = app.admin_of("Globex").await;
    app.invite(&a, json!({ "email": "shared@example.com" }))
        .await;
    app.invite(&b, json!({ "email": "shared@example.com" }))
        .await;
}

#[tokio::test]
async fn an_api_token_of_one_organization_cannot_revoke_another_s() {
    let app = spawn_app().await;
    let a = app.admin_of("Acme").await;
    let b = app.admin_of("Globex").await;
    let created = app
        .post("/api/v1/api-tokens", &b.token, json!({ "name": "B sync" }))
        .await;
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/api-tokens/{id}"), &a.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/api-tokens", &a.token).await.body,
        json!([])
    );
}
