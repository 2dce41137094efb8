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

/// The child tables that reach their organization through a parent carry it themselves, and
/// every path that writes them writes the right one.
#[tokio::test]
async fn child_rows_carry_their_parent_s_organization() {
    use crate::scim::{accept, Idp};
    use reqwest::Method;
    let app = spawn_app().await;
    app.admin_of("Acme").await;
    let globex = app.admin_of("Globex").await;
    let course = app.create_course(&globex, "Safety").await;
    // A pre-assigned course, a resent link, an acceptance that enrolls.
    let invited = app
        .invite(
            &globex,
            json!({ "email": "ada@globex.example.com", "course_ids": [course] }),
        )
        .await;
    let resent = app
        .post(
            &format!("/api/v1/invitations/{}/resend", invited["id"]),
            &globex.token,
            json!({}),
        )
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
    accept(&app, &globex, "ada@globex.example.com").await;
    // An import's rows.
    let upload = app
        .client
        .post(format!("{}/api/v1/invitation-imports", app.address))
        .bearer_auth(&globex.token)
        .header("content-type", "text/csv")
        .body("email\nbob@globex.example.com\n")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), StatusCode::CREATED);
    // A provisioned person put in a group before accepting.
    let idp = Idp::of(&app, &globex).await;
    let pat = idp.provision("pat@globex.example.com").await;
    let group = idp
        .send(
            Method::POST,
            "/scim/v2/Groups",
            Some(&json!({ "displayName": "Pilots", "members": [{ "value": pat }] })),
        )
        .await;
    assert_eq!(group.status, StatusCode::CREATED, "{}", group.text);

    let checks = app
        .with_db(|conn| {
            use diesel::RunQueryDsl;
            let count = |conn: &mut skillstream_api::db::DbConnection, sql: &str| -> i64 {
                diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
                    "({sql})"
                )))
                .get_result(conn)
                .unwrap()
            };
            [
                ("invitation_import_rows", "invitation_imports", "import_id"),
                ("enrollments", "users", "user_id"),
                ("invitation_courses", "invitations", "invitation_id"),
                ("invitation_retired_tokens", "invitations", "invitation_id"),
                ("scim_group_invitees", "user_groups", "group_id"),
            ]
            .map(|(child, parent, key)| {
                let rows = count(conn, &format!("SELECT COUNT(*) FROM {child}"));
                let wrong = count(
                    conn,
                    &format!(
                        "SELECT COUNT(*) FROM {child} c JOIN {parent} p ON p.id = c.{key} \
                         WHERE c.organization_id <> p.organization_id"
                    ),
                );
                (child, rows, wrong)
            })
        })
        .await;
    for (table, rows, wrong) in checks {
        assert!(rows > 0, "the journey wrote no row of {table}");
        assert_eq!(wrong, 0, "{table}: rows with another organization");
    }
}
