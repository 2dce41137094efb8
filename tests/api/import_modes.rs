//! Import, second edition: the modes `invite_new`, `invite_and_update` and `update_only`, the
//! `status` column, each row's action with its changes, and the mass-change guard.

use reqwest::StatusCode;
use serde_json::{json, Value};
use skillstream_tests::workbooks::upload_file;
use skillstream_tests::{spawn_app, Member, Reply, TestApp};

async fn upload_csv(app: &TestApp, admin: &Member, mode: &str, csv: &str) -> Reply {
    upload_file(
        app,
        admin,
        "people.csv",
        csv.as_bytes().to_vec(),
        &[("mode", mode)],
    )
    .await
}

fn row(reply: &Reply, line: i64) -> &Value {
    reply.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == line)
        .unwrap_or_else(|| panic!("no line {line} in {}", reply.text))
}

/// A member as the Users list shows them.
async fn user(app: &TestApp, admin: &Member, email: &str) -> Value {
    let list = app
        .get(&format!("/api/v1/users?q={email}"), &admin.token)
        .await;
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .cloned()
        .unwrap_or_else(|| panic!("no {email} in {}", list.text))
}

async fn send(app: &TestApp, admin: &Member, id: i64, body: Value) -> Reply {
    app.post(
        &format!("/api/v1/invitation-imports/{id}/send"),
        &admin.token,
        body,
    )
    .await
}

/// An organization with Sales, Engineering and Mentors; ada (learner in Sales), eve
/// (unchanged), bob (deactivated) and a pending invitation for carol.
async fn organization(app: &TestApp) -> (Member, Member, Member, Member) {
    let admin = app.admin_of("Acme").await;
    let sales = app.create_department(&admin, "Sales").await;
    app.create_department(&admin, "Engineering").await;
    app.create_group(&admin, "Mentors").await;
    let org = admin.organization_id;
    let ada = app.member_of(org, "ada@example.com", "learner").await;
    let patched = app
        .patch(
            &format!("/api/v1/users/{}", ada.user_id),
            &admin.token,
            json!({"first_name": "Ada", "last_name": "Lovelace", "department_id": sales}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let eve = app.member_of(org, "eve@example.com", "learner").await;
    let bob = app.member_of(org, "bob@example.com", "learner").await;
    let off = app
        .post(
            &format!("/api/v1/users/{}/deactivate", bob.user_id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    app.invite(&admin, json!({"email": "carol@example.com"}))
        .await;
    (admin, ada, eve, bob)
}

#[tokio::test]
async fn invite_and_update_previews_each_action_and_sends_them_through_the_member_use_cases() {
    let app = spawn_app().await;
    let (admin, ada, eve, bob) = organization(&app).await;
    let csv = "email,first_name,last_name,role,department,group,status\n\
               ADA@example.com,,King,instructor,Engineering,Mentors,\n\
               bob@example.com,,,,,,Active\n\
               carol@example.com,,,,,,deactivated\n\
               dave@example.com,Dave,,,,,\n\
               eve@example.com,,,,,,\n\
               not-an-address,,,,,,\n\
               fay@example.com,,,,,,retired\n";

    let preview = upload_csv(&app, &admin, "invite_and_update", csv).await;

    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(preview.body["mode"], "invite_and_update");
    let actions: Vec<&str> = (2..=8)
        .map(|l| row(&preview, l)["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "update",
            "reactivate",
            "deactivate",
            "invite",
            "unchanged",
            "error",
            "error"
        ]
    );
    assert_eq!(
        row(&preview, 2)["changes"],
        json!({
            "last_name": ["Lovelace", "King"],
            "role": ["learner", "instructor"],
            "department": ["Sales", "Engineering"],
            "groups": ["", "Mentors"],
        })
    );
    assert_eq!(row(&preview, 3)["changes"], json!({}));
    assert_eq!(row(&preview, 8)["errors"][0]["code"], "invalid_status");
    assert_eq!(
        preview.body["actions"],
        json!({"invite": 1, "update": 1, "reactivate": 1, "deactivate": 1, "unchanged": 1, "error": 2})
    );
    assert_eq!(
        preview.body["summary"],
        json!({"total": 7, "valid": 5, "invalid": 2})
    );
    // One of the 3 active members (admin, ada, eve) is more than 10 %: confirmation needed.
    assert_eq!(
        preview.body["mass_change"],
        json!({"deactivations": 1, "members": 3, "needs_confirmation": true})
    );
    let id = preview.body["id"].as_i64().unwrap();
    // The same page again, read back from the store.
    let shown = app
        .get(&format!("/api/v1/invitation-imports/{id}"), &admin.token)
        .await;
    assert_eq!(shown.body["actions"], preview.body["actions"]);
    assert_eq!(row(&shown, 2)["changes"], row(&preview, 2)["changes"]);

    let refused = send(&app, &admin, id, json!({"skip_invalid": true})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.code(), "mass_change_unconfirmed");
    assert_eq!(
        refused.body["error"]["mass_change"],
        json!({"deactivations": 1, "members": 3})
    );
    let ada_now = user(&app, &admin, &ada.email).await;
    assert_eq!(
        ada_now["last_name"], "Lovelace",
        "nothing changed on refusal"
    );

    let sent = send(
        &app,
        &admin,
        id,
        json!({"skip_invalid": true, "allow_mass_change": true}),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert_eq!(
        (
            &sent.body["created"],
            &sent.body["updated"],
            &sent.body["reactivated"],
            &sent.body["deactivated"],
            &sent.body["skipped"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(1), &json!(2))
    );

    let ada_now = user(&app, &admin, &ada.email).await;
    assert_eq!(
        ada_now["first_name"], "Ada",
        "an empty cell leaves the field"
    );
    assert_eq!(ada_now["last_name"], "King");
    assert_eq!(ada_now["role"], "instructor");
    assert_eq!(ada_now["department"], "Engineering");
    assert_eq!(ada_now["groups"][0]["name"], "Mentors");
    let bob_now = user(&app, &admin, &bob.email).await;
    assert_eq!(bob_now["status"], "active");
    let eve_now = user(&app, &admin, &eve.email).await;
    assert_eq!(eve_now["status"], "active");
    let carol = app
        .get(
            "/api/v1/invitations?q=carol@example.com&status=cancelled",
            &admin.token,
        )
        .await;
    assert_eq!(carol.body["total"], 1, "{}", carol.text);
    let dave = app
        .get(
            "/api/v1/invitations?q=dave@example.com&status=pending",
            &admin.token,
        )
        .await;
    assert_eq!(dave.body["total"], 1, "{}", dave.text);

    // Each change is in the activity log, by the admin who sent the import.
    let log = app
        .get("/api/v1/audit-events?per_page=100", &admin.token)
        .await;
    let acts: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "member.updated",
        "member.reactivated",
        "invitation.cancelled",
        "import.sent",
    ] {
        assert!(acts.contains(&action), "{action} in {acts:?}");
    }
    // Sending again answers the first result.
    let again = send(&app, &admin, id, json!({"allow_mass_change": true})).await;
    assert_eq!(again.body["updated"], 1);
}

#[tokio::test]
async fn update_only_refuses_new_addresses_and_deactivation_ends_sessions() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let org = admin.organization_id;
    let mut members = Vec::new();
    for i in 0..19 {
        members.push(
            app.member_of(org, &format!("m{i}@example.com"), "learner")
                .await,
        );
    }
    // 2 of 20 active members is 10 %: no confirmation needed.
    let csv = "Email Address,Status\nm0@example.com,deactivated\nm1@example.com,DEACTIVATED\nnew@example.com,\nm2@example.com,active\n";
    let preview = upload_file(
        &app,
        &admin,
        "hr.csv",
        csv.as_bytes().to_vec(),
        &[("mode", "update_only")],
    )
    .await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(row(&preview, 4)["errors"][0]["code"], "not_a_member");
    assert_eq!(row(&preview, 5)["action"], "unchanged");
    assert_eq!(preview.body["mass_change"]["needs_confirmation"], false);
    let id = preview.body["id"].as_i64().unwrap();
    let refused = send(&app, &admin, id, json!({})).await;
    assert_eq!(refused.code(), "import_has_errors");
    let sent = send(&app, &admin, id, json!({"skip_invalid": true})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert_eq!(sent.body["deactivated"], 2);
    assert_eq!(sent.body["created"], 0);
    // Their sessions ended.
    let me = app.get("/api/v1/me", &members[0].token).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    let me = app.get("/api/v1/me", &members[2].token).await;
    assert_eq!(me.status, StatusCode::OK);

    // Now 3 of 18 (17 %): refused without the confirmation, and the admin cannot deactivate
    // themselves through a file either.
    let csv = format!(
        "email,status\nm3@example.com,deactivated\nm4@example.com,deactivated\nm5@example.com,deactivated\n{},deactivated\n",
        admin.email
    );
    let preview = upload_file(
        &app,
        &admin,
        "hr.csv",
        csv.into_bytes(),
        &[("mode", "update_only")],
    )
    .await;
    assert_eq!(
        row(&preview, 5)["errors"][0]["code"],
        "cannot_deactivate_self"
    );
    assert_eq!(
        preview.body["mass_change"],
        json!({"deactivations": 3, "members": 18, "needs_confirmation": true})
    );
    let id = preview.body["id"].as_i64().unwrap();
    let refused = send(&app, &admin, id, json!({"skip_invalid": true})).await;
    assert_eq!(refused.code(), "mass_change_unconfirmed");
    let sent = send(
        &app,
        &admin,
        id,
        json!({"skip_invalid": true, "allow_mass_change": true}),
    )
    .await;
    assert_eq!(sent.body["deactivated"], 3, "{}", sent.text);
}

#[tokio::test]
async fn invite_new_stays_the_default_and_a_bad_mode_is_refused() {
    let app = spawn_app().await;
    let (admin, ..) = organization(&app).await;
    // The raw body with options in the query string works too.
    let response = app
        .client
        .post(format!(
            "{}/api/v1/invitation-imports?mode=invite_new",
            app.address
        ))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body(
            "email,status\nada@example.com,\nzed@example.com,deactivated\nyan@example.com,active\n",
        )
        .send()
        .await
        .unwrap();
    let preview = skillstream_tests::read(response).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(preview.body["mode"], "invite_new");
    assert_eq!(row(&preview, 2)["errors"][0]["code"], "already_a_member");
    assert_eq!(row(&preview, 3)["action"], "unchanged");
    assert_eq!(row(&preview, 4)["action"], "invite");

    let bad = upload_csv(&app, &admin, "replace_everyone", "email\nx@example.com\n").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(bad.field_error("mode").is_some(), "{}", bad.text);
}

#[tokio::test]
async fn another_organizations_members_are_not_updated() {
    let app = spawn_app().await;
    let (admin, ..) = organization(&app).await;
    let other = app.admin_of("Globex").await;
    let preview = upload_csv(
        &app,
        &other,
        "update_only",
        "email,last_name\nada@example.com,Hacked\n",
    )
    .await;
    assert_eq!(row(&preview, 2)["errors"][0]["code"], "not_a_member");
    let ada = app
        .get("/api/v1/users?q=ada@example.com", &admin.token)
        .await;
    assert_eq!(
        ada.body["items"][0]["last_name"], "Lovelace",
        "{}",
        ada.text
    );
}

#[tokio::test]
async fn a_send_reads_the_rows_page_by_page_and_still_finds_duplicates_across_pages() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    // More rows than one page of the send (10,000); the duplicate is 11,000 rows after its
    // first appearance.
    let mut csv = String::from("email\n");
    for i in 0..12_000 {
        if i == 11_500 {
            csv.push_str("person500@example.com\n");
        } else {
            csv.push_str(&format!("person{i}@example.com\n"));
        }
    }
    let preview = upload_csv(&app, &admin, "invite_new", &csv).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(
        preview.body["summary"],
        json!({"total": 12000, "valid": 11999, "invalid": 1})
    );
    let id = preview.body["id"].as_i64().unwrap();
    // The error is on the second page: the first page's invitations, written by then, are
    // undone with the refusal.
    let refused = send(&app, &admin, id, json!({})).await;
    assert_eq!(refused.code(), "import_has_errors");
    assert_eq!(refused.body["error"]["invalid_rows"], 1);
    let list = app
        .get("/api/v1/invitations?per_page=1", &admin.token)
        .await;
    assert_eq!(list.body["total"], 0);
    let sent = send(&app, &admin, id, json!({"skip_invalid": true})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert_eq!(sent.body["created"], 11_999);
    assert_eq!(sent.body["skipped_lines"], json!([11_502]));
    let list = app
        .get("/api/v1/invitations?per_page=1", &admin.token)
        .await;
    assert_eq!(list.body["total"], 11_999);
}
