//! Persistence only: diesel over SQLite and PostgreSQL through one code path (a
//! `MultiConnection` enum whose variant is chosen from the URL scheme, never by trying each
//! backend in turn), the portable schema and embedded migrations, one module per aggregate, and
//! one bulk writer (`bulk_write!`). Every query of tenant data filters on the organization.

pub mod api_tokens;
pub mod bulk;
pub mod catalog;
pub mod events;
pub mod housekeeping;
pub mod idempotency;
pub mod imports;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod outbox;
pub mod rate_limits;
pub mod schema;
pub mod scim;
pub mod scim_tokens;
pub mod sessions;
pub mod sso;
pub mod stamp;
pub mod webhooks;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// How long a connection that has just answered is handed out without a ping. A ping costs a
/// round trip on every check-out; a busy pool's connections answer many times a second, and a
/// quiet one's are pinged before use as before.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// A pooled connection with what the pool knows of its health. It dereferences to the
/// connection, so `&mut conn` passes wherever a `&mut DbConnection` is taken.
pub struct Checked {
    conn: DbConnection,
    /// When it last answered: a ping came back, or work on it succeeded.
    answered_at: Instant,
    /// Work on it found the server gone; the pool drops it instead of taking it back.
    lost: bool,
}

impl Checked {
    /// Records how work on this connection went: success shows it alive; a lost connection
    /// (the server restarted, or the link broke) is dropped by the pool instead of being
    /// handed out again.
    pub fn record<T, E>(&mut self, result: &Result<T, E>, lost: impl FnOnce(&E) -> bool) {
        match result {
            Ok(_) => self.answered_at = Instant::now(),
            Err(error) => self.lost |= lost(error),
        }
    }
}

impl std::ops::Deref for Checked {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Checked {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// True when a query failed because the connection to the server is gone, rather than because
/// of the query.
pub fn is_lost_connection(error: &diesel::result::Error) -> bool {
    use diesel::result::DatabaseErrorKind::{ClosedConnection, UnableToSendCommand};
    matches!(
        error,
        diesel::result::Error::DatabaseError(ClosedConnection | UnableToSendCommand, _)
    )
}

/// Where the data lives, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Postgres(String),
    Sqlite(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (got {0:?})")]
    UnknownScheme(String),
}

impl DatabaseTarget {
    /// `postgres://…` / `postgresql://…` select PostgreSQL; `sqlite://PATH` (or `sqlite:PATH`)
    /// selects an SQLite file. Anything else is refused rather than guessed.
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_string()))
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else {
            Err(DatabaseUrlError::UnknownScheme(
                url.chars().take(40).collect(),
            ))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgres",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// An r2d2 manager that opens the variant the URL names and applies SQLite's pragmas.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DatabaseTarget,
}

impl ManageConnection for ConnectionManager {
    type Connection = Checked;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Checked, r2d2::Error> {
        self.open().map(|conn| Checked {
            conn,
            answered_at: Instant::now(),
            lost: false,
        })
    }

    /// Pings a connection before it is handed out, unless it answered within `TRUSTED_FOR`.
    fn is_valid(&self, conn: &mut Checked) -> Result<(), r2d2::Error> {
        if conn.answered_at.elapsed() < TRUSTED_FOR {
            return Ok(());
        }
        conn.conn.ping().map_err(r2d2::Error::QueryError)?;
        conn.answered_at = Instant::now();
        Ok(())
    }

    fn has_broken(&self, conn: &mut Checked) -> bool {
        conn.lost || conn.conn.is_broken()
    }
}

impl ConnectionManager {
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.target {
            DatabaseTarget::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout makes a second writer wait instead of failing; foreign keys are
                // off by default in SQLite. WAL is set once per file, in `connect`.
                // Checkpoints (copying the WAL into the database file) are the scheduler's,
                // every tick (`housekeeping::checkpoint`), not the committing request's: by
                // default the commit of a 100,000-invitation send copied ~100 MB before its
                // answer (0.2 s). A commit still checkpoints past ~400 MB of WAL, should the
                // scheduler fall behind, and a WAL file grown by a big send is cut back to
                // 64 MiB once it is reused.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA wal_autocheckpoint = 100000; PRAGMA journal_size_limit = 67108864;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the database folder {0}: {1}")]
    Folder(PathBuf, std::io::Error),
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("cannot open the database: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("cannot run migrations: {0}")]
    Migrations(String),
}

/// Opens a pool on the target; an SQLite file's folder is created when missing.
pub fn connect(target: &DatabaseTarget, max_size: u32) -> Result<Pool, DbSetupError> {
    if let DatabaseTarget::Sqlite(path) = target {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbSetupError::Folder(parent.to_path_buf(), e))?;
        }
        // WAL lets readers run beside the writer. It is a property of the file, so one
        // connection sets it before the pool opens several at once.
        let mut conn = SqliteConnection::establish(&path.to_string_lossy())
            .map_err(|e| DbSetupError::Open(e.to_string()))?;
        conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
            .map_err(|e| DbSetupError::Open(e.to_string()))?;
    }
    let manager = ConnectionManager {
        target: target.clone(),
    };
    Ok(r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(5))
        .build(manager)?)
}

/// Runs the pending embedded migrations of the connection's backend. On PostgreSQL an
/// advisory lock makes instances that start together take turns.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), DbSetupError> {
    let migrate =
        |e: Box<dyn std::error::Error + Send + Sync>| DbSetupError::Migrations(e.to_string());
    match conn {
        DbConnection::Postgres(pg) => {
            pg.batch_execute("SELECT pg_advisory_lock(7466311001)")
                .map_err(|e| DbSetupError::Migrations(e.to_string()))?;
            let result = pg
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|_| ())
                .map_err(migrate);
            let unlock = pg
                .batch_execute("SELECT pg_advisory_unlock(7466311001)")
                .map_err(|e| DbSetupError::Migrations(e.to_string()));
            result.and(unlock)
        }
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|_| ())
            .map_err(migrate),
    }
}

/// True when a migration of this binary is not applied yet.
pub fn migrations_pending(conn: &mut DbConnection) -> Result<bool, DbSetupError> {
    let pending = match conn {
        DbConnection::Postgres(pg) => pg.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(sqlite) => sqlite.has_pending_migration(SQLITE_MIGRATIONS),
    };
    pending.map_err(|e| DbSetupError::Migrations(e.to_string()))
}

/// Reads a page of a list (`LIMIT $n OFFSET $m`) with `f`.
///
/// On PostgreSQL, a page that is not searched is read in a read-only transaction that uses
/// generic plans: PostgreSQL cannot cost a generic plan for an unknown limit, judges it far
/// dearer than a custom one, and so would plan the page afresh on every request, which costs
/// more than reading it. The generic plan of a page is the same index scan in page order.
/// A searched page (`searched`) is planned for its text as usual: a rare term is found faster
/// by scanning the table than by walking the index in page order, as a generic plan would
/// (42 against 95 ms on 100,000 invitations). SQLite has no plan cache to steer.
pub fn read_page<T, E, F>(conn: &mut DbConnection, searched: bool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Postgres(pg) if !searched => AnsiTransactionManager::begin_transaction_sql(
            pg,
            "BEGIN READ ONLY; SET LOCAL plan_cache_mode = force_generic_plan",
        )?,
        _ => return f(conn),
    }
    let result = f(conn);
    end_transaction(conn, result)
}

/// Runs `f` in a transaction that takes the write lock up front on SQLite (`BEGIN IMMEDIATE`),
/// so two writers queue on busy_timeout instead of deadlocking on a read-to-write upgrade.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    match conn {
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?
        }
        DbConnection::Postgres(_) => Manager::begin_transaction(conn)?,
    }
    let result = f(conn);
    end_transaction(conn, result)
}

/// Runs `f` in a savepoint of the transaction the caller holds: what it wrote is undone when it
/// fails, the rest of the transaction stays.
pub fn savepoint<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(f)
}

/// Commits a transaction begun by hand when its work succeeded, else rolls it back.
fn end_transaction<T, E>(conn: &mut DbConnection, result: Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    match result {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// The stored form of an instant: UTC, truncated to microseconds (PostgreSQL's precision), so
/// a value reads back equal on both backends.
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.trunc_subsecs(6).naive_utc()
}

pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Escapes `%`, `_` and `\` for a LIKE pattern that uses `\` as its escape character.
pub fn like_contains(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// True when the error is a unique-constraint violation (a conflict, not a failure).
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

diesel::define_sql_function! {
    /// SQL `lower()`, for case-insensitive matching that works the same on both backends.
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// What a store query fails with: diesel's error, named here so callers need no diesel.
pub type StoreError = diesel::result::Error;
pub type StoreResult<T> = Result<T, StoreError>;
pub type PoolError = r2d2::PoolError;

/// A round trip to the server: does the database answer?
pub fn ping(conn: &mut DbConnection) -> StoreResult<()> {
    conn.batch_execute("SELECT 1")
}
