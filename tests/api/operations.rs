//! Liveness, readiness and metrics.

use reqwest::{Method, StatusCode};
use serde_json::json;
use skillstream_tests::spawn_app;

#[tokio::test]
async fn readyz_says_ready_once_migrations_are_applied() {
    let app = spawn_app().await;
    let reply = app.request(Method::GET, "/readyz", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "ready");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_outbox() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.invite(&admin, json!({ "email": "a@example.com" }))
        .await;
    app.get("/api/v1/invitations/12345", &admin.token).await;

    let response = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();

    assert!(text.contains(r#"skillstream_http_requests_total{method="POST",route="/api/v1/invitations",status="201"} 1"#), "{text}");
    // Routes are labelled by pattern, not by raw path.
    assert!(
        text.contains(r#"route="/api/v1/invitations/{id}",status="404"} 1"#),
        "{text}"
    );
    assert!(text.contains("skillstream_http_request_duration_seconds_bucket"));
    assert!(text.contains("skillstream_outbox_depth 1"));
    assert!(text.contains("skillstream_outbox_oldest_queued_age_seconds"));
    assert!(text.contains(r#"skillstream_emails_total{outcome="sent"} 0"#));
}
