//! Bulk import at scale, over HTTP against the release binary:
//! a generated 100,000-row CSV (~8 MB, ~5% invalid rows) is uploaded and previewed, then sent
//! (invitations + outbox rows); the server's peak RSS is read from /proc. For scale, the raw
//! floor — parse + validate of the same file in-process — is measured too.
//!
//!     make bench-import                      # SQLite, then PostgreSQL
//!     cargo build --release --bin skillstream && cargo bench -p skillstream-tests --bench csv_import
//!
//! ROWS=N changes the size, RUNS=N the sends per backend (3). The outbox worker is off in the
//! measured server, so the send is measured alone. Besides wall time, the server's CPU time
//! during the send is printed (on SQLite it does all the work; on PostgreSQL the database
//! server's share is not in it).
//!
//! COMPARE_BIN=path/to/another/skillstream runs each send with that binary too, alternating
//! which goes first, and prints both builds' medians and fastest sends per backend: this
//! machine drifts by ±25 % over minutes, so only sends taken side by side compare fairly
//! (`scripts/bench-compare.sh REV` builds REV and does this).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use skillstream_domain::bulk::{check_rows, Directory};
use skillstream_domain::csv_import::parse;
use skillstream_tests::process::Process;
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

const THIS_BINARY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release/skillstream");

async fn start(binary: &str, database_url: String) -> Server {
    assert!(
        std::path::Path::new(binary).exists(),
        "build the release binary first: cargo build --release --bin skillstream ({binary})"
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

/// One upload + send on a fresh server; answers the send's wall and server CPU seconds.
async fn run(label: &str, binary: &str, database_url: String, csv: &str) -> (f64, f64) {
    let server = start(binary, database_url).await;
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
    let upload_rss = Process::Id(server.child.id()).peak_rss_mib();
    assert_eq!(status, 201, "{preview}");
    let id = preview["id"].as_i64().unwrap();

    let cpu_before = Process::Id(server.child.id()).cpu_seconds();
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
    let send_cpu = Process::Id(server.child.id()).cpu_seconds() - cpu_before;
    println!(
        "csv import ({label}): {} rows ({:.1} MB), {} invalid | upload + preview {:.2} s, peak RSS {:.0} MiB | send {:.2} s, server CPU {:.2} s ({} invitations + outbox rows), peak RSS {:.0} MiB",
        preview["summary"]["total"],
        csv.len() as f64 / 1e6,
        preview["summary"]["invalid"],
        upload.as_secs_f64(),
        upload_rss,
        send.as_secs_f64(),
        send_cpu,
        sent["created"],
        Process::Id(server.child.id()).peak_rss_mib(),
    );
    (send.as_secs_f64(), send_cpu)
}

/// A backend's database, fresh for each send.
enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    fn label(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// A fresh database; the folder keeps a SQLite file alive until the send is done.
    fn fresh(&self) -> (String, tempfile::TempDir) {
        let data = tempfile::tempdir().unwrap();
        let url = match self {
            Backend::Sqlite => format!("sqlite://{}", data.path().join("bench.db").display()),
            Backend::Postgres(url) => {
                use diesel::{Connection, RunQueryDsl};
                let mut conn = diesel::PgConnection::establish(url).unwrap();
                diesel::sql_query("DROP DATABASE IF EXISTS bench_import WITH (FORCE)")
                    .execute(&mut conn)
                    .unwrap();
                diesel::sql_query("CREATE DATABASE bench_import")
                    .execute(&mut conn)
                    .unwrap();
                url.replace("/postgres", "/bench_import")
            }
        };
        (url, data)
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn summary(label: &str, build: &str, sends: &mut [(f64, f64)]) -> (f64, f64) {
    let mut wall: Vec<f64> = sends.iter().map(|s| s.0).collect();
    let mut cpu: Vec<f64> = sends.iter().map(|s| s.1).collect();
    let fastest = wall.iter().copied().fold(f64::INFINITY, f64::min);
    let (wall, cpu) = (median(&mut wall), median(&mut cpu));
    println!(
        "summary ({label}, {build}): send median {wall:.2} s, fastest {fastest:.2} s, server CPU median {cpu:.2} s over {} sends",
        sends.len()
    );
    (wall, cpu)
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
    let other = std::env::var("COMPARE_BIN").ok();
    let mut backends = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        backends.push(Backend::Postgres(url));
    }
    for backend in &backends {
        let label = backend.label();
        let (mut this, mut that) = (Vec::new(), Vec::new());
        for i in 0..runs {
            match &other {
                None => {
                    let (url, _data) = backend.fresh();
                    this.push(run(label, THIS_BINARY, url, &csv).await);
                }
                Some(other) => {
                    // Alternate which build goes first, so neither always meets a warm cache.
                    for first in [i % 2 == 0, i % 2 != 0] {
                        let (url, _data) = backend.fresh();
                        if first {
                            this.push(
                                run(&format!("{label}, this build"), THIS_BINARY, url, &csv).await,
                            );
                        } else {
                            that.push(
                                run(&format!("{label}, compared build"), other, url, &csv).await,
                            );
                        }
                    }
                }
            }
        }
        // Ratios of sends taken side by side, before the summaries sort them.
        let mut paired: Vec<f64> = this.iter().zip(&that).map(|(a, b)| a.0 / b.0).collect();
        let mut paired_cpu: Vec<f64> = this.iter().zip(&that).map(|(a, b)| a.1 / b.1).collect();
        let (wall, cpu) = summary(label, "this build", &mut this);
        if !that.is_empty() {
            let (other_wall, other_cpu) = summary(label, "compared build", &mut that);
            println!(
                "summary ({label}): this build against the compared one: medians {:+.0} % wall time, {:+.0} % server CPU; median of the side-by-side ratios {:+.0} % wall time, {:+.0} % server CPU",
                (wall / other_wall - 1.0) * 100.0,
                (cpu / other_cpu - 1.0) * 100.0,
                (median(&mut paired) - 1.0) * 100.0,
                (median(&mut paired_cpu) - 1.0) * 100.0,
            );
        }
    }
}
