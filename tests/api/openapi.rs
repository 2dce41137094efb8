//! `openapi.yaml` at the repository root is generated from the code; it must not drift.

use reqwest::StatusCode;
use skillstream_tests::spawn_app;

#[test]
fn the_checked_in_openapi_yaml_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    let generated = skillstream_api::openapi::yaml().unwrap();
    assert!(
        checked_in == generated,
        "openapi.yaml is stale: regenerate it with `make openapi` and commit it"
    );
}

#[tokio::test]
async fn the_document_is_served_and_the_docs_render_offline() {
    let app = spawn_app().await;
    let doc = app
        .request(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc.body["paths"]["/api/v1/invitations"].is_object());

    let docs = app
        .request(reqwest::Method::GET, "/docs/", None, None)
        .await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("swagger-ui"));
    // Every asset the page loads is served by the app itself.
    let bundle = app
        .request(
            reqwest::Method::GET,
            "/docs/swagger-ui-bundle.js",
            None,
            None,
        )
        .await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert!(
        !docs.text.contains("https://"),
        "the docs page must not load from the internet"
    );
}
