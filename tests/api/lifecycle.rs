//! The invitation's life after the first email: scheduled sends, reminders, renewals of
//! expired links, copy link and no-email invitations, bulk actions and seats. Time moves in
//! the database (due times set in the past), never by sleeping.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_api::db::schema::{email_outbox, invitations};
use skillstream_api::db::to_db;
use skillstream_tests::{spawn_app, Member, Reply, TestApp};

const SETTINGS: &str = "/api/v1/organization/settings";

fn at(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn later(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

async fn view(app: &TestApp, admin: &Member, id: i64) -> Value {
    app.get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await
        .body
}

/// The outbox rows of an invitation: (kind, recipient), oldest first.
async fn emails(app: &TestApp, id: i64) -> Vec<(String, String)> {
    app.with_db(move |conn| {
        email_outbox::table
            .filter(email_outbox::invitation_id.eq(id))
            .order(email_outbox::id.asc())
            .select((email_outbox::kind, email_outbox::recipient))
            .load(conn)
            .unwrap()
    })
    .await
}

async fn events(app: &TestApp, admin: &Member, action: &str, id: i64) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/api/v1/audit-events?action={action}&invitation_id={id}"),
            &admin.token,
        )
        .await;
    reply.body["items"].as_array().cloned().unwrap_or_default()
}

/// The raw token of an invitation's current link, from the sealed copy it keeps.
async fn current_token(app: &TestApp, id: i64) -> String {
    let sealed: Option<String> = app
        .with_db(move |conn| {
            invitations::table
                .find(id)
                .select(invitations::sealed_token)
                .first(conn)
                .unwrap()
        })
        .await;
    skillstream_api::tokens::unseal(app.settings.jwt_secret.expose(), &sealed.unwrap()).unwrap()
}

async fn public_post(app: &TestApp, path: &str) -> Reply {
    app.request(Method::POST, path, None, Some(&json!({})))
        .await
}

async fn renew(app: &TestApp, token: &str) -> Reply {
    public_post(app, &format!("/api/v1/public/invitations/{token}/renew")).await
}

/// Moves an invitation's expiry into the past (as if its lifetime had gone by).
async fn lapse(app: &TestApp, id: i64) {
    app.with_db(move |conn| {
        diesel::update(invitations::table.find(id))
            .set(invitations::expires_at.eq(to_db(Utc::now() - Duration::minutes(1))))
            .execute(conn)
            .unwrap()
    })
    .await;
}

/// Makes the next reminder of these invitations due (as if the days had gone by).
async fn reminders_due(app: &TestApp, ids: Vec<i64>) {
    app.with_db(move |conn| {
        diesel::update(invitations::table.filter(invitations::id.eq_any(ids)))
            .set(invitations::next_reminder_at.eq(to_db(Utc::now() - Duration::seconds(1))))
            .execute(conn)
            .unwrap()
    })
    .await;
}

/// The invitation as the admin sees it once `done` holds (the scheduler runs every 100 ms).
async fn until(app: &TestApp, admin: &Member, id: i64, done: impl Fn(&Value) -> bool) -> Value {
    app.eventually(std::time::Duration::from_secs(10), || async {
        let body = view(app, admin, id).await;
        done(&body).then_some(body)
    })
    .await
}

#[tokio::test]
async fn a_scheduled_invitation_waits_without_email_and_can_be_moved_and_sent_now() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let created = app
        .invite(
            &admin,
            json!({ "email": "monday@example.com", "send_at": later(3) }),
        )
        .await;
    let id = created["id"].as_i64().unwrap();

    assert_eq!(created["status"], "scheduled");
    assert!(
        emails(&app, id).await.is_empty(),
        "no email before its time"
    );
    assert_eq!(
        events(&app, &admin, "invitation.scheduled", id).await.len(),
        1
    );
    let listed = app
        .get("/api/v1/invitations?status=scheduled", &admin.token)
        .await;
    assert_eq!(listed.body["total"], 1);
    // Its link has been sent to nobody, so it opens nothing yet.
    let token = current_token(&app, id).await;
    assert_eq!(app.landing(&token).await.status, StatusCode::NOT_FOUND);

    let moved = app
        .patch(
            &format!("/api/v1/invitations/{id}"),
            &admin.token,
            json!({ "send_at": later(5) }),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert!(at(&moved.body["send_at"]) > Utc::now() + Duration::days(4));

    let sent = app
        .post(
            &format!("/api/v1/invitations/{id}/send-now"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert_eq!(sent.body["status"], "pending");
    assert_eq!(sent.body["send_at"], Value::Null);
    // The lifetime counts from the real send.
    let expires = at(&sent.body["expires_at"]);
    assert!(
        (expires - (Utc::now() + Duration::days(7)))
            .num_minutes()
            .abs()
            < 2
    );
    assert_eq!(emails(&app, id).await.len(), 1);
    assert_eq!(app.landing(&token).await.status, StatusCode::OK);

    let again = app
        .post(
            &format!("/api/v1/invitations/{id}/send-now"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "invitation_already_sent");
}

#[tokio::test]
async fn send_at_must_be_ahead_within_90_days_and_without_offset_is_read_in_the_organization_zone()
{
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let send = |body: Value| app.post("/api/v1/invitations", &admin.token, body);

    let past = send(json!({ "email": "a@example.com", "send_at": "2020-01-01T09:00:00Z" })).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(past.field_error("send_at").unwrap()["code"], "in_the_past");
    let far = send(json!({ "email": "a@example.com", "send_at": later(91) })).await;
    assert_eq!(far.field_error("send_at").unwrap()["code"], "too_far_ahead");
    let nonsense = send(json!({ "email": "a@example.com", "send_at": "next monday" })).await;
    assert_eq!(
        nonsense.field_error("send_at").unwrap()["code"],
        "invalid_time"
    );
    let no_email =
        send(json!({ "email": "a@example.com", "send_at": later(1), "send_email": false })).await;
    assert_eq!(no_email.status, StatusCode::UNPROCESSABLE_ENTITY);

    // UTC+3 all year round (the IANA name's sign is inverted).
    app.patch(SETTINGS, &admin.token, json!({ "time_zone": "Etc/GMT-3" }))
        .await;
    let day = (Utc::now() + Duration::days(2)).format("%Y-%m-%d");
    let local = send(json!({ "email": "b@example.com", "send_at": format!("{day}T09:00") })).await;
    assert_eq!(local.status, StatusCode::CREATED, "{}", local.text);
    assert_eq!(
        at(&local.body["send_at"])
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        format!("{day}T06:00")
    );
}

#[tokio::test]
async fn the_scheduler_sends_a_scheduled_invitation_when_its_time_comes() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(
            &admin,
            json!({ "email": "wave@example.com", "send_at": later(1) }),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    app.with_db(move |conn| {
        diesel::update(invitations::table.find(id))
            .set(invitations::send_at.eq(to_db(Utc::now() - Duration::seconds(1))))
            .execute(conn)
            .unwrap()
    })
    .await;

    let sent = until(&app, &admin, id, |body| body["status"] == "pending").await;
    assert_eq!(
        emails(&app, id).await,
        vec![("invitation".into(), "wave@example.com".into())]
    );
    assert!(
        sent["next_reminder_at"].is_string(),
        "its first reminder is planned"
    );
}

#[tokio::test]
async fn a_due_reminder_goes_out_once_with_the_current_link_and_plans_the_next() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let created = app
        .invite(&admin, json!({ "email": "slow@example.com" }))
        .await;
    let id = created["id"].as_i64().unwrap();
    // Default settings: 3 days after sending, then 1 day before expiry.
    let sent = at(&created["sent_at"]);
    assert!(
        (at(&created["next_reminder_at"]) - (sent + Duration::days(3)))
            .num_seconds()
            .abs()
            < 2
    );
    assert_eq!(created["reminders_sent"], 0);

    reminders_due(&app, vec![id]).await;
    let reminded = until(&app, &admin, id, |body| body["reminders_sent"] == 1).await;

    assert_eq!(
        emails(&app, id).await,
        vec![
            ("invitation".into(), "slow@example.com".into()),
            ("reminder".into(), "slow@example.com".into())
        ]
    );
    assert!(reminded["last_reminded_at"].is_string());
    let expires = at(&reminded["expires_at"]);
    assert!(
        (at(&reminded["next_reminder_at"]) - (expires - Duration::days(1)))
            .num_seconds()
            .abs()
            < 2
    );
    assert_eq!(
        events(&app, &admin, "invitation.reminded", id).await.len(),
        1
    );
    // The reminder carries the invitation's current link.
    let token = app.link_token(id).await;
    assert_eq!(token, current_token(&app, id).await);
}

#[tokio::test]
async fn no_reminder_after_an_email_failed_for_good_or_once_an_admin_stopped_them() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let bounced = app
        .invite(&admin, json!({ "email": "bounce@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let stopped = app
        .invite(&admin, json!({ "email": "stop@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();

    let off = app
        .patch(
            &format!("/api/v1/invitations/{stopped}"),
            &admin.token,
            json!({ "reminders_enabled": false }),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    assert_eq!(off.body["reminders_enabled"], false);
    assert_eq!(off.body["next_reminder_at"], Value::Null);
    assert_eq!(
        events(&app, &admin, "invitation.updated", stopped)
            .await
            .len(),
        1
    );

    app.with_db(move |conn| {
        diesel::update(email_outbox::table.filter(email_outbox::invitation_id.eq(bounced)))
            .set(email_outbox::status.eq("failed"))
            .execute(conn)
            .unwrap();
    })
    .await;
    reminders_due(&app, vec![bounced, stopped]).await;
    // The due reminder is dropped (and none planned), not sent.
    until(&app, &admin, bounced, |body| {
        body["next_reminder_at"].is_null()
    })
    .await;
    until(&app, &admin, stopped, |body| {
        body["next_reminder_at"].is_null()
    })
    .await;
    assert_eq!(emails(&app, bounced).await.len(), 1);
    assert_eq!(emails(&app, stopped).await.len(), 1);
    assert_eq!(view(&app, &admin, bounced).await["reminders_sent"], 0);
}

#[tokio::test]
async fn copy_link_and_no_email_invitations_hand_over_a_working_link_as_events() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;

    let quiet = app
        .invite(
            &admin,
            json!({ "email": "hr@example.com", "send_email": false }),
        )
        .await;
    let id = quiet["id"].as_i64().unwrap();
    let url = quiet["accept_url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/invite/", app.settings.public_url)));
    assert!(emails(&app, id).await.is_empty(), "no email");
    assert_eq!(
        quiet["next_reminder_at"],
        Value::Null,
        "no reminder of an email never sent"
    );
    let created = events(&app, &admin, "invitation.created", id).await;
    assert_eq!(created[0]["details"]["send_email"], false);
    // The answer of a read never carries it again.
    assert!(view(&app, &admin, id).await.get("accept_url").is_none());

    let copied = app
        .post(
            &format!("/api/v1/invitations/{id}/link"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(copied.status, StatusCode::OK, "{}", copied.text);
    assert_eq!(copied.body["accept_url"], url.as_str());
    assert_eq!(copied.headers["cache-control"], "no-store");
    let token = url.rsplit('/').next().unwrap();
    assert_eq!(app.landing(token).await.status, StatusCode::OK);
    let copied_events = events(&app, &admin, "invitation.link_copied", id).await;
    assert_eq!(copied_events.len(), 1);
    assert!(
        !copied_events[0].to_string().contains(token),
        "no token in events"
    );

    app.post(
        &format!("/api/v1/invitations/{id}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    let gone = app
        .post(
            &format!("/api/v1/invitations/{id}/link"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(gone.status, StatusCode::CONFLICT);
    assert_eq!(gone.code(), "invitation_cancelled");
    // A cancelled invitation keeps no recoverable link.
    let kept: Option<String> = app
        .with_db(move |conn| {
            invitations::table
                .find(id)
                .select(invitations::sealed_token)
                .first(conn)
                .unwrap()
        })
        .await;
    assert!(kept.is_none());
}

#[tokio::test]
async fn an_expired_link_emails_a_fresh_link_to_the_invitation_own_address() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "late@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let old = app.link_token(id).await;
    let pending = renew(&app, &old).await;
    assert_eq!(pending.status, StatusCode::CONFLICT);
    assert_eq!(pending.code(), "invitation_not_expired");
    lapse(&app, id).await;
    assert_eq!(
        app.landing(&old).await.body["error"]["renewal"],
        "self_service"
    );

    let renewed = renew(&app, &old).await;

    assert_eq!(renewed.status, StatusCode::ACCEPTED, "{}", renewed.text);
    assert_eq!(renewed.body["outcome"], "fresh_link_sent");
    let body = view(&app, &admin, id).await;
    assert_eq!(body["status"], "pending");
    assert_eq!(body["send_count"], 2);
    assert_eq!(
        emails(&app, id).await.last().unwrap(),
        &("invitation".to_string(), "late@example.com".to_string())
    );
    let fresh = app.link_token(id).await;
    assert_ne!(fresh, old);
    assert_eq!(app.landing(&fresh).await.status, StatusCode::OK);
    let asked = events(&app, &admin, "invitation.renewal_requested", id).await;
    assert_eq!(asked[0]["actor"]["type"], "invitee");
    assert_eq!(asked[0]["details"]["renewal"], "self_service");
}

#[tokio::test]
async fn ask_admin_tells_the_admins_once_and_contact_admin_offers_no_renewal() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.patch(
        SETTINGS,
        &admin.token,
        json!({ "expired_link": "ask_admin" }),
    )
    .await;
    let id = app
        .invite(&admin, json!({ "email": "asks@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let token = app.link_token(id).await;
    lapse(&app, id).await;

    let first = renew(&app, &token).await;
    let second = renew(&app, &token).await;

    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text);
    assert_eq!(first.body["outcome"], "admins_asked");
    assert_eq!(second.status, StatusCode::ACCEPTED);
    let queued = emails(&app, id).await;
    assert_eq!(
        queued
            .iter()
            .filter(|(kind, _)| kind == "renewal_request")
            .count(),
        1,
        "one request to the one admin: {queued:?}"
    );
    assert!(queued.contains(&("renewal_request".into(), admin.email.clone())));
    let body = view(&app, &admin, id).await;
    assert!(body["renewal_requested_at"].is_string());
    assert_eq!(body["status"], "expired");

    // The admin resends: the request is answered.
    let resent = app
        .post(
            &format!("/api/v1/invitations/{id}/resend"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(resent.body["renewal_requested_at"], Value::Null);

    app.patch(
        SETTINGS,
        &admin.token,
        json!({ "expired_link": "contact_admin" }),
    )
    .await;
    let fresh = app.link_token(id).await;
    lapse(&app, id).await;
    let refused = renew(&app, &fresh).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "renewal_not_allowed");
}

#[tokio::test]
async fn cancelled_and_accepted_links_never_renew_and_unknown_ones_are_not_found() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "gone@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let token = app.link_token(id).await;
    app.post(
        &format!("/api/v1/invitations/{id}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    lapse(&app, id).await;

    let cancelled = renew(&app, &token).await;
    assert_eq!(cancelled.status, StatusCode::GONE);
    assert_eq!(cancelled.code(), "invitation_cancelled");
    assert_eq!(emails(&app, id).await.len(), 1, "nothing sent");
    let unknown = renew(&app, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn renewal_requests_are_rate_limited_per_client() {
    let app = skillstream_tests::spawn_app_with(|s| s.rate_limits.renew_per_ip = 2).await;
    let answers = futures::future::join_all(
        (0..3).map(|_| renew(&app, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
    )
    .await;
    let limited = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(limited, 1);
}

async fn bulk(app: &TestApp, admin: &Member, body: Value, key: Option<&str>) -> Reply {
    let mut request = app
        .client
        .post(format!("{}/api/v1/invitations/bulk", app.address))
        .bearer_auth(&admin.token)
        .json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    skillstream_tests::read(request.send().await.unwrap()).await
}

#[tokio::test]
async fn bulk_resend_counts_first_skips_with_reasons_and_is_idempotent_by_key() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.create_department(&admin, "Sales").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            app.invite(
                &admin,
                json!({ "email": format!("s{n}@example.com"), "department": "Sales" }),
            )
            .await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let cancelled = app
        .invite(
            &admin,
            json!({ "email": "c@example.com", "department": "Sales" }),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/invitations/{cancelled}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    app.invite(&admin, json!({ "email": "other@example.com" }))
        .await;
    let request = json!({ "action": "resend", "filter": { "department": "Sales" } });

    let dry = bulk(
        &app,
        &admin,
        json!({ "action": "resend", "filter": { "department": "Sales" }, "dry_run": true }),
        None,
    )
    .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!(dry.body["matched"], 4);
    assert_eq!(dry.body["affected"], 3);
    assert_eq!(
        dry.body["skipped"],
        json!([{ "id": cancelled, "reason": "invitation_cancelled" }])
    );
    assert_eq!(
        emails(&app, ids[0]).await.len(),
        1,
        "a dry run changes nothing"
    );

    let done = bulk(&app, &admin, request.clone(), Some("wave-1")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["affected"], 3);
    assert_eq!(done.body["dry_run"], false);
    for id in &ids {
        assert_eq!(emails(&app, *id).await.len(), 2);
    }

    let retried = bulk(&app, &admin, request, Some("wave-1")).await;
    assert_eq!(retried.body, done.body);
    for id in &ids {
        assert_eq!(emails(&app, *id).await.len(), 2, "a retry sends nothing");
    }
    let reused = bulk(&app, &admin, json!({ "action": "cancel" }), Some("wave-1")).await;
    assert_eq!(reused.status, StatusCode::CONFLICT);
    assert_eq!(reused.code(), "idempotency_key_reused");

    let unknown = bulk(
        &app,
        &admin,
        json!({ "action": "cancel", "filter": { "department": "sales" } }),
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unknown.field_error("filter.department").unwrap()["suggestion"],
        "Sales"
    );
}

#[tokio::test]
async fn bulk_cancel_by_status_and_ids_touches_only_the_caller_organization() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let rival = app.admin_of("Rival").await;
    let mine = app
        .invite(&admin, json!({ "email": "m@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let theirs = app
        .invite(&rival, json!({ "email": "t@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();

    let done = bulk(
        &app,
        &admin,
        json!({ "action": "cancel", "filter": { "status": "pending", "ids": [mine, theirs] } }),
        None,
    )
    .await;

    assert_eq!(done.body["matched"], 1, "{}", done.text);
    assert_eq!(done.body["affected"], 1);
    assert_eq!(view(&app, &admin, mine).await["status"], "cancelled");
    assert_eq!(view(&app, &rival, theirs).await["status"], "pending");
    assert_eq!(
        events(&app, &admin, "invitation.cancelled", mine)
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn seats_bound_members_plus_pending_and_scheduled_and_cancelling_frees_one() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    // The admin is the first member: two seats are left.
    app.patch(SETTINGS, &admin.token, json!({ "seat_limit": 3 }))
        .await;
    let first = app
        .invite(&admin, json!({ "email": "a@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    app.invite(
        &admin,
        json!({ "email": "b@example.com", "send_at": later(2) }),
    )
    .await;

    let over = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "c@example.com" }),
        )
        .await;
    assert_eq!(over.status, StatusCode::CONFLICT);
    assert_eq!(over.code(), "seat_limit_reached");

    app.post(
        &format!("/api/v1/invitations/{first}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    let fits = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": "c@example.com" }),
        )
        .await;
    assert_eq!(fits.status, StatusCode::CREATED, "{}", fits.text);
}

#[tokio::test]
async fn parallel_sends_never_overshoot_the_seat_limit() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.patch(SETTINGS, &admin.token, json!({ "seat_limit": 6 }))
        .await;

    let answers = futures::future::join_all((0..20).map(|n| {
        app.post(
            "/api/v1/invitations",
            &admin.token,
            json!({ "email": format!("p{n}@example.com") }),
        )
    }))
    .await;

    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    let refused = answers
        .iter()
        .filter(|a| a.code() == "seat_limit_reached")
        .count();
    assert_eq!((created, refused), (5, 15));
}

#[tokio::test]
async fn a_csv_preview_marks_the_rows_that_do_not_fit_in_the_free_seats() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    app.patch(SETTINGS, &admin.token, json!({ "seat_limit": 3 }))
        .await;
    let csv = "email\none@example.com\ntwo@example.com\nthree@example.com\n";
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
            .file_name("people.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let preview = skillstream_tests::read(
        app.client
            .post(format!("{}/api/v1/invitation-imports", app.address))
            .bearer_auth(&admin.token)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    // The admin takes one of three seats: two rows fit, the third does not.
    assert_eq!(
        preview.body["seats"],
        json!({ "limit": 3, "needed": 3, "free": 2 })
    );
    let text = preview.text;
    assert_eq!(text.matches("seat_limit_reached").count(), 1, "{text}");
}

#[tokio::test]
async fn acceptance_checks_the_seat_limit_again() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "last@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let token = app.link_token(id).await;
    // Lowered after the invitation went out: the admin alone fills it.
    app.patch(SETTINGS, &admin.token, json!({ "seat_limit": 1 }))
        .await;

    let refused = app
        .request(
            Method::POST,
            &format!("/api/v1/public/invitations/{token}/accept"),
            None,
            Some(&json!({ "password": "a long enough password" })),
        )
        .await;

    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.code(), "seat_limit_reached");
    assert_eq!(view(&app, &admin, id).await["status"], "pending");
}

#[tokio::test]
async fn a_csv_send_at_column_schedules_its_rows_and_a_bad_cell_is_a_row_error() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let day = (Utc::now() + Duration::days(2)).format("%Y-%m-%d");
    let csv = format!(
        "email,send_at\nlater@example.com,{day}T09:00\nnow@example.com,\nbad@example.com,yesterday-ish\n"
    );
    let upload = |body: String| {
        app.client
            .post(format!("{}/api/v1/invitation-imports", app.address))
            .bearer_auth(&admin.token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let preview = skillstream_tests::read(upload(csv).await.unwrap()).await;
    assert_eq!(preview.status, StatusCode::CREATED, "{}", preview.text);
    assert_eq!(
        preview.text.matches("invalid_time").count(),
        1,
        "{}",
        preview.text
    );
    let id = preview.body["id"].as_i64().unwrap();

    let sent = app
        .post(
            &format!("/api/v1/invitation-imports/{id}/send"),
            &admin.token,
            json!({ "skip_invalid": true }),
        )
        .await;
    assert!(sent.status.is_success(), "{}", sent.text);
    let scheduled = app
        .get("/api/v1/invitations?status=scheduled", &admin.token)
        .await;
    assert_eq!(scheduled.body["total"], 1);
    assert_eq!(scheduled.body["items"][0]["email"], "later@example.com");
    assert_eq!(
        at(&scheduled.body["items"][0]["send_at"])
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        format!("{day}T09:00")
    );
    let pending = app
        .get("/api/v1/invitations?status=pending", &admin.token)
        .await;
    assert_eq!(pending.body["total"], 1);
}

#[tokio::test]
async fn the_batch_api_takes_send_at_per_invitation() {
    let app = spawn_app().await;
    let admin = app.admin_of("Acme").await;
    let reply = app
        .post(
            "/api/v1/invitations/batch",
            &admin.token,
            json!({ "invitations": [
                { "email": "wave1@example.com", "send_at": later(1) },
                { "email": "wave2@example.com" }
            ] }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let scheduled = app
        .get("/api/v1/invitations?status=scheduled", &admin.token)
        .await;
    assert_eq!(scheduled.body["total"], 1);
    assert_eq!(scheduled.body["items"][0]["email"], "wave1@example.com");
}
