//! Webhook delivery, measured: deliveries per second to a local receiver that answers at once,
//! and the delay from an event's commit to its arrival at 100 events per second (p50, p99).
//!
//!     cargo bench -p skillstream-tests --bench webhook_delivery            # SQLite
//!     scripts/with-postgres.sh cargo bench -p skillstream-tests --bench webhook_delivery
//!     MESSAGES=20000 RATE_SECONDS=20 cargo bench -p skillstream-tests --bench webhook_delivery
//!
//! The app runs in this process with its real worker and the guarded outbound client; events
//! are appended through the store as a use case would (one transaction for the throughput
//! run, one per event for the latency run); the receiver is a small actix-web server that
//! notes when each message arrives and answers 204.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};
use skillstream_api::db::write_transaction;
use skillstream_app::events::Event;
use skillstream_app::Ctx;
use skillstream_domain::{Action, OrganizationId};
use skillstream_tests::spawn_app_with;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Arrivals = Arc<Mutex<HashMap<i64, Instant>>>;

async fn receive(arrivals: web::Data<Arrivals>, body: web::Bytes) -> HttpResponse {
    let now = Instant::now();
    if let Ok(payload) = serde_json::from_slice::<Value>(&body) {
        if let Some(seq) = payload["data"]["details"]["seq"].as_i64() {
            arrivals.lock().unwrap().entry(seq).or_insert(now);
        }
    }
    HttpResponse::NoContent().finish()
}

fn env_number(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn append(pool: &skillstream_api::db::Pool, org: i64, seqs: std::ops::Range<usize>) {
    let mut conn = pool.get().unwrap();
    let ctx = Ctx::system("bench");
    write_transaction(&mut conn, |conn| {
        let rows = seqs
            .map(|seq| {
                Event::new(&ctx, OrganizationId(org), Action::MemberUpdated)
                    .details(skillstream_app::details! { "seq": seq })
                    .into_row()
            })
            .collect();
        skillstream_store::events::append(conn, rows)
    })
    .unwrap();
}

async fn wait_for(arrivals: &Arrivals, count: usize, within: Duration) -> Instant {
    let deadline = Instant::now() + within;
    loop {
        if arrivals.lock().unwrap().len() >= count {
            return Instant::now();
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {count} arrived",
            arrivals.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::main]
async fn main() {
    let messages = env_number("MESSAGES", 10_000);
    let rate_seconds = env_number("RATE_SECONDS", 10);

    let arrivals: Arrivals = Arc::default();
    let data = web::Data::new(arrivals.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/hook", web::post().to(receive))
    })
    .workers(2)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());

    let app = spawn_app_with(|s| {
        s.outbox_worker = true;
        s.webhooks.per_endpoint = env_number("WEBHOOK_ENDPOINT_CONCURRENCY", 32) as i64;
        s.webhooks.idle_poll = Duration::from_millis(env_number("WEBHOOK_POLL_MS", 100) as u64);
    })
    .await;
    let backend = app.settings.database.backend_name();
    let admin = app.admin_of("Bench").await;
    let created = app
        .post(
            "/api/v1/webhooks",
            &admin.token,
            json!({ "url": format!("http://127.0.0.1:{port}/hook"), "events": ["member.updated"] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);

    // Throughput: `messages` events in one transaction, then wait for every delivery.
    let pool = app.pool.clone();
    let org = admin.organization_id;
    let started = Instant::now();
    tokio::task::spawn_blocking(move || append(&pool, org, 0..messages))
        .await
        .unwrap();
    let queued = started.elapsed();
    let done = wait_for(&arrivals, messages, Duration::from_secs(600)).await;
    let seconds = (done - started).as_secs_f64();
    println!(
        "webhook_delivery [{backend}]: {messages} messages queued in {:.2} s, all delivered in {seconds:.2} s: {:.0} deliveries/s",
        queued.as_secs_f64(),
        messages as f64 / seconds
    );

    // Latency: 100 events per second, one transaction each; delay from commit to arrival.
    arrivals.lock().unwrap().clear();
    let count = rate_seconds * 100;
    let mut committed: HashMap<i64, Instant> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    for seq in 0..count {
        tick.tick().await;
        let pool = app.pool.clone();
        let first = messages + seq;
        tokio::task::spawn_blocking(move || append(&pool, org, first..first + 1))
            .await
            .unwrap();
        committed.insert(first as i64, Instant::now());
    }
    wait_for(&arrivals, count, Duration::from_secs(60)).await;
    let arrived = arrivals.lock().unwrap().clone();
    let mut delays: Vec<f64> = committed
        .iter()
        .map(|(seq, at)| arrived[seq].saturating_duration_since(*at).as_secs_f64() * 1000.0)
        .collect();
    delays.sort_by(f64::total_cmp);
    let pct =
        |p: f64| delays[((delays.len() as f64 * p).ceil() as usize).clamp(1, delays.len()) - 1];
    println!(
        "webhook_delivery [{backend}]: {count} events at 100/s: delay p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (WEBHOOK_POLL_MS={})",
        pct(0.5),
        pct(0.99),
        delays[delays.len() - 1],
        app.settings.webhooks.idle_poll.as_millis()
    );
}
