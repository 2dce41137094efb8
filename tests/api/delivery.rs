//! The invitation email over real SMTP (an in-process sink), retries, and the file transport.

use diesel::prelude::*;
use mail_parser::MessageParser;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_api::config::Secret;
use skillstream_api::db::schema::{email_outbox, invitation_retired_tokens, invitations};
use skillstream_tests::smtp::{Behavior, ReservedPort, SmtpSink};
use skillstream_tests::{spawn_app_with, Member, TestApp};
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(15);

async fn app_sending_to(url: String) -> TestApp {
    spawn_app_with(move |s| {
        s.outbox_worker = true;
        s.smtp_url = Some(Secret::new(url));
    })
    .await
}

/// The link's token, from the plain-text part.
fn token_in(text: &str) -> String {
    let start = text.find("/invite/").expect("the email has an accept link") + "/invite/".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn delivery(app: &TestApp, admin: &Member, id: i64) -> Value {
    app.get(&format!("/api/v1/invitations/{id}"), &admin.token)
        .await
        .body["email_delivery"]
        .clone()
}

#[tokio::test]
async fn the_welcome_email_arrives_and_its_link_leads_to_an_account_with_the_courses() {
    let sink = SmtpSink::start(Behavior::Accept).await;
    let app = app_sending_to(sink.url()).await;
    let admin = app.admin_of("Acme & Co").await;
    app.create_department(&admin, "Sales").await;
    let course = app.create_course(&admin, "Workplace Safety").await;
    let invitation = app
        .invite(
            &admin,
            json!({ "email": "ada@example.com", "first_name": "Ada", "role": "instructor", "department": "Sales", "course_ids": [course] }),
        )
        .await;
    let id = invitation["id"].as_i64().unwrap();

    let received = sink.wait_for(1, WITHIN).await;

    let raw = &received[0];
    assert_eq!(raw.rcpt_to, ["ada@example.com"]);
    let message = MessageParser::default().parse(raw.data.as_bytes()).unwrap();
    assert_eq!(message.subject(), Some("Welcome to SkillStream LMS"));
    let to = message.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("ada@example.com"));
    assert_eq!(to.name(), Some("Ada"));
    assert!(message
        .from()
        .unwrap()
        .first()
        .unwrap()
        .address()
        .unwrap()
        .contains("no-reply"));
    let text = message.body_text(0).unwrap().to_string();
    let html = message.body_html(0).unwrap().to_string();
    for part in [&text, &html] {
        assert!(part.contains("Instructor"), "{part}");
        assert!(part.contains("Workplace Safety"));
        assert!(part.contains(&admin.email), "the inviter is named");
        assert!(part.contains(&format!("{}/invite/", app.address)), "{part}");
    }
    assert!(text.contains("Acme & Co"));
    assert!(
        html.contains("Acme &amp; Co"),
        "organization names are escaped in HTML"
    );
    let expires: chrono::DateTime<chrono::Utc> =
        invitation["expires_at"].as_str().unwrap().parse().unwrap();
    assert!(text.contains(&expires.format("%-d %B %Y").to_string()));

    // The admin sees it sent.
    let state = app
        .eventually(WITHIN, || async {
            let d = delivery(&app, &admin, id).await;
            (d["status"] == "sent").then_some(d)
        })
        .await;
    assert_eq!(state["attempts"], 1);

    // Follow the link: look, accept, sign in, see the course.
    let token = token_in(&text);
    let look = app.landing(&token).await;
    assert_eq!(look.body["organization"]["name"], "Acme & Co");
    let accepted = app
        .request(
            Method::POST,
            &format!("/api/v1/public/invitations/{token}/accept"),
            None,
            Some(&json!({ "password": "twelve chars or more" })),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let session = app.login("ada@example.com", "twelve chars or more").await;
    let courses = app
        .get(
            "/api/v1/me/enrollments",
            session.body["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(courses.body[0]["title"], "Workplace Safety");
}

#[tokio::test]
async fn only_a_hash_of_the_token_is_stored() {
    let sink = SmtpSink::start(Behavior::Accept).await;
    let app = app_sending_to(sink.url()).await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "ada@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let received = sink.wait_for(1, WITHIN).await;
    let message = MessageParser::default()
        .parse(received[0].data.as_bytes())
        .unwrap();
    let token = token_in(&message.body_text(0).unwrap());
    app.eventually(WITHIN, || async {
        (delivery(&app, &admin, id).await["status"] == "sent").then_some(())
    })
    .await;
    app.post(
        &format!("/api/v1/invitations/{id}/resend"),
        &admin.token,
        json!({}),
    )
    .await;

    // Every text the database holds about the invitation and its emails.
    let stored: Vec<String> = app
        .with_db(move |conn| {
            let mut all: Vec<String> = invitations::table
                .select(invitations::token_hash)
                .load(conn)
                .unwrap();
            let outbox: Vec<(Option<String>, Option<String>, String)> = email_outbox::table
                .select((
                    email_outbox::sealed_token,
                    email_outbox::last_error,
                    email_outbox::recipient,
                ))
                .load(conn)
                .unwrap();
            for (sealed, error, recipient) in outbox {
                all.extend(sealed);
                all.extend(error);
                all.push(recipient);
            }
            all.extend(
                invitation_retired_tokens::table
                    .select(invitation_retired_tokens::token_hash)
                    .load::<String>(conn)
                    .unwrap(),
            );
            all
        })
        .await;
    assert!(
        stored.iter().all(|value| !value.contains(&token)),
        "the raw token is stored"
    );
    assert!(
        stored.contains(&skillstream_api::tokens::hash_token(&token)),
        "its hash is"
    );
    if let skillstream_api::db::DatabaseTarget::Sqlite(path) = &app.settings.database {
        for file in [path.clone(), path.with_extension("db-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let found = bytes.windows(token.len()).any(|w| w == token.as_bytes());
            assert!(!found, "the raw token is in {}", file.display());
        }
    }
}

#[tokio::test]
async fn smtp_down_when_queued_and_up_later_delivers_exactly_once() {
    let reserved = ReservedPort::new();
    let app = app_sending_to(format!("smtp://127.0.0.1:{}", reserved.port)).await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "patient@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();

    // The first attempt fails on a refused connection and is scheduled again.
    let failed = app
        .eventually(WITHIN, || async {
            let d = delivery(&app, &admin, id).await;
            (d["attempts"].as_i64() >= Some(1) && d["status"] == "queued").then_some(d)
        })
        .await;
    assert!(failed["last_error"].is_string());
    assert!(failed["next_attempt_at"].is_string());

    let sink = SmtpSink::start_reserved(reserved, Behavior::Accept);
    sink.wait_for(1, WITHIN).await;
    app.eventually(WITHIN, || async {
        (delivery(&app, &admin, id).await["status"] == "sent").then_some(())
    })
    .await;
    // Another invitation goes through the same worker after this one: by then a duplicate of
    // the first would have arrived too.
    app.invite(&admin, json!({ "email": "second@example.com" }))
        .await;
    let all = sink.wait_for(2, WITHIN).await;
    let to_first = all
        .iter()
        .filter(|m| m.rcpt_to == ["patient@example.com"])
        .count();
    assert_eq!(to_first, 1);
}

#[tokio::test]
async fn a_4xx_reply_is_retried_until_it_goes_through() {
    let sink = SmtpSink::start(Behavior::FailFirst {
        n: 2,
        reply: "451 4.3.0 Mailbox temporarily unavailable".into(),
    })
    .await;
    let app = app_sending_to(sink.url()).await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "retry@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();

    sink.wait_for(1, WITHIN).await;
    let state = app
        .eventually(WITHIN, || async {
            let d = delivery(&app, &admin, id).await;
            (d["status"] == "sent").then_some(d)
        })
        .await;

    assert_eq!(state["attempts"], 3);
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn a_relay_that_closes_each_connection_gets_every_email_on_the_first_attempt() {
    // One email at a time, so each one after the first finds the closed connection parked.
    let sink = SmtpSink::start(Behavior::CloseAfterEach).await;
    let url = sink.url();
    let app = spawn_app_with(move |s| {
        s.outbox_worker = true;
        s.smtp_url = Some(Secret::new(url));
        s.mail.concurrency = 1;
        s.mail.smtp_pool_size = 1;
    })
    .await;
    let admin = app.admin_of("Acme").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let invited = app
            .invite(&admin, json!({ "email": format!("person{n}@example.com") }))
            .await;
        ids.push(invited["id"].as_i64().unwrap());
        sink.wait_for(n + 1, WITHIN).await;
    }

    for id in ids {
        let state = app
            .eventually(WITHIN, || async {
                let d = delivery(&app, &admin, id).await;
                (d["status"] == "sent").then_some(d)
            })
            .await;
        assert_eq!(state["attempts"], 1, "{state}");
    }
    assert_eq!(sink.count(), 3);
}

#[tokio::test]
async fn a_5xx_reply_fails_at_once_with_the_reason() {
    let sink = SmtpSink::start(Behavior::Always("550 5.1.1 No such mailbox here".into())).await;
    let app = app_sending_to(sink.url()).await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "ghost@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();

    let state = app
        .eventually(WITHIN, || async {
            let d = delivery(&app, &admin, id).await;
            (d["status"] == "failed").then_some(d)
        })
        .await;

    assert_eq!(state["attempts"], 1);
    assert!(
        state["last_error"]
            .as_str()
            .unwrap()
            .contains("No such mailbox"),
        "{state}"
    );
    // The failure is listed too, so the admin can fix the address and invite again.
    let listed = app.get("/api/v1/invitations", &admin.token).await;
    assert_eq!(
        listed.body["items"][0]["email_delivery"]["status"],
        "failed"
    );
}

#[tokio::test]
async fn without_smtp_the_email_is_written_to_the_mail_folder() {
    let app = spawn_app_with(|s| s.outbox_worker = true).await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "local@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();

    let folder = app.settings.mail_dir.clone();
    let file = app
        .eventually(WITHIN, || {
            let folder = folder.clone();
            async move {
                std::fs::read_dir(&folder)
                    .ok()?
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| p.extension().is_some_and(|x| x == "eml"))
            }
        })
        .await;

    let raw = std::fs::read(&file).unwrap();
    let message = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(message.subject(), Some("Welcome to SkillStream LMS"));
    let token = token_in(&message.body_text(0).unwrap());
    let look = app.landing(&token).await;
    assert_eq!(look.status, StatusCode::OK);
    app.eventually(WITHIN, || async {
        (delivery(&app, &admin, id).await["status"] == "sent").then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_invitation_s_email_is_not_sent() {
    let sink = SmtpSink::start(Behavior::Accept).await;
    // The worker is off while the invitation is created and cancelled.
    let app = spawn_app_with({
        let url = sink.url();
        move |s| s.smtp_url = Some(Secret::new(url))
    })
    .await;
    let admin = app.admin_of("Acme").await;
    let id = app
        .invite(&admin, json!({ "email": "never@example.com" }))
        .await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/invitations/{id}/cancel"),
        &admin.token,
        json!({}),
    )
    .await;
    app.invite(&admin, json!({ "email": "control@example.com" }))
        .await;

    let worker = skillstream_api::startup::build_worker(
        &app.settings,
        app.pool.clone(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    worker.run_once().await.unwrap();

    let received = sink.wait_for(1, WITHIN).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, ["control@example.com"]);
}

#[tokio::test]
async fn a_worker_told_to_stop_puts_the_emails_it_has_not_started_back_in_the_queue() {
    let sink = SmtpSink::start(Behavior::Accept).await;
    let app = spawn_app_with({
        let url = sink.url();
        move |s| s.smtp_url = Some(Secret::new(url))
    })
    .await;
    let admin = app.admin_of("Acme").await;
    for i in 0..3 {
        app.invite(&admin, json!({ "email": format!("later{i}@example.com") }))
            .await;
    }
    let worker = skillstream_api::startup::build_worker(
        &app.settings,
        app.pool.clone(),
        Default::default(),
        Default::default(),
    )
    .unwrap();

    let (_stop, stopping) = tokio::sync::watch::channel(true);
    let claimed = worker.run_once_until(&stopping).await.unwrap();

    assert_eq!(claimed, 3);
    let rows: Vec<(String, i32, Option<chrono::NaiveDateTime>)> = app
        .with_db(|conn| {
            email_outbox::table
                .select((
                    email_outbox::status,
                    email_outbox::attempts,
                    email_outbox::locked_until,
                ))
                .load(conn)
                .unwrap()
        })
        .await;
    assert!(
        rows.iter()
            .all(|(status, attempts, lock)| status == "queued" && *attempts == 0 && lock.is_none()),
        "{rows:?}"
    );
    assert_eq!(sink.count(), 0);
    // Another worker (here the same one, running normally) delivers them.
    worker.run_once().await.unwrap();
    sink.wait_for(3, WITHIN).await;
}
