use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;
use skillstream_api::db::schema::{email_outbox, invitations};
use skillstream_tests::spawn_app;

#[tokio::test]
async fn an_invitation_carries_role_department_group_courses_and_a_queued_email() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    app.create_group(&admin, "Managers").await;
    let course = app.create_course(&admin, "Onboarding").await;

    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({
                "email": "  Ada.Lovelace@Example.com ",
                "role": "Instructor",
                "department": "Sales",
                "group": "Managers",
                "first_name": "Ada",
                "course_ids": [course]
            }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let id = reply.body["id"].as_i64().unwrap();
    assert_eq!(
        reply.headers["location"].to_str().unwrap(),
        format!("/api/v1/invitations/{id}")
    );
    let body = &reply.body;
    assert_eq!(body["email"], "Ada.Lovelace@Example.com");
    assert_eq!(body["role"], "instructor");
    assert_eq!(body["department"], "Sales");
    assert_eq!(body["group"], "Managers");
    assert_eq!(body["first_name"], "Ada");
    assert_eq!(body["last_name"], json!(null));
    assert_eq!(body["status"], "pending");
    assert_eq!(body["courses"][0]["title"], "Onboarding");
    assert_eq!(body["email_delivery"]["status"], "queued");
    assert_eq!(body["invited_by"]["email"], admin.email);
    assert!(body.get("token").is_none() && body.get("token_hash").is_none());

    // Expires seven days after it was sent.
    let sent: DateTime<Utc> = body["sent_at"].as_str().unwrap().parse().unwrap();
    let expires: DateTime<Utc> = body["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires - sent, Duration::days(7));

    // The email job was written with the invitation.
    let queued: i64 = app
        .with_db(move |conn| {
            email_outbox::table
                .filter(email_outbox::invitation_id.eq(id))
                .filter(email_outbox::status.eq("queued"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn role_defaults_to_learner_and_ignores_case() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    assert_eq!(
        app.invite(&admin, json!({ "email": "a@example.com" }))
            .await["role"],
        "learner"
    );
    assert_eq!(
        app.invite(&admin, json!({ "email": "b@example.com", "role": "" }))
            .await["role"],
        "learner"
    );
    assert_eq!(
        app.invite(
            &admin,
            json!({ "email": "c@example.com", "role": " ADMIN " })
        )
        .await["role"],
        "admin"
    );
}

#[tokio::test]
async fn inviting_an_address_with_a_pending_invitation_points_at_it_whatever_the_case() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let first = app
        .invite(&admin, json!({ "email": "bob@example.com" }))
        .await;

    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "BOB@Example.COM" }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "invitation_already_pending");
    assert_eq!(reply.body["error"]["invitation_id"], first["id"]);
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Resend"));
}

#[tokio::test]
async fn inviting_a_member_is_a_conflict() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.member_of(admin.organization_id, "member@acme.example.com", "learner")
        .await;

    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "Member@ACME.example.com" }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "already_a_member");
}

#[tokio::test]
async fn an_unknown_department_is_a_field_error_with_a_suggestion() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;

    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "a@example.com", "department": "sales" }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "validation_failed");
    let error = reply.field_error("department").unwrap();
    assert_eq!(error["code"], "not_found");
    assert_eq!(error["suggestion"], "Sales");
    assert_eq!(
        error["message"],
        "Department \"sales\" does not exist. Did you mean \"Sales\"?"
    );
}

#[tokio::test]
async fn an_unknown_group_far_from_any_name_has_no_suggestion() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_group(&admin, "Managers").await;
    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "a@example.com", "group": "Contractors" }),
        )
        .await;
    let error = reply.field_error("group").unwrap();
    assert!(error.get("suggestion").is_none());
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once_and_nothing_is_stored() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({
                "email": "not-an-email",
                "role": "teacher",
                "department": "Nowhere",
                "first_name": "x".repeat(101),
                "last_name": "Evil\r\nBcc: x@example.com",
                "course_ids": [999]
            }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "email",
        "role",
        "department",
        "first_name",
        "last_name",
        "course_ids",
    ] {
        assert!(
            reply.field_error(field).is_some(),
            "{field} missing in {}",
            reply.text
        );
    }
    let role = reply.field_error("role").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(role.contains("learner") && role.contains("instructor") && role.contains("admin"));
    let stored: i64 = app
        .with_db(|conn| invitations::table.count().get_result(conn).unwrap())
        .await;
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn a_missing_email_is_required() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "role": "learner" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.field_error("email").unwrap()["code"], "required");
}

#[tokio::test]
async fn an_expired_invitation_does_not_block_a_new_one_and_stays_as_history() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let old = app
        .invite(&admin, json!({ "email": "late@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    app.with_db(move |conn| {
        diesel::update(invitations::table.find(old))
            .set(
                invitations::expires_at
                    .eq(skillstream_api::db::to_db(Utc::now() - Duration::days(1))),
            )
            .execute(conn)
            .unwrap()
    })
    .await;

    let new = app
        .invite(&admin, json!({ "email": "late@example.com" }))
        .await;

    assert_ne!(new["id"].as_i64().unwrap(), old);
    let old_view = app
        .get(&format!("/api/v1/invitations/{old}"), &admin.token)
        .await;
    assert_eq!(old_view.body["status"], "expired");
}

#[tokio::test]
async fn a_cancelled_invitation_does_not_block_a_new_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let old = app
        .invite(&admin, json!({ "email": "again@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/invitations/{old}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    app.invite(&admin, json!({ "email": "again@example.com" }))
        .await;
}

#[tokio::test]
async fn concurrent_invitations_of_one_address_create_exactly_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let requests = (0..6).map(|i| {
        let email = if i % 2 == 0 {
            "race@example.com"
        } else {
            "RACE@example.com"
        };
        app.post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": email }),
        )
    });
    let replies = futures::future::join_all(requests).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let conflicts = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 5), "{replies:?}");
}

#[tokio::test]
async fn a_likely_typo_in_the_domain_is_a_warning_that_does_not_stop_the_send() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "bob@gmial.com" }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["email"], "bob@gmial.com");
    assert_eq!(
        reply.body["warnings"],
        json!([{
            "field": "email",
            "code": "possible_typo",
            "message": "Did you mean bob@gmail.com?",
            "suggestion": "bob@gmail.com"
        }])
    );

    let plain = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "ann@gmail.com" }),
        )
        .await;
    assert_eq!(plain.status, StatusCode::CREATED);
    assert!(plain.body.get("warnings").is_none(), "{}", plain.text);
}

#[tokio::test]
async fn a_refused_send_keeps_the_typo_warning_beside_its_errors() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let reply = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "bob@hotmial.com", "department": "Nowhere" }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.field_error("department").unwrap()["code"],
        "not_found"
    );
    assert!(
        reply.field_error("email").is_none(),
        "a warning is no error"
    );
    assert_eq!(
        reply.body["error"]["warnings"][0]["suggestion"],
        "bob@hotmail.com"
    );
}
