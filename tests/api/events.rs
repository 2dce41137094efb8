//! Domain events and the activity log: every entry point writes exactly its events, once, with
//! the actor and the request id; a refused request writes none; the log filters, is scoped to
//! the organization, downloads as CSV without live formulas; expiry is recorded once.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_api::db::schema::invitations;
use skillstream_api::db::to_db;
use skillstream_tests::{read, spawn_app, Member, Reply, TestApp};

/// A request carrying `X-Request-Id: request_id`.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    request_id: &str,
) -> Reply {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .header("X-Request-Id", request_id);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    read(request.send().await.unwrap()).await
}

/// Every event of the organization caused by the request with this id, oldest first.
async fn events_of(app: &TestApp, admin: &Member, request_id: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut page = 1;
    loop {
        let reply = app
            .get(
                &format!("/api/v1/audit-events?per_page=100&page={page}"),
                &admin.token,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let items = reply.body["items"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        found.extend(items.into_iter().filter(|e| e["request_id"] == request_id));
        page += 1;
    }
    found.reverse();
    found
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn every_invitation_path_writes_its_events_once_with_its_actor_and_request() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;

    // One invitation, by a signed-in admin.
    let single = call(
        &app,
        Method::POST,
        "/api/v1/invitations",
        Some(&admin.token),
        Some(json!({ "email": "Ada@Example.com", "role": "instructor" })),
        "req-single",
    )
    .await;
    assert_eq!(single.status, StatusCode::CREATED, "{}", single.text);
    assert_eq!(single.headers["x-request-id"], "req-single");
    let ada = single.body["id"].as_i64().unwrap();
    let events = events_of(&app, &admin, "req-single").await;
    assert_eq!(actions(&events), ["invitation.created"]);
    let created = &events[0];
    assert_eq!(created["actor"]["type"], "member");
    assert_eq!(created["actor"]["id"], admin.user_id);
    assert_eq!(created["actor"]["name"], admin.email.as_str());
    assert_eq!(created["target"]["type"], "invitation");
    assert_eq!(created["target"]["id"], ada);
    assert_eq!(created["target"]["email"], "Ada@Example.com");
    assert_eq!(created["details"]["role"], "instructor");
    assert!(created["import_id"].is_null());
    // No link token anywhere in the event.
    let token = app.link_token(ada).await;
    assert!(!created.to_string().contains(&token));

    // A CSV upload, then its send.
    let upload = app
        .client
        .post(format!("{}/api/v1/invitation-imports", app.address))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .header("X-Request-Id", "req-upload")
        .body("email,department\nbob@example.com,Sales\ncy@example.com,\nnot-an-address,\n")
        .send()
        .await
        .unwrap();
    let upload = read(upload).await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.text);
    let import_id = upload.body["id"].as_i64().unwrap();
    let uploaded = events_of(&app, &admin, "req-upload").await;
    assert_eq!(actions(&uploaded), ["import.uploaded"]);
    assert_eq!(uploaded[0]["import_id"], import_id);
    assert_eq!(uploaded[0]["details"]["rows"], 3);
    assert_eq!(uploaded[0]["details"]["invalid"], 1);
    let sent = call(
        &app,
        Method::POST,
        &format!("/api/v1/invitation-imports/{import_id}/send"),
        Some(&admin.token),
        Some(json!({ "skip_invalid": true })),
        "req-csv-send",
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    let events = events_of(&app, &admin, "req-csv-send").await;
    let mut names = actions(&events);
    names.sort();
    assert_eq!(
        names,
        ["import.sent", "invitation.created", "invitation.created"]
    );
    assert!(events.iter().all(|e| e["import_id"] == import_id));
    let emails: Vec<&str> = events
        .iter()
        .filter(|e| e["action"] == "invitation.created")
        .map(|e| e["target"]["email"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"bob@example.com") && emails.contains(&"cy@example.com"));
    // The address filter finds a bulk-written event too, whatever the letter case.
    let cy = app
        .get(
            "/api/v1/audit-events?target_email=CY@example.com",
            &admin.token,
        )
        .await;
    assert_eq!(
        actions(cy.body["items"].as_array().unwrap()),
        ["invitation.created"]
    );
    // Sending again answers the first result and writes nothing.
    let again = call(
        &app,
        Method::POST,
        &format!("/api/v1/invitation-imports/{import_id}/send"),
        Some(&admin.token),
        Some(json!({ "skip_invalid": true })),
        "req-csv-again",
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(events_of(&app, &admin, "req-csv-again").await.is_empty());

    // A JSON batch by an integration's API token.
    let created = app
        .post(
            "/api/v1/api-tokens",
            &admin.token,
            json!({ "name": "HR sync" }),
        )
        .await;
    let api_token = created.body["token"].as_str().unwrap().to_string();
    let token_id = created.body["id"].as_i64().unwrap();
    let batch = call(
        &app,
        Method::POST,
        "/api/v1/invitations/batch",
        Some(&api_token),
        Some(json!([{ "email": "dee@example.com" }, { "email": "eve@example.com", "department": "Sales" }])),
        "req-batch",
    )
    .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text);
    let events = events_of(&app, &admin, "req-batch").await;
    let mut names = actions(&events);
    names.sort();
    assert_eq!(
        names,
        [
            "import.sent",
            "import.uploaded",
            "invitation.created",
            "invitation.created"
        ]
    );
    for event in &events {
        assert_eq!(event["actor"]["type"], "api_token");
        assert_eq!(event["actor"]["id"], token_id);
        assert_eq!(event["actor"]["name"], "HR sync");
    }

    // Resend and cancel.
    let resent = call(
        &app,
        Method::POST,
        &format!("/api/v1/invitations/{ada}/resend"),
        Some(&admin.token),
        None,
        "req-resend",
    )
    .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
    let events = events_of(&app, &admin, "req-resend").await;
    assert_eq!(actions(&events), ["invitation.resent"]);
    assert_eq!(events[0]["target"]["id"], ada);
    let bob = app
        .get("/api/v1/invitations?q=bob", &admin.token)
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    let cancelled = call(
        &app,
        Method::POST,
        &format!("/api/v1/invitations/{bob}/cancel"),
        Some(&admin.token),
        None,
        "req-cancel",
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    let events = events_of(&app, &admin, "req-cancel").await;
    assert_eq!(actions(&events), ["invitation.cancelled"]);
    assert_eq!(events[0]["import_id"], import_id);

    // Accept by password, by the person holding the link.
    let token = app.link_token(ada).await;
    let accepted = call(
        &app,
        Method::POST,
        &format!("/api/v1/public/invitations/{token}/accept"),
        None,
        Some(json!({ "password": "a long enough password", "first_name": "Ada" })),
        "req-accept",
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let member_id = accepted.body["user"]["id"].as_i64().unwrap();
    let events = events_of(&app, &admin, "req-accept").await;
    assert_eq!(actions(&events), ["invitation.accepted"]);
    assert_eq!(events[0]["actor"]["type"], "invitee");
    assert_eq!(events[0]["actor"]["id"], member_id);
    assert_eq!(events[0]["details"]["method"], "password");
    assert!(!events[0].to_string().contains("a long enough password"));

    // Refused requests write nothing.
    let refusals = [
        (
            Method::POST,
            "/api/v1/invitations".to_string(),
            Some(json!({ "email": "not an address" })),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/api/v1/invitations".to_string(),
            Some(json!({ "email": "dee@example.com" })),
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            format!("/api/v1/invitations/{bob}/cancel"),
            None,
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            format!("/api/v1/invitations/{ada}/resend"),
            None,
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            "/api/v1/invitations/batch".to_string(),
            Some(json!([{ "email": "fay@example.com", "department": "sales" }])),
            StatusCode::CONFLICT,
        ),
    ];
    for (i, (method, path, body, status)) in refusals.into_iter().enumerate() {
        let id = format!("req-refused-{i}");
        let reply = call(&app, method, &path, Some(&admin.token), body, &id).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.text);
        assert!(events_of(&app, &admin, &id).await.is_empty(), "{path}");
    }
}

#[tokio::test]
async fn the_request_id_is_kept_when_valid_and_made_otherwise_on_every_response() {
    let app = spawn_app().await;
    let kept = call(&app, Method::GET, "/healthz", None, None, "abc-123_DEF").await;
    assert_eq!(kept.headers["x-request-id"], "abc-123_DEF");
    for bad in ["has space", &"x".repeat(65)] {
        let reply = call(&app, Method::GET, "/healthz", None, None, bad).await;
        let made = reply.headers["x-request-id"].to_str().unwrap();
        assert_ne!(made, bad);
        assert!(!made.is_empty() && made.len() <= 64);
    }
    // Errors carry one too, and two requests without one get different ids.
    let first = app.get("/api/v1/invitations", "not-a-token").await;
    let second = app.get("/api/v1/nothing-here", "x").await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    assert_eq!(second.status, StatusCode::NOT_FOUND);
    assert_ne!(
        first.headers["x-request-id"],
        second.headers["x-request-id"]
    );
    let not_allowed = app
        .request(Method::DELETE, "/api/v1/invitations", Some("x"), None)
        .await;
    assert_eq!(not_allowed.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(not_allowed.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn the_activity_log_filters_and_shows_only_the_callers_organization() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let other = app.admin_of("Globex").await;
    let ada = app
        .invite(&admin, json!({ "email": "ada@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let bob = app
        .invite(&admin, json!({ "email": "bob@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/invitations/{ada}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    app.invite(&other, json!({ "email": "ada@example.com" }))
        .await;

    let all = app.get("/api/v1/audit-events", &admin.token).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.body["total"], 3);
    // Newest first.
    assert_eq!(all.body["items"][0]["action"], "invitation.cancelled");

    let by_action = app
        .get(
            "/api/v1/audit-events?action=invitation.cancelled,invitation.accepted",
            &admin.token,
        )
        .await;
    assert_eq!(by_action.body["total"], 1);
    let by_email = app
        .get(
            "/api/v1/audit-events?target_email=BOB@example.COM",
            &admin.token,
        )
        .await;
    assert_eq!(by_email.body["total"], 1);
    assert_eq!(by_email.body["items"][0]["target"]["id"], bob);
    // Found through the invitation: both of Ada's events here, none of the other organization's.
    let ada_events = app
        .get(
            "/api/v1/audit-events?target_email=ada@example.com",
            &admin.token,
        )
        .await;
    assert_eq!(ada_events.body["total"], 2, "{}", ada_events.text);
    assert_eq!(
        ada_events.body["items"][0]["target"]["email"],
        "ada@example.com"
    );
    let timeline = app
        .get(
            &format!("/api/v1/audit-events?invitation_id={ada}"),
            &admin.token,
        )
        .await;
    assert_eq!(timeline.body["total"], 2);
    let by_actor = app
        .get(
            &format!(
                "/api/v1/audit-events?actor_type=member&actor_id={}",
                admin.user_id
            ),
            &admin.token,
        )
        .await;
    assert_eq!(by_actor.body["total"], 3);
    let future = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let later = app
        .get(
            &format!("/api/v1/audit-events?from={}", urlencode(&future)),
            &admin.token,
        )
        .await;
    assert_eq!(later.body["total"], 0, "{}", later.text);
    let until_now = app
        .get(
            &format!("/api/v1/audit-events?to={}", urlencode(&future)),
            &admin.token,
        )
        .await;
    assert_eq!(until_now.body["total"], 3);

    // The other organization sees only its own event, even when it asks for Acme's invitation.
    let theirs = app
        .get(
            &format!("/api/v1/audit-events?invitation_id={ada}"),
            &other.token,
        )
        .await;
    assert_eq!(theirs.body["total"], 0);
    assert_eq!(
        app.get("/api/v1/audit-events", &other.token).await.body["total"],
        1
    );

    // Bad filters are field errors; learners may not read the log.
    let bad = app
        .get(
            "/api/v1/audit-events?action=invitation.exploded&actor_type=robot&from=yesterday",
            &admin.token,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["action", "actor_type", "from"] {
        assert!(bad.field_error(field).is_some(), "{field}: {}", bad.text);
    }
    // RFC 3339 as documented: a space instead of the `T` is refused too.
    let spaced = app
        .get(
            "/api/v1/audit-events?to=2026-12-01%2010:00:00Z",
            &admin.token,
        )
        .await;
    assert_eq!(spaced.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(spaced.field_error("to").is_some(), "{}", spaced.text);
    let learner = app
        .member_of(admin.organization_id, "learner@acme.example.com", "learner")
        .await;
    assert_eq!(
        app.get("/api/v1/audit-events", &learner.token).await.status,
        StatusCode::FORBIDDEN
    );
}

fn urlencode(value: &str) -> String {
    value.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn the_csv_download_has_every_event_with_formula_cells_neutralised() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let created = app
        .post(
            "/api/v1/api-tokens",
            &admin.token,
            json!({ "name": "=HYPERLINK(\"http://evil.example\")" }),
        )
        .await;
    let api_token = created.body["token"].as_str().unwrap();
    let batch = app
        .post(
            "/api/v1/invitations/batch",
            api_token,
            json!([{ "email": "ada@example.com" }]),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text);

    let response = app
        .client
        .get(format!(
            "{}/api/v1/audit-events.csv?action=invitation.created",
            app.address
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "occurred_at");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let name = &rows[0][4];
    assert_eq!(name, "'=HYPERLINK(\"http://evil.example\")");
    assert_eq!(&rows[0][7], "ada@example.com");
}

#[tokio::test]
async fn a_lapsed_invitation_is_recorded_as_expired_once_and_its_email_never_sent() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "ada@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    app.with_db(move |conn| {
        diesel::update(invitations::table.find(id))
            .set(invitations::expires_at.eq(to_db(Utc::now() - Duration::minutes(1))))
            .execute(conn)
            .unwrap();
    })
    .await;

    // The email queued before the link lapsed is withdrawn, not sent.
    let worker = skillstream_api::startup::build_worker(
        &app.settings,
        app.pool.clone(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let delivery = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await
        .body["email_delivery"]
        .clone();
    assert_eq!(delivery["status"], "superseded", "{delivery}");

    // The scheduler (every 100 ms in tests) and two more sweeps racing it: one event.
    app.eventually(std::time::Duration::from_secs(10), || async {
        (expired_events(&app, &admin, id).await == 1).then_some(())
    })
    .await;
    let pools = [app.pool.clone(), app.pool.clone()];
    let racing: Vec<_> = pools
        .into_iter()
        .map(|pool| {
            tokio::task::spawn_blocking(move || {
                let mut conn = pool.get().unwrap();
                skillstream_app::invitations::expire_due(&mut conn, Utc::now(), 100).unwrap()
            })
        })
        .collect();
    for task in racing {
        assert_eq!(task.await.unwrap(), 0);
    }
    assert_eq!(expired_events(&app, &admin, id).await, 1);
    let event = &app
        .get(
            &format!("/api/v1/audit-events?invitation_id={id}&action=invitation.expired"),
            &admin.token,
        )
        .await
        .body["items"][0];
    assert_eq!(event["actor"]["type"], "system");
    let invitation = app
        .get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await;
    assert_eq!(invitation.body["status"], "expired");
}

async fn expired_events(app: &TestApp, admin: &Member, id: i64) -> i64 {
    let path = format!("/api/v1/audit-events?invitation_id={id}&action=invitation.expired");
    app.get(&path, &admin.token).await.body["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn api_tokens_write_their_events_without_the_secret() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let created = call(
        &app,
        Method::POST,
        "/api/v1/api-tokens",
        Some(&admin.token),
        Some(json!({ "name": "HR sync", "read_only": true, "expires_in_days": 30 })),
        "req-token",
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let (id, secret) = (
        created.body["id"].as_i64().unwrap(),
        created.body["token"].as_str().unwrap().to_string(),
    );
    let events = events_of(&app, &admin, "req-token").await;
    assert_eq!(actions(&events), ["api_token.created"]);
    assert_eq!(events[0]["target"]["type"], "api_token");
    assert_eq!(events[0]["target"]["id"], id);
    assert_eq!(events[0]["details"]["name"], "HR sync");
    assert_eq!(events[0]["details"]["read_only"], true);
    assert!(!events[0].to_string().contains(&secret));

    let revoked = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/api-tokens/{id}"),
        Some(&admin.token),
        None,
        "req-revoke",
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        actions(&events_of(&app, &admin, "req-revoke").await),
        ["api_token.revoked"]
    );
    // Revoking again is a 404 and writes nothing.
    let again = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/api-tokens/{id}"),
        Some(&admin.token),
        None,
        "req-revoke-again",
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(events_of(&app, &admin, "req-revoke-again").await.is_empty());
}
