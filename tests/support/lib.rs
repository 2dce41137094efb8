//! `spawn_app()`: the application on port 0 with a database of its own — a temporary SQLite
//! file by default, a fresh PostgreSQL database when `TEST_DATABASE_URL` is set — and typed
//! helpers to drive it over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod fake_http;
pub mod idp;
pub mod node_service;
pub mod process;
pub mod smtp;
pub mod webhook_receiver;
pub mod workbooks;

use chrono::Utc;
use diesel::prelude::*;
use diesel::Connection;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillstream_api::auth::password::hash_password;
use skillstream_api::bootstrap::create_admin;
use skillstream_api::config::{
    ImportLimits, MailSettings, RateLimits, Secret, Settings, WebhookSettings,
};
use skillstream_api::db::schema::users;
use skillstream_api::db::{to_db, DatabaseTarget, Pool};
use skillstream_api::startup::Application;
use std::path::PathBuf;

pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A database that exists for one test and is removed after it.
pub enum TestDatabase {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    fn create(data_dir: &std::path::Path) -> (Self, DatabaseTarget) {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let name = format!(
                    "test_{}",
                    skillstream_api::tokens::random_token(12)
                        .to_lowercase()
                        .replace(['-', '_'], "x")
                );
                let mut conn = diesel::PgConnection::establish(&admin_url)
                    .expect("TEST_DATABASE_URL must reach PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .unwrap();
                let url = replace_database(&admin_url, &name);
                (
                    Self::Postgres { admin_url, name },
                    DatabaseTarget::Postgres(url),
                )
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("test.db");
                let _ = data_dir;
                (Self::Sqlite(dir), DatabaseTarget::Sqlite(path))
            }
        }
    }
}

/// `postgres://user@host:port/db?x` with the database name replaced.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    /// The internal metrics listener's port, when `metrics_addr` is set.
    pub metrics_port: Option<u16>,
    pub client: reqwest::Client,
    pub pool: Pool,
    pub settings: Settings,
    _data: tempfile::TempDir,
    _database: TestDatabase,
}

/// A signed-in member: their bearer token and ids.
#[derive(Debug, Clone)]
pub struct Member {
    pub token: String,
    pub user_id: i64,
    pub organization_id: i64,
    pub email: String,
}

pub fn test_settings(database: DatabaseTarget, data_dir: PathBuf) -> Settings {
    Settings {
        database,
        bind_addr: "127.0.0.1:0".into(),
        public_url: "http://127.0.0.1:0".into(),
        jwt_secret: Secret::new(skillstream_api::tokens::random_token(48)),
        smtp_url: None,
        mail_from: "SkillStream LMS <no-reply@skillstream.test>".into(),
        mail_dir: data_dir.join("mail"),
        static_dir: data_dir.join("no-spa"),
        db_pool_size: 4,
        max_json_bytes: 64 * 1024,
        session_ttl_minutes: 60,
        // Tests that deliver email switch the worker on; the rest inspect the queue as written.
        outbox_worker: false,
        mail: MailSettings {
            retry_base: std::time::Duration::from_millis(50),
            idle_poll: std::time::Duration::from_millis(50),
            ..MailSettings::default()
        },
        rate_limits: RateLimits::default(),
        imports: ImportLimits::default(),
        // The test identity provider and webhook receivers listen on loopback.
        outbound_allow_private: true,
        metrics_token: None,
        metrics_addr: None,
        trusted_proxies: Vec::new(),
        import_retention_days: 30,
        audit_retention_days: 365,
        scheduler_tick: std::time::Duration::from_millis(100),
        webhooks: WebhookSettings {
            retry_base: std::time::Duration::from_millis(50),
            idle_poll: std::time::Duration::from_millis(20),
            ..WebhookSettings::default()
        },
        data_dir,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let (database, target) = TestDatabase::create(data.path());
    let mut settings = test_settings(target, data.path().to_path_buf());
    customize(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .expect("the app starts");
    let port = app.port();
    let metrics_port = app.metrics_port();
    let pool = app.pool();
    settings.public_url = app.settings().public_url.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        metrics_port,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        pool,
        settings,
        _data: data,
        _database: database,
    }
}

/// A response read whole: status, headers and JSON body (Null when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    /// The `details` entry for `field`.
    pub fn field_error(&self, field: &str) -> Option<&Value> {
        self.body["error"]["details"]
            .as_array()?
            .iter()
            .find(|d| d["field"] == field)
    }
}

impl TestApp {
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        read(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(token), Some(&body))
            .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::PATCH, path, Some(token), Some(&body))
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.request(Method::DELETE, path, Some(token), None).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&json!({ "email": email, "password": password })),
        )
        .await
    }

    /// Creates an organization with an admin and signs the admin in.
    pub async fn admin_of(&self, org: &str) -> Member {
        let domain: String = org
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let email = format!("admin@{domain}.example.com");
        let pool = self.pool.clone();
        let (org_name, admin_email) = (org.to_string(), email.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            create_admin(&mut conn, &org_name, &admin_email, ADMIN_PASSWORD).unwrap()
        })
        .await
        .unwrap();
        self.signed_in(&email).await
    }

    /// Adds an active member with a role and signs them in.
    pub async fn member_of(&self, organization_id: i64, email: &str, role: &str) -> Member {
        let pool = self.pool.clone();
        let (email_owned, role) = (email.to_string(), role.to_string());
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            diesel::insert_into(users::table)
                .values((
                    users::organization_id.eq(organization_id),
                    users::email.eq(&email_owned),
                    users::email_folded.eq(email_owned.to_lowercase()),
                    users::password_hash.eq(hash_password(ADMIN_PASSWORD).unwrap()),
                    users::role.eq(role),
                    users::status.eq("active"),
                    users::created_at.eq(to_db(Utc::now())),
                ))
                .execute(&mut **conn)
                .unwrap();
        })
        .await
        .unwrap();
        self.signed_in(email).await
    }

    /// A learner who signs in only through single sign-on: no password hash. The member is
    /// returned as signed in before the password was removed.
    pub async fn member_without_password(&self, organization_id: i64, email: &str) -> Member {
        let member = self.member_of(organization_id, email, "learner").await;
        let user_id = member.user_id;
        self.with_db(move |conn| {
            diesel::update(users::table.find(user_id))
                .set(users::password_hash.eq(None::<String>))
                .execute(conn)
                .unwrap();
        })
        .await;
        member
    }

    async fn signed_in(&self, email: &str) -> Member {
        let reply = self.login(email, ADMIN_PASSWORD).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        Member {
            token: reply.body["access_token"].as_str().unwrap().to_string(),
            user_id: reply.body["user"]["id"].as_i64().unwrap(),
            organization_id: reply.body["user"]["organization_id"].as_i64().unwrap(),
            email: email.to_string(),
        }
    }

    /// What the landing page of an invitation link shows (`GET /public/invitations/{token}`).
    pub async fn landing(&self, token: &str) -> Reply {
        self.request(
            reqwest::Method::GET,
            &format!("/api/v1/public/invitations/{token}"),
            None,
            None,
        )
        .await
    }

    /// Runs blocking database work for arranging or inspecting state directly.
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut skillstream_api::db::DbConnection) -> T + Send + 'static,
    ) -> T {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
            .await
            .unwrap()
    }

    pub async fn create_department(&self, admin: &Member, name: &str) -> i64 {
        let reply = self
            .post("/api/v1/departments", &admin.token, json!({ "name": name }))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_i64().unwrap()
    }

    pub async fn create_group(&self, admin: &Member, name: &str) -> i64 {
        let reply = self
            .post("/api/v1/groups", &admin.token, json!({ "name": name }))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_i64().unwrap()
    }

    pub async fn create_course(&self, admin: &Member, title: &str) -> i64 {
        let reply = self
            .post("/api/v1/courses", &admin.token, json!({ "title": title }))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_i64().unwrap()
    }

    /// The raw token of the invitation's newest queued link, recovered the way the outbox
    /// worker does (tests that do not run the worker use it to follow the link).
    pub async fn link_token(&self, invitation_id: i64) -> String {
        use skillstream_api::db::schema::email_outbox;
        let sealed: Option<String> = self
            .with_db(move |conn| {
                email_outbox::table
                    .filter(email_outbox::invitation_id.eq(invitation_id))
                    .order(email_outbox::id.desc())
                    .select(email_outbox::sealed_token)
                    .first(conn)
                    .unwrap()
            })
            .await;
        skillstream_api::tokens::unseal(
            self.settings.jwt_secret.expose(),
            &sealed.expect("a queued email"),
        )
        .expect("the seal opens")
    }

    /// Polls `check` until it returns `Some`, for state that another task changes (the
    /// outbox worker); panics after `within`.
    pub async fn eventually<T, F, Fut>(&self, within: std::time::Duration, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(value) = check().await {
                return value;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "condition not met within {within:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Sends an invitation that must succeed; returns its JSON.
    pub async fn invite(&self, admin: &Member, body: Value) -> Value {
        let reply = self.post("/api/v1/invitations", &admin.token, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body
    }
}

/// Reads a response whole into a `Reply`.
pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// Captures what the app writes through the `log` facade (actix-web's access log) in this
/// test process, so tests can read it back.
pub mod log_capture {
    use std::sync::{Mutex, OnceLock};

    static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
    static INSTALLED: OnceLock<()> = OnceLock::new();

    struct Capture;

    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, record: &log::Record) {
            LINES.lock().unwrap().push(record.args().to_string());
        }
        fn flush(&self) {}
    }

    pub fn install() {
        INSTALLED.get_or_init(|| {
            let _ = log::set_boxed_logger(Box::new(Capture));
            log::set_max_level(log::LevelFilter::Info);
        });
    }

    /// Every line logged so far that mentions `needle`.
    pub fn lines_with(needle: &str) -> Vec<String> {
        LINES
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .cloned()
            .collect()
    }

    /// Every line logged so far.
    pub fn all() -> Vec<String> {
        LINES.lock().unwrap().clone()
    }
}
