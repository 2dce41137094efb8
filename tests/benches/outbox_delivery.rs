//! Delivers N queued invitation emails (default 10,000) to an in-process SMTP sink over
//! loopback and reports emails per second and the process's peak memory.
//!
//!     cargo bench -p skillstream-tests --bench outbox_delivery            # SQLite
//!     scripts/with-postgres.sh cargo bench -p skillstream-tests --bench outbox_delivery
//!     EMAILS=20000 cargo bench -p skillstream-tests --bench outbox_delivery
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use skillstream_api::bootstrap::create_admin;
use skillstream_api::config::Secret;
use skillstream_api::db::write_transaction;
use skillstream_api::startup::{build_worker, open_database};
use skillstream_app::invitations::{write_many, ValidInvitation};
use skillstream_app::Ctx;
use skillstream_domain::{EmailAddress, Role};
use skillstream_domain::{MemberId, OrganizationId};
use skillstream_tests::smtp::{Behavior, SmtpSink};
use std::time::Instant;

fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let emails: usize = std::env::var("EMAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let data = tempfile::tempdir().unwrap();
    let target = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            use diesel::{Connection, RunQueryDsl};
            let mut conn = diesel::PgConnection::establish(&url).unwrap();
            diesel::sql_query("DROP DATABASE IF EXISTS bench_outbox")
                .execute(&mut conn)
                .unwrap();
            diesel::sql_query("CREATE DATABASE bench_outbox")
                .execute(&mut conn)
                .unwrap();
            skillstream_api::db::DatabaseTarget::Postgres(url.replace("/postgres", "/bench_outbox"))
        }
        _ => skillstream_api::db::DatabaseTarget::Sqlite(data.path().join("bench.db")),
    };
    let backend = target.backend_name();
    let sink = SmtpSink::start_on(0, Behavior::Accept, false).await;
    let mut settings = skillstream_tests::test_settings(target, data.path().to_path_buf());
    settings.smtp_url = Some(Secret::new(sink.url()));
    if let Some(n) = std::env::var("CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        settings.mail.concurrency = n;
        settings.mail.smtp_pool_size = n as u32;
    }
    let pool = open_database(&settings).await.unwrap();

    let queue_started = Instant::now();
    let secret = settings.jwt_secret.clone();
    let setup_pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = setup_pool.get().unwrap();
        let admin = create_admin(
            &mut conn,
            "Bench",
            "admin@bench.example.com",
            "bench password 123",
        )
        .unwrap();
        let now = Utc::now();
        for chunk in (0..emails).collect::<Vec<_>>().chunks(1000) {
            write_transaction(&mut conn, |conn| {
                let org = OrganizationId(admin.organization_id);
                let ctx = Ctx::member(org, MemberId(admin.user_id), "bench".into())
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
    })
    .await
    .unwrap();
    let queued_in = queue_started.elapsed();

    let worker = build_worker(
        &settings,
        pool.clone(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    let started = Instant::now();
    while sink.count() < emails {
        if worker.run_once().await.unwrap() == 0 && sink.count() < emails {
            panic!(
                "the outbox is empty but only {} of {emails} emails arrived",
                sink.count()
            );
        }
    }
    let elapsed = started.elapsed();
    println!(
        "outbox delivery ({backend}): {emails} emails in {:.2} s = {:.0} emails/s; queueing took {:.2} s; peak memory {:.1} MiB",
        elapsed.as_secs_f64(),
        emails as f64 / elapsed.as_secs_f64(),
        queued_in.as_secs_f64(),
        peak_memory_mib()
    );
}
