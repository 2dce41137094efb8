use reqwest::StatusCode;
use serde_json::json;
use skillstream_tests::spawn_app;

#[tokio::test]
async fn departments_can_be_created_listed_renamed_and_deleted() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let sales = app.create_department(&admin, "Sales").await;
    app.create_department(&admin, "Engineering").await;

    let listed = app.get("/api/v1/departments", &admin.token).await;
    let names: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Engineering", "Sales"]);

    let renamed = app
        .patch(
            &format!("/api/v1/departments/{sales}"),
            &admin.token,
            json!({ "name": "Sales EMEA" }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.body["name"], "Sales EMEA");

    let deleted = app
        .delete(&format!("/api/v1/departments/{sales}"), &admin.token)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = app
        .delete(&format!("/api/v1/departments/{sales}"), &admin.token)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_taken_department_name_is_a_conflict_but_another_case_is_a_different_name() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;

    let duplicate = app
        .post(
            "/api/v1/departments",
            &admin.token,
            json!({ "name": "Sales" }),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.code(), "department_name_taken");

    let other_case = app
        .post(
            "/api/v1/departments",
            &admin.token,
            json!({ "name": "sales" }),
        )
        .await;
    assert_eq!(other_case.status, StatusCode::CREATED);
}

#[tokio::test]
async fn renaming_onto_a_taken_name_is_a_conflict() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_group(&admin, "Managers").await;
    let interns = app.create_group(&admin, "Interns").await;
    let reply = app
        .patch(
            &format!("/api/v1/groups/{interns}"),
            &admin.token,
            json!({ "name": "Managers" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "group_name_taken");
}

#[tokio::test]
async fn a_name_must_not_be_empty_or_too_long() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    for name in [json!(""), json!("   "), json!("x".repeat(101)), json!(null)] {
        let reply = app
            .post("/api/v1/groups", &admin.token, json!({ "name": name }))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(reply.field_error("name").is_some());
    }
}

#[tokio::test]
async fn names_are_stored_trimmed() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = app
        .post(
            "/api/v1/groups",
            &admin.token,
            json!({ "name": "  Managers " }),
        )
        .await;
    assert_eq!(reply.body["name"], "Managers");
}

#[tokio::test]
async fn courses_can_be_created_and_listed() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_course(&admin, "Workplace Safety").await;
    let listed = app.get("/api/v1/courses", &admin.token).await;
    assert_eq!(listed.body[0]["title"], "Workplace Safety");

    let untitled = app
        .post("/api/v1/courses", &admin.token, json!({ "title": "  " }))
        .await;
    assert_eq!(untitled.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(untitled.field_error("title").is_some());
}

#[tokio::test]
async fn a_course_can_be_renamed_and_described_and_its_description_cleared() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = app.create_course(&admin, "Safety").await;

    let renamed = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &admin.token,
            json!({ "title": "  Workplace Safety  ", "description": "Ladders and lifts" }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.body["title"], "Workplace Safety");
    assert_eq!(renamed.body["description"], "Ladders and lifts");
    assert_eq!(renamed.body["archived_at"], json!(null));

    let cleared = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &admin.token,
            json!({ "description": "" }),
        )
        .await;
    assert_eq!(cleared.body["title"], "Workplace Safety");
    assert_eq!(cleared.body["description"], json!(null));

    let blank = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &admin.token,
            json!({ "title": " " }),
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.field_error("title").is_some());
    let null = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &admin.token,
            json!({ "title": null }),
        )
        .await;
    assert_eq!(null.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_archived_course_leaves_the_list_and_new_invitations_but_stays_on_sent_ones() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let old = app.create_course(&admin, "Old Course").await;
    app.create_course(&admin, "New Course").await;
    let sent = app
        .invite(
            &admin,
            json!({ "email": "before@example.com", "course_ids": [old] }),
        )
        .await;

    let archived = app
        .patch(
            &format!("/api/v1/courses/{old}"),
            &admin.token,
            json!({ "archived": true }),
        )
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.text);
    let archived_at = archived.body["archived_at"].clone();
    assert!(archived_at.is_string());
    // Archiving again keeps the first date.
    let again = app
        .patch(
            &format!("/api/v1/courses/{old}"),
            &admin.token,
            json!({ "archived": true }),
        )
        .await;
    assert_eq!(again.body["archived_at"], archived_at);

    let titles = |reply: &skillstream_tests::Reply| -> Vec<String> {
        reply
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_string())
            .collect()
    };
    let assignable = app.get("/api/v1/courses", &admin.token).await;
    assert_eq!(titles(&assignable), ["New Course"]);
    let all = app
        .get("/api/v1/courses?include_archived=true", &admin.token)
        .await;
    assert_eq!(titles(&all), ["New Course", "Old Course"]);

    let refused = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "after@example.com", "course_ids": [old] }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.field_error("course_ids").unwrap()["code"],
        "archived"
    );

    let invitation = app
        .get(&format!("/api/v1/invitations/{}", sent["id"]), &admin.token)
        .await;
    assert_eq!(invitation.body["courses"][0]["title"], "Old Course");

    let restored = app
        .patch(
            &format!("/api/v1/courses/{old}"),
            &admin.token,
            json!({ "archived": false }),
        )
        .await;
    assert_eq!(restored.body["archived_at"], json!(null));
    let accepted = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "after@example.com", "course_ids": [old] }),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.text);
}

#[tokio::test]
async fn another_organizations_course_cannot_be_changed() {
    let app = spawn_app().await;
    let acme = app.admin_of("Acme").await;
    let globex = app.admin_of("Globex").await;
    let id = app.create_course(&acme, "Acme only").await;

    let reply = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &globex.token,
            json!({ "title": "Taken over", "archived": true }),
        )
        .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let listed = app.get("/api/v1/courses", &acme.token).await;
    assert_eq!(listed.body[0]["title"], "Acme only");
    assert_eq!(listed.body[0]["archived_at"], json!(null));
}

/// The activity log's events with the given actions, oldest first.
async fn logged(
    app: &skillstream_tests::TestApp,
    admin: &skillstream_tests::Member,
    actions: &str,
) -> Vec<serde_json::Value> {
    let reply = app
        .get(
            &format!("/api/v1/audit-events?per_page=100&action={actions}"),
            &admin.token,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut items = reply.body["items"].as_array().unwrap().clone();
    items.reverse();
    items
}

#[tokio::test]
async fn department_and_group_changes_are_in_the_activity_log_with_who_made_them() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let sales = app.create_department(&admin, "Sales").await;
    for name in ["Sales EMEA", "Sales EMEA"] {
        let renamed = app
            .patch(
                &format!("/api/v1/departments/{sales}"),
                &admin.token,
                json!({ "name": name }),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    }
    let deleted = app
        .delete(&format!("/api/v1/departments/{sales}"), &admin.token)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let mentors = app
        .post("/api/v1/groups", &admin.token, json!({ "name": "Mentors" }))
        .await;
    assert_eq!(mentors.status, StatusCode::CREATED, "{}", mentors.text);

    let events = logged(
        &app,
        &admin,
        "department.created,department.updated,department.deleted,group.created",
    )
    .await;
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Renaming to the name it already has changes nothing, and logs nothing.
    assert_eq!(
        actions,
        [
            "department.created",
            "department.updated",
            "department.deleted",
            "group.created"
        ]
    );
    for event in &events {
        assert_eq!(event["actor"]["type"], "member", "{event}");
        assert_eq!(event["actor"]["id"], admin.user_id);
    }
    assert_eq!(events[0]["target"]["type"], "department");
    assert_eq!(events[0]["target"]["id"], sales);
    assert_eq!(events[0]["details"]["name"], "Sales");
    assert_eq!(
        events[1]["details"]["name"],
        json!({ "from": "Sales", "to": "Sales EMEA" })
    );
    assert_eq!(events[2]["details"]["name"], "Sales EMEA");
    assert_eq!(events[3]["target"]["type"], "group");
    assert_eq!(events[3]["target"]["id"], mentors.body["id"]);
    assert_eq!(events[3]["details"]["name"], "Mentors");
}

#[tokio::test]
async fn a_refused_catalog_change_logs_nothing() {
    let app = spawn_app().await;
    let acme = app.admin_of("Acme").await;
    let globex = app.admin_of("Globex").await;
    let sales = app.create_department(&acme, "Sales").await;
    app.create_department(&acme, "Support").await;

    let taken = app
        .post(
            "/api/v1/departments",
            &acme.token,
            json!({ "name": "Sales" }),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.body["error"]["code"], "department_name_taken");
    let onto_taken = app
        .patch(
            &format!("/api/v1/departments/{sales}"),
            &acme.token,
            json!({ "name": "Support" }),
        )
        .await;
    assert_eq!(onto_taken.status, StatusCode::CONFLICT);
    // Another organization's admin cannot rename or delete it, and leaves no trace.
    let foreign = app
        .patch(
            &format!("/api/v1/departments/{sales}"),
            &globex.token,
            json!({ "name": "Ours" }),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let foreign = app
        .delete(&format!("/api/v1/departments/{sales}"), &globex.token)
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    let actions = "department.created,department.updated,department.deleted";
    let acme_log = logged(&app, &acme, actions).await;
    assert_eq!(acme_log.len(), 2, "two departments created: {acme_log:?}");
    assert!(logged(&app, &globex, actions).await.is_empty());
}

#[tokio::test]
async fn course_changes_are_in_the_activity_log() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = app.create_course(&admin, "Onboarding").await;
    let changed = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &admin.token,
            json!({ "title": "Onboarding 2027", "description": "The basics", "archived": true }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    // The same values again change nothing.
    let same = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &admin.token,
            json!({ "title": "Onboarding 2027", "archived": true }),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text);

    let events = logged(&app, &admin, "course.created,course.updated").await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["action"], "course.created");
    assert_eq!(
        events[0]["target"],
        json!({ "type": "course", "id": id, "email": null })
    );
    assert_eq!(events[0]["details"]["title"], "Onboarding");
    assert_eq!(events[1]["action"], "course.updated");
    assert_eq!(
        events[1]["details"],
        json!({
            "title": { "from": "Onboarding", "to": "Onboarding 2027" },
            "description_changed": true,
            "archived": true,
        })
    );
    assert_eq!(events[1]["actor"]["id"], admin.user_id);
}
