//! The member lifecycle: admins change a member's names, role, department and groups, and
//! deactivate and reactivate them.

use reqwest::StatusCode;
use serde_json::{json, Value};
use skillstream_tests::{spawn_app, ADMIN_PASSWORD};

fn actions(events: &Value) -> Vec<&str> {
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_admin_changes_names_role_department_and_several_groups_with_one_event() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let ann = app
        .member_of(admin.organization_id, "ann@acme.example.com", "learner")
        .await;
    let sales = app.create_department(&admin, "Sales").await;
    let managers = app.create_group(&admin, "Managers").await;
    let mentors = app.create_group(&admin, "Mentors").await;

    let changed = app
        .patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &admin.token,
            json!({
                "first_name": "Ann",
                "last_name": "Lee",
                "role": "instructor",
                "department_id": sales,
                "group_ids": [mentors, managers, mentors],
            }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.body["first_name"], "Ann");
    assert_eq!(changed.body["role"], "instructor");
    assert_eq!(changed.body["department"], "Sales");
    let groups: Vec<&str> = changed.body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["Managers", "Mentors"]);

    // The list filters by any of a member's groups.
    let in_mentors = app
        .get(&format!("/api/v1/users?group_id={mentors}"), &admin.token)
        .await;
    assert_eq!(in_mentors.body["total"], 1);
    assert_eq!(in_mentors.body["items"][0]["email"], "ann@acme.example.com");

    let events = app
        .get("/api/v1/audit-events?action=member.updated", &admin.token)
        .await;
    assert_eq!(events.body["total"], 1);
    let event = &events.body["items"][0];
    assert_eq!(event["target"]["type"], "member");
    assert_eq!(event["target"]["id"], ann.user_id);
    assert_eq!(event["target"]["email"], "ann@acme.example.com");
    assert_eq!(
        event["details"]["changes"]["role"],
        json!({"from": "learner", "to": "instructor"})
    );
    assert_eq!(
        event["details"]["changes"]["group_ids"]["to"],
        json!([managers, mentors])
    );

    // The same values again change nothing and write no event.
    let again = app
        .patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &admin.token,
            json!({ "role": "instructor", "group_ids": [managers, mentors] }),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let events = app
        .get("/api/v1/audit-events?action=member.updated", &admin.token)
        .await;
    assert_eq!(events.body["total"], 1);

    // Clearing with null.
    let cleared = app
        .patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &admin.token,
            json!({ "department_id": null, "last_name": null, "group_ids": [] }),
        )
        .await;
    assert!(cleared.body["department_id"].is_null(), "{}", cleared.text);
    assert!(cleared.body["last_name"].is_null());
    assert_eq!(cleared.body["groups"], json!([]));
}

#[tokio::test]
async fn unknown_departments_groups_and_other_organizations_members_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let ann = app
        .member_of(admin.organization_id, "ann@acme.example.com", "learner")
        .await;
    let other = app.admin_of("Globex").await;
    let theirs = app.create_group(&other, "Theirs").await;

    let bad = app
        .patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &admin.token,
            json!({ "department_id": 999_999, "group_ids": [theirs], "first_name": "x".repeat(300) }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(
        bad.field_error("department_id").unwrap()["code"],
        "not_found"
    );
    assert_eq!(bad.field_error("group_ids").unwrap()["code"], "not_found");
    assert!(bad.field_error("first_name").is_some());
    let role = app
        .patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &admin.token,
            json!({ "role": "owner" }),
        )
        .await;
    assert_eq!(
        role.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        role.text
    );
    assert_eq!(role.code(), "invalid_body");
    // An array is not a patch (serde would read it as the first fields, clearing the names).
    let array = app
        .patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &admin.token,
            json!([null, null]),
        )
        .await;
    assert_eq!(
        array.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        array.text
    );
    assert_eq!(array.code(), "invalid_body");

    for reply in [
        app.patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &other.token,
            json!({ "role": "admin" }),
        )
        .await,
        app.post(
            &format!("/api/v1/users/{}/deactivate", ann.user_id),
            &other.token,
            json!({}),
        )
        .await,
        app.post(
            &format!("/api/v1/users/{}/reactivate", ann.user_id),
            &other.token,
            json!({}),
        )
        .await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
    }
    let learner = app
        .patch(
            &format!("/api/v1/users/{}", ann.user_id),
            &ann.token,
            json!({ "role": "admin" }),
        )
        .await;
    assert_eq!(learner.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_deactivated_member_cannot_sign_in_loses_sessions_and_tokens_and_is_reactivated() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let bob = app
        .member_of(admin.organization_id, "bob@acme.example.com", "admin")
        .await;
    let token = app
        .post(
            "/api/v1/api-tokens",
            &bob.token,
            json!({ "name": "Bob's sync" }),
        )
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.get("/api/v1/invitations", &token).await.status,
        StatusCode::OK
    );

    let deactivated = app
        .post(
            &format!("/api/v1/users/{}/deactivate", bob.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.text);
    assert_eq!(deactivated.body["status"], "deactivated");
    assert!(deactivated.body["deactivated_at"].is_string());

    // Their session, their API token and their password all stop working at once.
    assert_eq!(
        app.get("/api/v1/me", &bob.token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/invitations", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let login = app.login("bob@acme.example.com", ADMIN_PASSWORD).await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED, "{}", login.text);

    // Kept, with their history, and found by the filter.
    let listed = app
        .get("/api/v1/users?status=deactivated", &admin.token)
        .await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["items"][0]["email"], "bob@acme.example.com");

    // Twice is harmless, and writes one event.
    let again = app
        .post(
            &format!("/api/v1/users/{}/deactivate", bob.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);

    // Inviting the address again points at reactivation instead.
    let invited = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "Bob@acme.example.com" }),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CONFLICT, "{}", invited.text);
    assert_eq!(invited.code(), "member_deactivated");
    assert_eq!(invited.body["error"]["member_id"], bob.user_id);

    let reactivated = app
        .post(
            &format!("/api/v1/users/{}/reactivate", bob.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(reactivated.status, StatusCode::OK, "{}", reactivated.text);
    assert_eq!(reactivated.body["status"], "active");
    assert!(reactivated.body["deactivated_at"].is_null());
    // Old sessions stay ended; signing in works again.
    assert_eq!(
        app.get("/api/v1/me", &bob.token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("bob@acme.example.com", ADMIN_PASSWORD)
            .await
            .status,
        StatusCode::OK
    );

    let events = app
        .get(
            "/api/v1/audit-events?action=member.deactivated,member.reactivated",
            &admin.token,
        )
        .await;
    assert_eq!(
        actions(&events.body),
        ["member.reactivated", "member.deactivated"]
    );
    assert_eq!(events.body["items"][1]["details"]["sessions_ended"], 1);
    assert_eq!(events.body["items"][1]["actor"]["id"], admin.user_id);
}

#[tokio::test]
async fn the_organization_always_keeps_an_active_admin() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let myself = app
        .post(
            &format!("/api/v1/users/{}/deactivate", admin.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(myself.status, StatusCode::CONFLICT);
    assert_eq!(myself.code(), "cannot_deactivate_self");
    let demote = app
        .patch(
            &format!("/api/v1/users/{}", admin.user_id),
            &admin.token,
            json!({ "role": "learner" }),
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    assert_eq!(demote.code(), "last_active_admin");

    // With a second admin, one can demote the other — but not the last one left.
    let eve = app
        .member_of(admin.organization_id, "eve@acme.example.com", "admin")
        .await;
    let demoted = app
        .patch(
            &format!("/api/v1/users/{}", admin.user_id),
            &eve.token,
            json!({ "role": "learner" }),
        )
        .await;
    assert_eq!(demoted.status, StatusCode::OK, "{}", demoted.text);
    assert_eq!(demoted.body["role"], "learner");
}

#[tokio::test]
async fn a_csv_row_for_a_deactivated_member_says_to_reactivate_them() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let bob = app
        .member_of(admin.organization_id, "bob@acme.example.com", "learner")
        .await;
    app.post(
        &format!("/api/v1/users/{}/deactivate", bob.user_id),
        &admin.token,
        json!({}),
    )
    .await;
    let upload = app
        .client
        .post(format!("{}/api/v1/invitation-imports", app.address))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body("email\nbob@acme.example.com\nnew@acme.example.com\n")
        .send()
        .await
        .unwrap();
    let preview = skillstream_tests::read(upload).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    let bob_row = preview.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == 2)
        .unwrap_or_else(|| panic!("{}", preview.text));
    assert_eq!(
        bob_row["errors"][0]["code"], "member_deactivated",
        "{bob_row}"
    );
}

#[tokio::test]
async fn reactivation_takes_a_seat_and_is_refused_over_the_limit() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let ann = app
        .member_of(admin.organization_id, "ann@example.com", "learner")
        .await;
    let deactivated = app
        .post(
            &format!("/api/v1/users/{}/deactivate", ann.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.text);
    // The admin and one pending invitation fill two seats.
    app.invite(&admin, json!({ "email": "new@example.com" }))
        .await;
    let limited = app
        .patch(
            "/api/v1/organization/settings",
            &admin.token,
            json!({ "seat_limit": 2 }),
        )
        .await;
    assert_eq!(limited.status, StatusCode::OK, "{}", limited.text);
    let refused = app
        .post(
            &format!("/api/v1/users/{}/reactivate", ann.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.code(), "seat_limit_reached");

    app.patch(
        "/api/v1/organization/settings",
        &admin.token,
        json!({ "seat_limit": 3 }),
    )
    .await;
    let reactivated = app
        .post(
            &format!("/api/v1/users/{}/reactivate", ann.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(reactivated.status, StatusCode::OK, "{}", reactivated.text);
    assert_eq!(reactivated.body["status"], "active");
}
