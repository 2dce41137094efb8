use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::json;
use skillstream_api::auth::jwt::{Claims, AUDIENCE, ISSUER};
use skillstream_tests::{spawn_app, TestApp, ADMIN_PASSWORD};

/// Suspends a member directly in the database, as an admin elsewhere would.
async fn suspend(app: &TestApp, user_id: i64) {
    use diesel::prelude::*;
    use skillstream_api::db::schema::users;
    app.with_db(move |conn| {
        diesel::update(users::table.find(user_id))
            .set(users::status.eq("deactivated"))
            .execute(conn)
            .unwrap()
    })
    .await;
}

#[tokio::test]
async fn an_admin_signs_in_with_any_letter_case_of_their_email_and_sees_themselves() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let reply = app.login("ADMIN@Acme.example.com", ADMIN_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert!(reply.body["expires_in"].as_i64().unwrap() > 0);

    let me = app.get("/api/v1/me", &admin.token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["email"], "admin@acme.example.com");
    assert_eq!(me.body["role"], "admin");
    assert_eq!(me.body["status"], "active");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.admin_of("Acme").await;

    let wrong = app
        .login("admin@acme.example.com", "not the password")
        .await;
    let unknown = app
        .login("nobody@acme.example.com", "not the password")
        .await;

    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn login_without_fields_lists_what_is_missing() {
    let app = spawn_app().await;
    let reply = app
        .request(Method::POST, "/api/v1/auth/login", None, Some(&json!({})))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.field_error("email").is_some());
    assert!(reply.field_error("password").is_some());
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthorized() {
    let app = spawn_app().await;
    let none = app.request(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.code(), "unauthorized");

    let garbage = app.get("/api/v1/me", "not-a-jwt").await;
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let claims = Claims {
        sub: admin.user_id.to_string(),
        org: admin.organization_id,
        sid: "made-up".into(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: Utc::now().timestamp(),
        exp: Utc::now().timestamp() + 3600,
    };
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&[7u8; 48]),
    )
    .unwrap();
    assert_eq!(
        app.get("/api/v1/me", &forged).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let keys = skillstream_api::auth::jwt::JwtKeys::new(&app.settings.jwt_secret, 5);
    let (expired, _) = keys
        .issue(
            admin.user_id,
            admin.organization_id,
            "made-up",
            Utc::now() - chrono::Duration::hours(1),
        )
        .unwrap();
    assert_eq!(
        app.get("/api/v1/me", &expired).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// The invitations list checks its caller on the same connection as the page: a suspended
/// admin is refused at once, and a learner's bad filter is a 403 before it is a 422.
#[tokio::test]
async fn the_invitations_list_checks_its_caller_before_its_filters() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let second = app
        .member_of(admin.organization_id, "second@acme.example.com", "admin")
        .await;
    let learner = app
        .member_of(admin.organization_id, "l@acme.example.com", "learner")
        .await;
    let bad_filter = "/api/v1/invitations?status=bogus";
    assert_eq!(
        app.get(bad_filter, &learner.token).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = app.get(bad_filter, &admin.token).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.field_error("status").is_some(), "{}", refused.text);

    assert_eq!(
        app.get("/api/v1/invitations", &second.token).await.status,
        StatusCode::OK
    );
    suspend(&app, second.user_id).await;
    assert_eq!(
        app.get("/api/v1/invitations", &second.token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/invitations", "not-a-jwt").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn learners_and_instructors_get_403_on_admin_operations() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    for role in ["learner", "instructor"] {
        let member = app
            .member_of(
                admin.organization_id,
                &format!("{role}@acme.example.com"),
                role,
            )
            .await;
        for path in [
            "/api/v1/invitations",
            "/api/v1/users",
            "/api/v1/departments",
            "/api/v1/api-tokens",
        ] {
            let reply = app.get(path, &member.token).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role} {path}");
            assert_eq!(reply.code(), "forbidden");
        }
        let send = app
            .post(
                "/api/v1/invitations",
                &member.token,
                json!({ "email": "x@example.com" }),
            )
            .await;
        assert_eq!(send.status, StatusCode::FORBIDDEN);
        // Their own profile and dashboard stay open to them.
        assert_eq!(
            app.get("/api/v1/me", &member.token).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get("/api/v1/me/enrollments", &member.token)
                .await
                .status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn a_suspended_member_loses_access_at_once() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let member = app
        .member_of(admin.organization_id, "l@acme.example.com", "learner")
        .await;
    suspend(&app, member.user_id).await;
    assert_eq!(
        app.get("/api/v1/me", &member.token).await.status,
        StatusCode::UNAUTHORIZED
    );
}
