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
