//! Delivers N queued invitation emails (default 10,000) over loopback, first to the in-process
//! SMTP sink (Rust, tokio), then to a Python sink (`tests/support/smtp_sink.py`, asyncio; skipped
//! when there is no `python3`), and reports emails per second against each sink's own ceiling,
//! measured in the same run: a bare SMTP client (no database, no rendering, messages of the
//! same size, as many connections as the worker) sending as fast as the sink answers.
//!
//!     cargo bench -p skillstream-tests --bench outbox_delivery            # SQLite
//!     scripts/with-postgres.sh cargo bench -p skillstream-tests --bench outbox_delivery
//!     EMAILS=20000 CONCURRENCY=64 cargo bench -p skillstream-tests --bench outbox_delivery
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use skillstream_api::bootstrap::create_admin;
use skillstream_api::config::{Secret, Settings};
use skillstream_api::db::write_transaction;
use skillstream_api::startup::{build_worker, open_database};
use skillstream_app::invitations::{write_many, ValidInvitation};
use skillstream_app::Ctx;
use skillstream_domain::{EmailAddress, Role};
use skillstream_domain::{MemberId, OrganizationId};
use skillstream_tests::process::Process;
use skillstream_tests::smtp::{free_port, Behavior, SmtpSink};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() {
    let emails: usize = std::env::var("EMAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let concurrency: Option<usize> = std::env::var("CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok());

    let sink = SmtpSink::start_on(0, Behavior::Accept, false).await;
    let (rate, connections) = deliver("rust sink", sink.url(), emails, concurrency).await;
    assert_eq!(sink.count(), emails, "every email reached the sink");
    let size = sink.bytes() / emails.max(1);
    let top = ceiling(sink.port, emails, connections, size).await;
    report("rust sink", rate, top, size);

    let port = free_port();
    match python_sink(port) {
        Some(mut python) => {
            let url = format!("smtp://127.0.0.1:{port}");
            let (rate, connections) = deliver("python sink", url, emails, concurrency).await;
            let (count, bytes) = python_count(port).await;
            assert_eq!(count, emails, "every email reached the Python sink");
            let top = ceiling(port, emails, connections, bytes / emails.max(1)).await;
            report("python sink", rate, top, bytes / emails.max(1));
            let _ = python.kill();
            let _ = python.wait();
        }
        None => println!("outbox delivery (python sink): skipped, python3 did not start"),
    }
}

fn report(label: &str, rate: f64, ceiling: f64, size: usize) {
    println!(
        "outbox delivery ({label}): {rate:.0} emails/s; the sink's ceiling {ceiling:.0} emails/s (bare client, {size} bytes each): {:.0} % of it",
        100.0 * rate / ceiling
    );
}

/// A fresh database with `emails` invitation emails queued, delivered by the worker to
/// `smtp_url`; answers emails per second and the worker's connections.
async fn deliver(
    label: &str,
    smtp_url: String,
    emails: usize,
    concurrency: Option<usize>,
) -> (f64, usize) {
    let data = tempfile::tempdir().unwrap();
    let target = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            use diesel::{Connection, RunQueryDsl};
            let mut conn = diesel::PgConnection::establish(&url).unwrap();
            diesel::sql_query("DROP DATABASE IF EXISTS bench_outbox WITH (FORCE)")
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
    let mut settings: Settings =
        skillstream_tests::test_settings(target, data.path().to_path_buf());
    settings.smtp_url = Some(Secret::new(smtp_url));
    if let Some(n) = concurrency {
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
    let (started, cpu_before) = (Instant::now(), Process::This.cpu_seconds());
    // Every email is accepted, so the outbox is empty once all are through.
    while worker.run_once().await.unwrap() > 0 {}
    let (elapsed, cpu) = (started.elapsed(), Process::This.cpu_seconds() - cpu_before);
    let rate = emails as f64 / elapsed.as_secs_f64();
    println!(
        "outbox delivery ({backend}, {label}): {emails} emails in {:.2} s = {rate:.0} emails/s over {} connections, {:.0} µs of this process's CPU per email; queueing took {:.2} s; peak memory {:.1} MiB",
        elapsed.as_secs_f64(),
        settings.mail.concurrency,
        cpu * 1e6 / emails as f64,
        queued_in.as_secs_f64(),
        Process::This.peak_rss_mib()
    );
    (rate, settings.mail.concurrency)
}

/// The sink's own ceiling: `emails` messages of `size` bytes over `connections` connections
/// from a bare client (each message's body and final dot in one write), as fast as the sink
/// answers. Emails per second.
async fn ceiling(port: u16, emails: usize, connections: usize, size: usize) -> f64 {
    let mut body = Vec::with_capacity(size + 80);
    while body.len() < size {
        body.extend_from_slice(&[b'x'; 76]);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b".\r\n");
    let body = Arc::new(body);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|_| {
            let (body, next) = (body.clone(), next.clone());
            tokio::spawn(async move {
                let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                stream.set_nodelay(true).unwrap();
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                reply(&mut read).await;
                write.write_all(b"EHLO bench\r\n").await.unwrap();
                reply(&mut read).await;
                while next.fetch_add(1, Ordering::Relaxed) < emails {
                    for command in [
                        &b"MAIL FROM:<no-reply@bench.example.com>\r\n"[..],
                        b"RCPT TO:<someone@bench.example.com>\r\n",
                        b"DATA\r\n",
                    ] {
                        write.write_all(command).await.unwrap();
                        reply(&mut read).await;
                    }
                    write.write_all(&body).await.unwrap();
                    reply(&mut read).await;
                }
                write.write_all(b"QUIT\r\n").await.unwrap();
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
    emails as f64 / started.elapsed().as_secs_f64()
}

/// Reads one (possibly multi-line) SMTP reply; answers its last line.
async fn reply(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            read.read_line(&mut line).await.unwrap() > 0,
            "the sink hung up"
        );
        if line.as_bytes().get(3) != Some(&b'-') {
            return line;
        }
    }
}

/// The Python sink on `port`, once it listens; `None` without python3.
fn python_sink(port: u16) -> Option<std::process::Child> {
    use std::io::BufRead;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/smtp_sink.py");
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let mut ready = String::new();
    std::io::BufReader::new(child.stdout.take()?)
        .read_line(&mut ready)
        .ok()?;
    (ready.trim() == "ready").then_some(child)
}

/// Messages and bytes the Python sink has accepted.
async fn python_count(port: u16) -> (usize, usize) {
    let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    reply(&mut read).await;
    write.write_all(b"XCOUNT\r\n").await.unwrap();
    let answer = reply(&mut read).await;
    let mut numbers = answer
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().unwrap());
    (numbers.next().unwrap(), numbers.next().unwrap())
}
