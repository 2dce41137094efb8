//! A first SCIM sync, measured: an identity provider that sends one request at a time provisions
//! 10,000 users (`USERS=N`), each with a filter GET by userName and then a POST, as Okta and
//! Entra ID do. Prints the total time, users per second, requests per second and the latency of
//! each kind of request (p50, p99).
//!
//!     cargo bench -p skillstream-tests --bench scim_sync            # SQLite
//!     scripts/with-postgres.sh cargo bench -p skillstream-tests --bench scim_sync
//!     USERS=2000 SCIM_MODE=activate cargo bench -p skillstream-tests --bench scim_sync
//!     OUTBOX_WORKER=off cargo bench -p skillstream-tests --bench scim_sync   # the API alone
//!
//! The app runs in this process with the production defaults of its workers (the invitation
//! emails of `invite` mode are delivered to files meanwhile); the client is reqwest over
//! loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use skillstream_tests::spawn_app_with;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let users: usize = std::env::var("USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mode = std::env::var("SCIM_MODE").unwrap_or_else(|_| "invite".into());
    let deliver = std::env::var("OUTBOX_WORKER").map_or(true, |v| v != "off");
    // The server as deployed: its defaults for the pool, the scheduler and the webhook worker
    // (the tests poll far more often), and the outbox worker sending the invitations (to
    // files) while the sync runs.
    let app = spawn_app_with(|s| {
        s.db_pool_size = 10;
        s.scheduler_tick = Duration::from_secs(5);
        s.webhooks = Default::default();
        s.mail = Default::default();
        s.outbox_worker = deliver;
    })
    .await;
    let admin = app.admin_of("Bench").await;
    if mode == "activate" {
        let org = admin.organization_id;
        app.with_db(move |conn| {
            use diesel::prelude::*;
            use skillstream_api::db::schema::organizations;
            diesel::update(organizations::table.find(org))
                .set(organizations::scim_provisioning.eq("activate"))
                .execute(conn)
                .unwrap();
        })
        .await;
    }
    let token = app
        .post(
            "/api/v1/scim-tokens",
            &admin.token,
            json!({ "name": "bench" }),
        )
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    let client = reqwest::Client::new();
    let base = format!("{}/scim/v2/Users", app.address);
    let mut gets = Vec::with_capacity(users);
    let mut posts = Vec::with_capacity(users);
    let started = Instant::now();
    for n in 0..users {
        let email = format!("person{n}@bench.example.com");
        let clock = Instant::now();
        let found = client
            .get(&base)
            .query(&[("filter", format!("userName eq \"{email}\""))])
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(found.status(), 200);
        let _ = found.bytes().await.unwrap();
        gets.push(clock.elapsed());
        let clock = Instant::now();
        let created = client
            .post(&base)
            .bearer_auth(&token)
            .header("content-type", "application/scim+json")
            .body(
                json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": email,
                    "externalId": format!("ext-{n}"),
                    "name": { "givenName": "Person", "familyName": format!("Number {n}") },
                    "emails": [{ "primary": true, "type": "work", "value": email }],
                    "active": true
                })
                .to_string(),
            )
            .send()
            .await
            .unwrap();
        let status = created.status();
        let text = created.text().await.unwrap();
        assert_eq!(status, 201, "{text}");
        posts.push(clock.elapsed());
    }
    let total = started.elapsed();
    gets.sort();
    posts.sort();
    let backend = if std::env::var("TEST_DATABASE_URL").is_ok() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let emails = if deliver {
        "sent meanwhile"
    } else {
        "queued only (OUTBOX_WORKER=off)"
    };
    println!(
        "scim_sync ({backend}, mode {mode}, emails {emails}): {users} users, one request at a time"
    );
    println!(
        "  total {:.1} s: {:.0} users/s, {:.0} requests/s",
        total.as_secs_f64(),
        users as f64 / total.as_secs_f64(),
        (2 * users) as f64 / total.as_secs_f64()
    );
    for (name, sorted) in [("filter GET", &gets), ("POST", &posts)] {
        println!(
            "  {name}: p50 {:.2} ms, p99 {:.2} ms",
            percentile(sorted, 0.5).as_secs_f64() * 1000.0,
            percentile(sorted, 0.99).as_secs_f64() * 1000.0
        );
    }
}
