//! Settings, loaded once at the edge from environment variables and handed to
//! `Application::build`. Secrets are wrapped so they never print.

use crate::db::DatabaseTarget;
use std::fmt;
use std::path::{Path, PathBuf};

/// A value that must not appear in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The shortest JWT secret we accept: HS256 keys need at least 256 bits.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseTarget,
    pub bind_addr: String,
    /// The address people use to reach the app, without a trailing slash; links in emails
    /// are built on it.
    pub public_url: String,
    pub jwt_secret: Secret,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub mail_dir: PathBuf,
    pub data_dir: PathBuf,
    /// The built SPA (`frontend/dist`), served at `/` when the folder exists.
    pub static_dir: PathBuf,
    pub db_pool_size: u32,
    /// Largest JSON body accepted, in bytes.
    pub max_json_bytes: usize,
    pub session_ttl_minutes: i64,
    /// Run the outbox worker in this process (`OUTBOX_WORKER=false` for API-only instances).
    pub outbox_worker: bool,
    pub mail: MailSettings,
    pub rate_limits: RateLimits,
    pub imports: ImportLimits,
    /// `OUTBOUND_ALLOW_PRIVATE`: outbound fetches (OIDC, webhooks) may reach loopback and
    /// private addresses, over http too. Development and tests only.
    pub outbound_allow_private: bool,
    /// `METRICS_TOKEN`: when set, `/metrics` needs it as a bearer token.
    pub metrics_token: Option<Secret>,
    /// `METRICS_ADDR`: when set, `/metrics` is served on this internal address only, and not
    /// on the public listener.
    pub metrics_addr: Option<String>,
    /// `TRUSTED_PROXIES`: the networks whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `IMPORT_RETENTION_DAYS`: unsent import previews older than this are swept.
    pub import_retention_days: i64,
    /// `AUDIT_RETENTION_DAYS`: events of the activity log older than this are swept.
    pub audit_retention_days: i64,
    /// `SCHEDULER_TICK_MS`: how often the scheduler looks for due work (expiry, sweeps).
    pub scheduler_tick: std::time::Duration,
    pub webhooks: WebhookSettings,
}

/// How the webhook worker delivers.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// `WEBHOOK_RETRY_BASE_MS`: the first retry's delay; each next one doubles (capped at 6 h).
    pub retry_base: std::time::Duration,
    /// `WEBHOOK_TIMEOUT_MS`: how long a receiver has to answer (10 s).
    pub timeout: std::time::Duration,
    /// `WEBHOOK_ENDPOINT_CONCURRENCY`: deliveries in flight per endpoint, over all instances.
    pub per_endpoint: i64,
    /// `WEBHOOK_POLL_MS`: how often an idle worker looks for new messages.
    pub idle_poll: std::time::Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            retry_base: std::time::Duration::from_secs(5),
            timeout: std::time::Duration::from_secs(10),
            per_endpoint: 32,
            idle_poll: std::time::Duration::from_millis(100),
        }
    }
}

/// Limits on one upload (CSV or workbook); a batch call takes the smaller of these and
/// 20 MiB / 100,000 items.
#[derive(Debug, Clone, Copy)]
pub struct ImportLimits {
    pub max_bytes: usize,
    pub max_rows: usize,
}

/// An upload streams (rows are checked and written as they are read, a send reads them page
/// by page), so the limits are about what a spreadsheet holds, not about memory.
pub const DEFAULT_IMPORT_MAX_BYTES: usize = 100 * 1024 * 1024;
pub const DEFAULT_IMPORT_MAX_ROWS: usize = 1_000_000;

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_IMPORT_MAX_BYTES,
            max_rows: DEFAULT_IMPORT_MAX_ROWS,
        }
    }
}

/// How the outbox worker delivers.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub max_attempts: i32,
    pub retry_base: std::time::Duration,
    pub concurrency: usize,
    pub smtp_pool_size: u32,
    pub idle_poll: std::time::Duration,
    /// How long a worker's claim on an email lasts; another instance takes the email over
    /// after that if the claimer died.
    pub lease: std::time::Duration,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            max_attempts: 10,
            retry_base: std::time::Duration::from_secs(10),
            concurrency: 32,
            smtp_pool_size: 32,
            idle_poll: std::time::Duration::from_millis(500),
            lease: std::time::Duration::from_secs(120),
        }
    }
}

/// Requests allowed per minute before 429, per client address and per target (an email
/// address for sign-in, a token for the public invitation endpoints). Kept in each instance's
/// memory: with N instances behind a balancer the effective limit is up to N times higher.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub login_per_ip: u32,
    pub login_per_email: u32,
    pub public_per_ip: u32,
    pub public_per_token: u32,
    /// Renewals of expired links (each may send an email) per client address.
    pub renew_per_ip: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login_per_ip: 30,
            login_per_email: 10,
            public_per_ip: 60,
            public_per_token: 30,
            renew_per_ip: 5,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(String),
    #[error("cannot read or write {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Where a setting comes from; the environment in production, a map in tests.
pub trait Source {
    fn get(&self, key: &str) -> Option<String>;
}

pub struct Environment;

impl Source for Environment {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.trim().is_empty())
    }
}

/// What start-up should tell the operator about the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretOrigin {
    Environment,
    StoredFile,
    Generated,
}

impl Settings {
    /// Reads every setting; without `JWT_SECRET` a secret is generated on first start and kept
    /// in the data folder so sessions survive restarts.
    pub fn load(source: &dyn Source) -> Result<(Self, SecretOrigin), ConfigError> {
        let data_dir = PathBuf::from(source.get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = source
            .get("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("skillstream.db").display()));
        let database = DatabaseTarget::parse(&database_url)
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let bind_addr = source
            .get("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let public_url = source
            .get("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{}", bind_addr.replace("0.0.0.0", "localhost")))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid(
                "PUBLIC_URL must start with http:// or https://".into(),
            ));
        }
        let (jwt_secret, origin) = match source.get("JWT_SECRET") {
            Some(secret) => (Secret::new(secret), SecretOrigin::Environment),
            None => load_or_generate_secret(&data_dir)?,
        };
        if jwt_secret.expose().len() < MIN_SECRET_BYTES {
            return Err(ConfigError::Invalid(format!(
                "JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long"
            )));
        }
        let parse_number = |key: &str, default: u64| -> Result<u64, ConfigError> {
            match source.get(key) {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| {
                    ConfigError::Invalid(format!("{key} must be a whole number (got {v:?})"))
                }),
            }
        };
        let flag = |key: &str| {
            matches!(
                source.get(key).map(|v| v.trim().to_lowercase()).as_deref(),
                Some("true" | "1" | "yes" | "on")
            )
        };
        let trusted_proxies = match source.get("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => parse_networks(&list)?,
        };
        let settings = Settings {
            outbound_allow_private: flag("OUTBOUND_ALLOW_PRIVATE"),
            metrics_token: source.get("METRICS_TOKEN").map(Secret::new),
            metrics_addr: source.get("METRICS_ADDR"),
            trusted_proxies,
            import_retention_days: i64::try_from(
                parse_number("IMPORT_RETENTION_DAYS", 30)?.clamp(1, 3650),
            )
            .unwrap_or(30),
            audit_retention_days: i64::try_from(
                parse_number("AUDIT_RETENTION_DAYS", 365)?.clamp(1, 3650),
            )
            .unwrap_or(365),
            scheduler_tick: std::time::Duration::from_millis(
                parse_number("SCHEDULER_TICK_MS", 5_000)?.clamp(50, 3_600_000),
            ),
            webhooks: WebhookSettings {
                retry_base: std::time::Duration::from_millis(
                    parse_number("WEBHOOK_RETRY_BASE_MS", 5_000)?.clamp(1, 3_600_000),
                ),
                timeout: std::time::Duration::from_millis(
                    parse_number("WEBHOOK_TIMEOUT_MS", 10_000)?.clamp(100, 60_000),
                ),
                per_endpoint: i64::try_from(
                    parse_number("WEBHOOK_ENDPOINT_CONCURRENCY", 32)?.clamp(1, 256),
                )
                .unwrap_or(32),
                idle_poll: std::time::Duration::from_millis(
                    parse_number("WEBHOOK_POLL_MS", 100)?.clamp(10, 60_000),
                ),
            },
            database,
            bind_addr,
            public_url,
            jwt_secret,
            smtp_url: source.get("SMTP_URL").map(Secret::new),
            mail_from: source
                .get("MAIL_FROM")
                .unwrap_or_else(|| "SkillStream LMS <no-reply@skillstream.local>".into()),
            mail_dir: source
                .get("MAIL_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("mail")),
            static_dir: source
                .get("STATIC_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("frontend/dist")),
            db_pool_size: u32::try_from(parse_number("DB_POOL_SIZE", 10)?.clamp(1, 100))
                .unwrap_or(10),
            max_json_bytes: usize::try_from(parse_number("MAX_JSON_BYTES", 1024 * 1024)?)
                .unwrap_or(1024 * 1024),
            session_ttl_minutes: i64::try_from(
                parse_number("SESSION_TTL_MINUTES", 8 * 60)?.clamp(5, 60 * 24 * 30),
            )
            .unwrap_or(8 * 60),
            outbox_worker: !matches!(
                source
                    .get("OUTBOX_WORKER")
                    .map(|v| v.trim().to_lowercase())
                    .as_deref(),
                Some("false" | "0" | "no" | "off")
            ),
            mail: MailSettings {
                max_attempts: i32::try_from(parse_number("MAIL_MAX_ATTEMPTS", 10)?.clamp(1, 100))
                    .unwrap_or(10),
                retry_base: std::time::Duration::from_millis(
                    parse_number("MAIL_RETRY_BASE_MS", 10_000)?.max(1),
                ),
                concurrency: usize::try_from(parse_number("MAIL_CONCURRENCY", 32)?.clamp(1, 256))
                    .unwrap_or(32),
                smtp_pool_size: u32::try_from(parse_number("SMTP_POOL_SIZE", 32)?.clamp(1, 256))
                    .unwrap_or(32),
                lease: std::time::Duration::from_secs(
                    parse_number("OUTBOX_LEASE_SECS", 120)?.clamp(1, 3600),
                ),
                ..MailSettings::default()
            },
            rate_limits: RateLimits {
                login_per_ip: u32::try_from(parse_number("RATE_LIMIT_LOGIN_PER_IP", 30)?)
                    .unwrap_or(30),
                login_per_email: u32::try_from(parse_number("RATE_LIMIT_LOGIN_PER_EMAIL", 10)?)
                    .unwrap_or(10),
                public_per_ip: u32::try_from(parse_number("RATE_LIMIT_PUBLIC_PER_IP", 60)?)
                    .unwrap_or(60),
                public_per_token: u32::try_from(parse_number("RATE_LIMIT_PUBLIC_PER_TOKEN", 30)?)
                    .unwrap_or(30),
                renew_per_ip: u32::try_from(parse_number("RATE_LIMIT_RENEW_PER_IP", 5)?)
                    .unwrap_or(5),
            },
            imports: ImportLimits {
                max_bytes: usize::try_from(parse_number(
                    "IMPORT_MAX_BYTES",
                    DEFAULT_IMPORT_MAX_BYTES as u64,
                )?)
                .unwrap_or(DEFAULT_IMPORT_MAX_BYTES),
                max_rows: usize::try_from(parse_number(
                    "IMPORT_MAX_ROWS",
                    DEFAULT_IMPORT_MAX_ROWS as u64,
                )?)
                .unwrap_or(DEFAULT_IMPORT_MAX_ROWS),
            },
            data_dir,
        };
        Ok((settings, origin))
    }
}

/// `10.0.0.0/8, 192.168.1.7` (a bare address is a network of one).
fn parse_networks(list: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    ConfigError::Invalid(format!(
                        "TRUSTED_PROXIES must be a comma-separated list of CIDRs (got {item:?})"
                    ))
                })
        })
        .collect()
}

fn load_or_generate_secret(data_dir: &Path) -> Result<(Secret, SecretOrigin), ConfigError> {
    let path = data_dir.join("jwt_secret");
    match std::fs::read_to_string(&path) {
        Ok(stored) => Ok((
            Secret::new(stored.trim().to_string()),
            SecretOrigin::StoredFile,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)
                .map_err(|e| ConfigError::Io(data_dir.to_path_buf(), e))?;
            let secret = crate::tokens::random_token(48);
            write_private(&path, &secret).map_err(|e| ConfigError::Io(path.clone(), e))?;
            Ok((Secret::new(secret), SecretOrigin::Generated))
        }
        Err(e) => Err(ConfigError::Io(path, e)),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, String>);
    impl Source for Map {
        fn get(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
    }

    #[test]
    fn a_short_secret_is_refused() {
        let source = Map(HashMap::from([("JWT_SECRET", "short".to_string())]));
        assert!(matches!(
            Settings::load(&source),
            Err(ConfigError::Invalid(_))
        ));
    }

    #[test]
    fn a_generated_secret_is_kept_for_the_next_start() {
        let dir = tempfile_dir();
        let source = Map(HashMap::from([("DATA_DIR", dir.display().to_string())]));
        let (first, origin) = Settings::load(&source).unwrap();
        assert_eq!(origin, SecretOrigin::Generated);
        let (second, origin) = Settings::load(&source).unwrap();
        assert_eq!(origin, SecretOrigin::StoredFile);
        assert_eq!(first.jwt_secret, second.jwt_secret);
        assert!(matches!(first.database, DatabaseTarget::Sqlite(_)));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn trusted_proxies_are_cidrs_or_addresses() {
        let nets = parse_networks("10.0.0.0/8, 192.168.1.7,::1").unwrap();
        assert_eq!(nets.len(), 3);
        assert!(nets[1].contains(&"192.168.1.7".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse_networks("10.0.0.0/8, nonsense").is_err());
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let source = Map(HashMap::from([
            ("DATABASE_URL", "mysql://localhost/x".to_string()),
            ("JWT_SECRET", "x".repeat(40)),
        ]));
        assert!(Settings::load(&source).is_err());
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "skillstream-config-{}",
            crate::tokens::random_token(8)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
