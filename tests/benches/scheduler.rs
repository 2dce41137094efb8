//! The scheduler's cost and throughput, on the database the environment names:
//! 1. overhead: with N pending invitations (default 100,000) and nothing due, the time of one
//!    scheduler tick (scheduled sends, reminders, expiry: three index range scans), and the
//!    plans PostgreSQL chooses for them;
//! 2. reminders: R reminders due at once (default 10,000): the tick that queues them, then
//!    their delivery through the outbox to an SMTP sink on loopback (emails/s);
//! 3. bulk resend of R invitations in one call (`invitations::bulk`).
//!
//! Run:
//!
//! ```text
//! cargo bench -p skillstream-tests --bench scheduler                      # SQLite
//! scripts/with-postgres.sh cargo bench -p skillstream-tests --bench scheduler
//! PENDING=100000 REMINDERS=10000 cargo bench -p skillstream-tests --bench scheduler
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use diesel::RunQueryDsl;
use skillstream_api::bootstrap::create_admin;
use skillstream_api::config::Secret;
use skillstream_api::db::{write_transaction, DbConnection};
use skillstream_api::scheduler::{tick, Schedule};
use skillstream_api::startup::{build_worker, open_database};
use skillstream_app::invitations::{bulk, write_many, BulkAction, BulkFilter, ValidInvitation};
use skillstream_app::Ctx;
use skillstream_domain::{EmailAddress, MemberId, OrganizationId, Role};
use skillstream_tests::smtp::{Behavior, SmtpSink};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let pending = env_number("PENDING", 100_000);
    let reminders = env_number("REMINDERS", 10_000).min(pending);
    let data = tempfile::tempdir().unwrap();
    let target = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            use diesel::Connection;
            let mut conn = diesel::PgConnection::establish(&url).unwrap();
            diesel::sql_query("DROP DATABASE IF EXISTS bench_scheduler")
                .execute(&mut conn)
                .unwrap();
            diesel::sql_query("CREATE DATABASE bench_scheduler")
                .execute(&mut conn)
                .unwrap();
            skillstream_api::db::DatabaseTarget::Postgres(
                url.replace("/postgres", "/bench_scheduler"),
            )
        }
        _ => skillstream_api::db::DatabaseTarget::Sqlite(data.path().join("bench.db")),
    };
    let backend = target.backend_name();
    let postgres = backend == "postgresql" || backend == "postgres";
    let sink = SmtpSink::start_on(0, Behavior::Accept, false).await;
    let mut settings = skillstream_tests::test_settings(target, data.path().to_path_buf());
    settings.smtp_url = Some(Secret::new(sink.url()));
    let pool = open_database(&settings).await.unwrap();
    let secret = settings.jwt_secret.clone();

    // N pending invitations, their first emails already sent (the outbox is quiet).
    let setup = pool.clone();
    let (org, member) = tokio::task::spawn_blocking(move || {
        let mut conn = setup.get().unwrap();
        let admin = create_admin(
            &mut conn,
            "Bench",
            "admin@bench.example.com",
            "bench password 123",
        )
        .unwrap();
        let org = OrganizationId(admin.organization_id);
        let member = MemberId(admin.user_id);
        let now = Utc::now();
        for chunk in (0..pending).collect::<Vec<_>>().chunks(10_000) {
            write_transaction(&mut conn, |conn| {
                let ctx = Ctx::member(org, member, "bench".into())
                    .at(now)
                    .with_seal_secret(secret.expose());
                let rows: Vec<ValidInvitation> = chunk
                    .iter()
                    .map(|i| ValidInvitation {
                        email: EmailAddress::parse(&format!("user{i}@bench.example.com")).unwrap(),
                        role: Role::Learner,
                        department_id: None,
                        group_id: None,
                        first_name: None,
                        last_name: None,
                        course_ids: vec![],
                        send_at: None,
                        send_email: true,
                    })
                    .collect();
                write_many(conn, &ctx, org, None, &rows)?;
                Ok::<_, skillstream_app::AppError>(())
            })
            .unwrap();
        }
        diesel::sql_query("UPDATE email_outbox SET status = 'sent', sealed_token = NULL")
            .execute(&mut **conn)
            .unwrap();
        if let DbConnection::Postgres(pg) = &mut **conn {
            diesel::sql_query("VACUUM ANALYZE").execute(pg).unwrap();
        }
        (org, member)
    })
    .await
    .unwrap();

    // 1. Overhead of a tick with nothing due.
    let schedule = Schedule {
        tick: Duration::from_secs(5),
        import_retention: chrono::Duration::days(30),
        audit_retention_days: 365,
    };
    let ticking = pool.clone();
    let mut times = tokio::task::spawn_blocking(move || {
        (0..200)
            .map(|_| {
                let started = Instant::now();
                let ticked = tick(&ticking, &schedule, false).unwrap();
                assert_eq!(ticked.sent + ticked.reminded + ticked.expired, 0);
                started.elapsed()
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    times.sort();
    println!(
        "scheduler ({backend}): {pending} pending, nothing due: tick median {:.2} ms, p99 {:.2} ms (3 queries, pool checkout included)",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    if postgres {
        let explain = pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = explain.get().unwrap();
            #[derive(diesel::QueryableByName)]
            struct Plan {
                #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
                line: String,
            }
            for query in [
                "SELECT id FROM invitations WHERE send_at <= now() AND status = 'pending' ORDER BY send_at LIMIT 500",
                "SELECT id FROM invitations WHERE next_reminder_at <= now() ORDER BY next_reminder_at LIMIT 500",
                "SELECT id FROM invitations WHERE invitations.status = 'pending' AND expires_at <= now() AND send_at IS NULL ORDER BY expires_at LIMIT 1000",
            ] {
                let plan: Vec<Plan> = diesel::sql_query(format!("EXPLAIN (ANALYZE, BUFFERS) {query}"))
                    .load(&mut **conn)
                    .unwrap();
                println!("  {query}");
                for line in plan {
                    println!("    {}", line.line);
                }
            }
        })
        .await
        .unwrap();
    }

    // 2. R reminders due at once: queued by one tick, delivered through the outbox.
    let due = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = due.get().unwrap();
        diesel::sql_query(format!(
            "UPDATE invitations SET next_reminder_at = created_at WHERE id IN \
             (SELECT id FROM invitations ORDER BY id LIMIT {reminders})"
        ))
        .execute(&mut **conn)
        .unwrap();
    })
    .await
    .unwrap();
    let queueing = pool.clone();
    let started = Instant::now();
    let ticked = tokio::task::spawn_blocking(move || tick(&queueing, &schedule, false).unwrap())
        .await
        .unwrap();
    let queued_in = started.elapsed();
    assert_eq!(ticked.reminded, reminders);
    let worker = build_worker(
        &settings,
        pool.clone(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    let started = Instant::now();
    while sink.count() < reminders {
        if worker.run_once().await.unwrap() == 0 && sink.count() < reminders {
            panic!(
                "the outbox is empty but only {} of {reminders} reminders arrived",
                sink.count()
            );
        }
    }
    let delivered_in = started.elapsed();
    println!(
        "reminders ({backend}): {reminders} due at once: queued by one tick in {:.2} s ({:.0}/s), delivered in {:.2} s = {:.0} emails/s",
        queued_in.as_secs_f64(),
        reminders as f64 / queued_in.as_secs_f64(),
        delivered_in.as_secs_f64(),
        reminders as f64 / delivered_in.as_secs_f64()
    );

    // 3. Bulk resend of R invitations in one call.
    let resending = pool.clone();
    let secret = settings.jwt_secret.clone();
    let (outcome, elapsed) = tokio::task::spawn_blocking(move || {
        let mut conn = resending.get().unwrap();
        let ctx = Ctx::member(org, member, "bench".into()).with_seal_secret(secret.expose());
        let filter = BulkFilter {
            ids: Some((1..=reminders as i64).collect()),
            ..BulkFilter::default()
        };
        let started = Instant::now();
        let outcome = bulk(&mut conn, &ctx, BulkAction::Resend, &filter, false, None).unwrap();
        (outcome, started.elapsed())
    })
    .await
    .unwrap();
    println!(
        "bulk resend ({backend}): {} of {} invitations resent in one call in {:.2} s",
        outcome.affected,
        outcome.matched,
        elapsed.as_secs_f64()
    );
}
