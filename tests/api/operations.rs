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

#[tokio::test]
async fn the_web_apps_hashed_assets_are_sent_precompressed_and_cached_for_a_year() {
    let spa = tempfile::tempdir().unwrap();
    let assets = spa.path().join("assets");
    std::fs::create_dir(&assets).unwrap();
    std::fs::write(
        spa.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap();
    let script = "console.log('SkillStream');\n".repeat(200);
    std::fs::write(assets.join("index-3f9a1c.js"), &script).unwrap();
    // What the build writes beside it (the server sends these bytes as they are).
    std::fs::write(assets.join("index-3f9a1c.js.br"), b"brotli bytes").unwrap();
    std::fs::write(assets.join("index-3f9a1c.js.gz"), b"gzip bytes").unwrap();
    let style = "body { margin: 0; }\n".repeat(200);
    std::fs::write(assets.join("index-77aa01.css"), &style).unwrap();
    let dir = spa.path().to_path_buf();
    let app = skillstream_tests::spawn_app_with(move |s| s.static_dir = dir).await;
    let get = |path: &'static str, encoding: Option<&'static str>| {
        let mut request = app.client.get(format!("{}{path}", app.address));
        if let Some(encoding) = encoding {
            request = request.header("Accept-Encoding", encoding);
        }
        request.send()
    };

    let brotli = get("/assets/index-3f9a1c.js", Some("gzip, deflate, br, zstd"))
        .await
        .unwrap();
    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["content-type"], "text/javascript");
    assert_eq!(brotli.headers()["vary"], "accept-encoding");
    assert_eq!(
        brotli.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let gzip = get("/assets/index-3f9a1c.js", Some("gzip")).await.unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"gzip bytes");

    let plain = get("/assets/index-3f9a1c.js", None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), script);

    // A file the build did not compress is compressed on the fly.
    let css = get("/assets/index-77aa01.css", Some("gzip")).await.unwrap();
    assert_eq!(css.headers()["content-encoding"], "gzip");
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(css.bytes().await.unwrap().len() < style.len() / 10);

    for missing in [
        "/assets/missing-1234.js",
        "/assets/.hidden",
        "/assets/..%2Findex.html",
    ] {
        let reply = get(missing, Some("br")).await.unwrap();
        assert_eq!(reply.status(), StatusCode::NOT_FOUND, "{missing}");
    }

    // The page itself is never cached as immutable: a new release must reach the browser.
    let page = get("/admin/people/invitations", None).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .headers()
        .get("cache-control")
        .is_none_or(|v| !v.to_str().unwrap().contains("immutable")));
}
