//! Several app processes on one PostgreSQL, as production runs them: every email is delivered
//! exactly once, a killed instance loses nothing, and instances starting together both come up.
//!
//! These drive the built binary (`cargo build --bin skillstream`) against the PostgreSQL in
//! `TEST_DATABASE_URL`; `make test-postgres` runs them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use skillstream_tests::smtp::{Behavior, SmtpSink};
use std::collections::HashMap;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

const SECRET: &str = "instances-secret-instances-secret-42";
const ADMIN: (&str, &str) = ("admin@instances.example.com", "instances password");

struct Instance {
    child: Child,
    /// The URL the instance announces once it listens; it binds port 0, so the system picks a
    /// port no other process holds (a port picked here and handed over could be taken meanwhile).
    announced: Mutex<Option<oneshot::Receiver<String>>>,
    base: OnceLock<String>,
}

impl Instance {
    /// The instance's URL; `ready` learns it.
    fn base(&self) -> &str {
        self.base
            .get()
            .expect("call ready() before using the instance")
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fresh_database() -> String {
    use diesel::{Connection, RunQueryDsl};
    let admin_url =
        std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL names a PostgreSQL server");
    let name = format!(
        "instances_{}",
        skillstream_api::tokens::random_token(8)
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    let mut conn = diesel::PgConnection::establish(&admin_url).unwrap();
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

fn spawn(database_url: &str, smtp_url: &str, concurrency: &str) -> Instance {
    spawn_with(database_url, smtp_url, concurrency, &[])
}

fn spawn_with(
    database_url: &str,
    smtp_url: &str,
    concurrency: &str,
    settings: &[(&str, &str)],
) -> Instance {
    let binary = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug/skillstream");
    assert!(
        std::path::Path::new(binary).exists(),
        "build the binary first: cargo build --bin skillstream"
    );
    let data = std::env::temp_dir().join(format!(
        "skillstream-instance-{}",
        skillstream_api::tokens::random_token(8)
    ));
    let mut child = Command::new(binary)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", &data)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("JWT_SECRET", SECRET)
        .env("SMTP_URL", smtp_url)
        .env("ADMIN_EMAIL", ADMIN.0)
        .env("ADMIN_PASSWORD", ADMIN.1)
        .env("MAIL_CONCURRENCY", concurrency)
        .env("OUTBOX_LEASE_SECS", "3")
        .env("SCHEDULER_TICK_MS", "100")
        .env("RATE_LIMIT_LOGIN_PER_IP", "0")
        .env("RATE_LIMIT_LOGIN_PER_EMAIL", "0")
        .env("LOG", "warn")
        .envs(settings.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The first line names the URL; the rest is read on so the instance never blocks on a
    // full pipe.
    let stdout = child.stdout.take().unwrap();
    let (announce, announced) = oneshot::channel();
    std::thread::spawn(move || {
        let mut announce = Some(announce);
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(rest) = line.strip_prefix("SkillStream is running at ") {
                let url = rest.split_whitespace().next().unwrap_or_default();
                if let Some(announce) = announce.take() {
                    let _ = announce.send(url.to_string());
                }
            }
        }
    });
    Instance {
        child,
        announced: Mutex::new(Some(announced)),
        base: OnceLock::new(),
    }
}

async fn ready(client: &reqwest::Client, instance: &Instance) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let announced = instance.announced.lock().unwrap().take();
    if let Some(announced) = announced {
        let base = tokio::time::timeout(Duration::from_secs(60), announced)
            .await
            .expect("the instance announces its URL within a minute")
            .expect("the instance started (it exited before announcing its URL)");
        instance.base.set(base).unwrap();
    }
    loop {
        if let Ok(r) = client
            .get(format!("{}/readyz", instance.base()))
            .send()
            .await
        {
            if r.status() == 200 {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{} did not become ready",
            instance.base()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn token(client: &reqwest::Client, instance: &Instance) -> String {
    let session: Value = client
        .post(format!("{}/api/v1/auth/login", instance.base()))
        .json(&json!({ "email": ADMIN.0, "password": ADMIN.1 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["access_token"].as_str().unwrap().to_string()
}

async fn queue(
    client: &reqwest::Client,
    instance: &Instance,
    token: &str,
    from: usize,
    count: usize,
) {
    let invitations: Vec<Value> = (from..from + count)
        .map(|i| json!({ "email": format!("person{i}@example.com") }))
        .collect();
    let reply = client
        .post(format!("{}/api/v1/invitations/batch", instance.base()))
        .bearer_auth(token)
        .json(&json!({ "invitations": invitations }))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201, "{}", reply.text().await.unwrap());
}

/// Deliveries per recipient once every recipient got at least one, and the outbox is empty.
async fn deliveries(
    client: &reqwest::Client,
    survivor: &Instance,
    sink: &SmtpSink,
    expected: usize,
) -> HashMap<String, usize> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut per_recipient: HashMap<String, usize> = HashMap::new();
        for message in sink.received() {
            for to in message.rcpt_to {
                *per_recipient.entry(to).or_default() += 1;
            }
        }
        let metrics = client
            .get(format!("{}/metrics", survivor.base()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if per_recipient.len() >= expected && metrics.contains("skillstream_outbox_depth 0\n") {
            return per_recipient;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {expected} recipients reached",
            per_recipient.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL and the built binary: run by make test-postgres"]
async fn two_instances_started_together_deliver_every_email_exactly_once() {
    let database = fresh_database();
    let sink = SmtpSink::start(Behavior::Accept).await;
    // Both start at once on an empty database: migrations and the first admin are made once.
    let a = spawn(&database, &sink.url(), "8");
    let b = spawn(&database, &sink.url(), "8");
    let client = reqwest::Client::new();
    ready(&client, &a).await;
    ready(&client, &b).await;
    let token = token(&client, &a).await;

    queue(&client, &a, &token, 0, 1000).await;
    queue(&client, &b, &token, 1000, 1000).await;

    let delivered = deliveries(&client, &b, &sink, 2000).await;
    assert_eq!(delivered.len(), 2000);
    let repeated: Vec<_> = delivered.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        repeated.is_empty(),
        "delivered more than once: {repeated:?}"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL and the built binary: run by make test-postgres"]
async fn an_instance_killed_mid_delivery_loses_nothing() {
    let database = fresh_database();
    let sink = SmtpSink::start(Behavior::Accept).await;
    let concurrency = 4;
    let mut a = spawn(&database, &sink.url(), &concurrency.to_string());
    let client = reqwest::Client::new();
    ready(&client, &a).await;
    let b = spawn(&database, &sink.url(), &concurrency.to_string());
    ready(&client, &b).await;
    let token = token(&client, &a).await;
    queue(&client, &a, &token, 0, 2000).await;

    sink.wait_for(300, Duration::from_secs(60)).await;
    a.child.kill().unwrap(); // SIGKILL: no chance to finish or release anything
    a.child.wait().unwrap();

    let delivered = deliveries(&client, &b, &sink, 2000).await;
    assert_eq!(
        delivered.len(),
        2000,
        "every invitation reached its invitee"
    );
    // Only the emails the killed instance had in flight can arrive twice.
    let repeated = delivered.values().filter(|n| **n > 1).count();
    assert!(repeated <= concurrency, "{repeated} emails arrived twice");
}

#[tokio::test]
#[ignore = "needs PostgreSQL and the built binary: run by make test-postgres"]
async fn two_instances_send_each_of_1000_due_reminders_exactly_once() {
    use diesel::{Connection, RunQueryDsl};
    let database = fresh_database();
    let sink = SmtpSink::start(Behavior::Accept).await;
    let a = spawn(&database, &sink.url(), "8");
    let b = spawn(&database, &sink.url(), "8");
    let client = reqwest::Client::new();
    ready(&client, &a).await;
    ready(&client, &b).await;
    let token = token(&client, &a).await;
    queue(&client, &a, &token, 0, 1000).await;
    let invited = deliveries(&client, &b, &sink, 1000).await;
    assert_eq!(invited.len(), 1000);

    // Every invitation's first reminder falls due at once, for both schedulers.
    let mut conn = diesel::PgConnection::establish(&database).unwrap();
    let due = diesel::sql_query(
        "UPDATE invitations SET next_reminder_at = now() AT TIME ZONE 'UTC' - interval '1 second'",
    )
    .execute(&mut conn)
    .unwrap();
    assert_eq!(due, 1000);

    let deadline = Instant::now() + Duration::from_secs(120);
    let reminders = loop {
        let reminders: Vec<_> = sink
            .received()
            .into_iter()
            .filter(|m| {
                m.data
                    .contains("Subject: Reminder: Welcome to SkillStream LMS")
            })
            .collect();
        if reminders.len() >= 1000 {
            break reminders;
        }
        assert!(
            Instant::now() < deadline,
            "{} of 1000 reminders",
            reminders.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Settle: nothing more arrives once the outbox is empty.
    deliveries(&client, &a, &sink, 1000).await;
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for message in &reminders {
        for to in &message.rcpt_to {
            *per_recipient.entry(to.clone()).or_default() += 1;
        }
    }
    assert_eq!(per_recipient.len(), 1000);
    let repeated: Vec<_> = per_recipient.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "reminded more than once: {repeated:?}");
    let events: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM events WHERE action = 'invitation.reminded')",
    ))
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(events, 1000);
}

/// The settings of instances that deliver webhooks to the test receiver on loopback: a short
/// timeout, so a killed instance's leases (timeout + 5 s) run out quickly.
const WEBHOOKS: &[(&str, &str)] = &[
    ("OUTBOUND_ALLOW_PRIVATE", "true"),
    ("WEBHOOK_TIMEOUT_MS", "2000"),
    ("WEBHOOK_RETRY_BASE_MS", "50"),
    ("WEBHOOK_POLL_MS", "50"),
];

/// An endpoint for `invitation.created` at a new inbox that trusts its secret.
async fn webhook_inbox(
    client: &reqwest::Client,
    instance: &Instance,
    token: &str,
) -> skillstream_tests::webhook_receiver::Inbox {
    let inbox = skillstream_tests::webhook_receiver::receiver()
        .inbox(json!({}))
        .await;
    let created: Value = client
        .post(format!("{}/api/v1/webhooks", instance.base()))
        .bearer_auth(token)
        .json(&json!({ "url": inbox.url, "events": ["invitation.created"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    inbox.trust(&[created["secret"].as_str().unwrap()]).await;
    inbox
}

/// Successful (verified, 2xx) deliveries per `webhook-id`, once there are `expected` ids.
async fn webhook_ids(
    inbox: &skillstream_tests::webhook_receiver::Inbox,
    expected: usize,
) -> HashMap<String, usize> {
    let deliveries = inbox
        .wait_for(Duration::from_secs(120), |d| {
            let ok: std::collections::HashSet<&str> = d
                .iter()
                .filter(|d| d["verified"] == true && d["answered"] == 200)
                .filter_map(|d| d["webhook_id"].as_str())
                .collect();
            ok.len() >= expected
        })
        .await;
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for d in &deliveries {
        assert_eq!(d["verified"], true, "{d}");
        assert_eq!(d["type"], "invitation.created");
        *per_id
            .entry(d["webhook_id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    per_id
}

#[tokio::test]
#[ignore = "needs PostgreSQL and the built binary: run by make test-postgres"]
async fn two_instances_deliver_each_of_2000_webhook_messages_once() {
    let database = fresh_database();
    let sink = SmtpSink::start(Behavior::Accept).await;
    let a = spawn_with(&database, &sink.url(), "8", WEBHOOKS);
    let b = spawn_with(&database, &sink.url(), "8", WEBHOOKS);
    let client = reqwest::Client::new();
    ready(&client, &a).await;
    ready(&client, &b).await;
    let token = token(&client, &a).await;
    let inbox = webhook_inbox(&client, &a, &token).await;

    queue(&client, &a, &token, 0, 1000).await;
    queue(&client, &b, &token, 1000, 1000).await;

    let per_id = webhook_ids(&inbox, 2000).await;
    assert_eq!(per_id.len(), 2000);
    let repeated: Vec<_> = per_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        repeated.is_empty(),
        "delivered more than once: {repeated:?}"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL and the built binary: run by make test-postgres"]
async fn an_instance_killed_mid_webhook_delivery_loses_no_message() {
    let database = fresh_database();
    let sink = SmtpSink::start(Behavior::Accept).await;
    let mut a = spawn_with(&database, &sink.url(), "8", WEBHOOKS);
    let client = reqwest::Client::new();
    ready(&client, &a).await;
    let b = spawn_with(&database, &sink.url(), "8", WEBHOOKS);
    ready(&client, &b).await;
    let token = token(&client, &a).await;
    let inbox = webhook_inbox(&client, &a, &token).await;
    queue(&client, &a, &token, 0, 2000).await;

    inbox
        .wait_for(Duration::from_secs(60), |d| d.len() >= 200)
        .await;
    a.child.kill().unwrap(); // SIGKILL: in-flight deliveries are neither finished nor recorded
    a.child.wait().unwrap();

    let per_id = webhook_ids(&inbox, 2000).await;
    assert_eq!(per_id.len(), 2000, "every message arrived");
    // Only what the killed instance had in flight (32 per endpoint) can arrive twice.
    let repeated = per_id.values().filter(|n| **n > 1).count();
    assert!(repeated <= 32, "{repeated} messages arrived twice");
}
