use reqwest::StatusCode;
use skillstream_tests::spawn_app;

#[tokio::test]
async fn users_are_listed_with_status_role_and_can_be_searched_and_filtered() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.member_of(
        admin.organization_id,
        "Grace.Hopper@acme.example.com",
        "instructor",
    )
    .await;
    app.member_of(admin.organization_id, "alan@acme.example.com", "learner")
        .await;

    let all = app.get("/api/v1/users", &admin.token).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.body["total"], 3);
    assert!(all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["status"] == "active"));

    let found = app.get("/api/v1/users?q=grace", &admin.token).await;
    assert_eq!(found.body["total"], 1);
    assert_eq!(
        found.body["items"][0]["email"],
        "Grace.Hopper@acme.example.com"
    );
    assert_eq!(found.body["items"][0]["role"], "instructor");

    let learners = app.get("/api/v1/users?role=learner", &admin.token).await;
    assert_eq!(learners.body["total"], 1);
    assert_eq!(learners.body["items"][0]["email"], "alan@acme.example.com");
}

#[tokio::test]
async fn the_user_list_is_paginated() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    for i in 0..4 {
        app.member_of(
            admin.organization_id,
            &format!("m{i}@acme.example.com"),
            "learner",
        )
        .await;
    }
    let page = app
        .get("/api/v1/users?page=2&per_page=2", &admin.token)
        .await;
    assert_eq!(page.body["total"], 5);
    assert_eq!(page.body["total_pages"], 3);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
}
