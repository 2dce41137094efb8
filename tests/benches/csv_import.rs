//! Bulk import at scale, over HTTP against the release binary:
//! a generated 100,000-row CSV (~8 MB, ~5% invalid rows) is uploaded and previewed, then sent
//! (invitations + outbox rows); the server's peak RSS is read from /proc. For scale, the raw
//! floor — parse + validate of the same file in-process — is measured too.
//!
//!     make bench-import                      # SQLite, then PostgreSQL
//!     cargo build --release --bin skillstream && cargo bench -p skillstream-tests --bench csv_import
//!
//! ROWS=N changes the size. The outbox worker is off in the measured server, so the send is
//! measured alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use skillstream_domain::bulk::{check_rows, Directory};
use skillstream_domain::csv_import::parse;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEPARTMENTS: [&str; 4] = ["Sales", "Engineering", "Support", "Human Resources"];
const GROUPS: [&str; 3] = ["Managers", "New hires", "Contractors"];

fn generate(rows: usize) -> String {
    let mut csv = String::with_capacity(rows * 90);
    csv.push_str("email,first_name,last_name,role,department,group\n");
    for i in 0..rows {
        let roles = ["learner", "instructor", "Admin", ""];
        let (mut email, mut department, mut role) = (
            format!("employee.number{i}@bigcorp.example.com"),
            DEPARTMENTS[i % DEPARTMENTS.len()].to_string(),
            roles[i % roles.len()].to_string(),
        );
        // About 5% invalid rows, of several kinds.
        match i % 100 {
            7 => email = format!("employee{i}-at-bigcorp.example.com"),
            19 => department = "sales".into(),
            42 => role = "manager".into(),
            63 => email = "employee.number1@bigcorp.example.com".into(),
            88 => department = "Marketing".into(),
            _ => {}
        }
        csv.push_str(&format!(
            "{email},Firstname{i},Lastname {i},{role},{department},{}\n",
            GROUPS[i % GROUPS.len()]
        ));
    }
    csv
}

struct Server {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn start(database_url: String) -> Server {
    let binary = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release/skillstream");
    assert!(
        std::path::Path::new(binary).exists(),
        "build the release binary first: cargo build --release --bin skillstream"
    );
    let data = tempfile::tempdir().unwrap();
    let port = skillstream_tests::smtp::free_port();
    let child = Command::new(binary)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", data.path())
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", "bench-secret-bench-secret-bench-secret!")
        .env("ADMIN_EMAIL", "admin@bench.example.com")
        .env("ADMIN_PASSWORD", "bench password 123")
        .env("OUTBOX_WORKER", "false")
        .env("RATE_LIMIT_LOGIN_PER_IP", "0")
        .env(
            "LOG",
            std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        child,
        base,
        _data: data,
    }
}

async fn run(label: &str, database_url: String, csv: &str) {
    let server = start(database_url).await;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({ "email": "admin@bench.example.com", "password": "bench password 123" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();
    for (path, names) in [("departments", &DEPARTMENTS[..]), ("groups", &GROUPS[..])] {
        for name in names {
            client
                .post(format!("{}/api/v1/{path}", server.base))
                .bearer_auth(&token)
                .json(&json!({ "name": name }))
                .send()
                .await
                .unwrap();
        }
    }

    let started = Instant::now();
    let response = client
        .post(format!("{}/api/v1/invitation-imports", server.base))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let preview: Value = response.json().await.unwrap();
    let upload = started.elapsed();
    // The peak so far is the upload's (the RSS target is for upload + preview).
    let upload_rss = peak_rss_mib(server.child.id());
    assert_eq!(status, 201, "{preview}");
    let id = preview["id"].as_i64().unwrap();

    let started = Instant::now();
    let sent: Value = client
        .post(format!(
            "{}/api/v1/invitation-imports/{id}/send",
            server.base
        ))
        .bearer_auth(&token)
        .json(&json!({ "skip_invalid": true }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let send = started.elapsed();
    println!(
        "csv import ({label}): {} rows ({:.1} MB), {} invalid | upload + preview {:.2} s, peak RSS {:.0} MiB | send {:.2} s ({} invitations + outbox rows), peak RSS {:.0} MiB",
        preview["summary"]["total"],
        csv.len() as f64 / 1e6,
        preview["summary"]["invalid"],
        upload.as_secs_f64(),
        upload_rss,
        send.as_secs_f64(),
        sent["created"],
        peak_rss_mib(server.child.id()),
    );
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let csv = generate(rows);

    let started = Instant::now();
    let parsed = parse(csv.as_bytes(), rows).unwrap();
    let directory = Directory {
        departments: DEPARTMENTS.iter().map(|s| s.to_string()).collect(),
        groups: GROUPS.iter().map(|s| s.to_string()).collect(),
        ..Directory::default()
    };
    let checked = check_rows(&parsed.rows, &directory);
    let floor = started.elapsed();
    let invalid = checked.iter().filter(|c| !c.errors.is_empty()).count();
    println!(
        "csv import (in-process floor): parse + validate {rows} rows, {invalid} invalid, in {:.3} s",
        floor.as_secs_f64()
    );

    // Each run starts a fresh server on a fresh database; RUNS=N repeats (default 3).
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    for _ in 0..runs {
        let data = tempfile::tempdir().unwrap();
        run(
            "sqlite",
            format!("sqlite://{}", data.path().join("bench.db").display()),
            &csv,
        )
        .await;
    }
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        use diesel::{Connection, RunQueryDsl};
        for _ in 0..runs {
            let mut conn = diesel::PgConnection::establish(&url).unwrap();
            diesel::sql_query("DROP DATABASE IF EXISTS bench_import WITH (FORCE)")
                .execute(&mut conn)
                .unwrap();
            diesel::sql_query("CREATE DATABASE bench_import")
                .execute(&mut conn)
                .unwrap();
            run("postgres", url.replace("/postgres", "/bench_import"), &csv).await;
        }
    }
}
