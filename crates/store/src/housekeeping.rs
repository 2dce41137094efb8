//! Housekeeping that keeps personal data from piling up: unsent import previews older than
//! `IMPORT_RETENTION_DAYS` are deleted, and sent imports of that age lose their rows but keep
//! their summary; expired sessions and sign-in requests nobody came back for are cleared.
//! Every step is an idempotent delete, so several instances may sweep at once.

use crate::schema::{
    invitation_import_rows, invitation_imports, rate_limit_windows, sessions, sso_requests,
};
use crate::{to_db, DbConnection};
use chrono::{DateTime, Duration, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use skillstream_domain::ImportStatus;

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub import_previews: usize,
    pub sent_import_rows: usize,
    pub sessions: usize,
    pub sso_requests: usize,
}

/// Copies what the SQLite write-ahead log holds into the database file, without waiting for
/// readers or writers (a busy log is simply done on a later tick). Nothing to do on PostgreSQL.
pub fn checkpoint(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(sqlite) => sqlite.batch_execute("PRAGMA wal_checkpoint(PASSIVE);"),
        DbConnection::Postgres(_) => Ok(()),
    }
}

/// One sweep at `now`, each kind in its own short statement.
pub fn sweep(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    import_retention: Duration,
) -> QueryResult<Swept> {
    let cutoff = to_db(now - import_retention);
    let import_previews = diesel::delete(
        invitation_imports::table
            .filter(invitation_imports::status.ne(ImportStatus::Sent))
            .filter(invitation_imports::created_at.lt(cutoff)),
    )
    .execute(conn)?;
    let old_sent = invitation_imports::table
        .filter(invitation_imports::status.eq(ImportStatus::Sent))
        .filter(invitation_imports::created_at.lt(cutoff))
        .select(invitation_imports::id);
    let sent_import_rows = diesel::delete(
        invitation_import_rows::table.filter(invitation_import_rows::import_id.eq_any(old_sent)),
    )
    .execute(conn)?;
    // Revoked sessions are kept until they would have expired anyway: a replayed token is
    // then refused as revoked, not as unknown; both answer 401.
    let sessions = diesel::delete(sessions::table.filter(sessions::expires_at.lt(to_db(now))))
        .execute(conn)?;
    let sso_requests =
        diesel::delete(sso_requests::table.filter(sso_requests::expires_at.lt(to_db(now))))
            .execute(conn)?;
    diesel::delete(
        rate_limit_windows::table
            .filter(rate_limit_windows::window_start.lt(to_db(now - Duration::minutes(2)))),
    )
    .execute(conn)?;
    // A bulk action's Idempotency-Key protects retries for a day.
    diesel::delete(
        crate::schema::idempotency_keys::table.filter(
            crate::schema::idempotency_keys::created_at.lt(to_db(now - Duration::hours(24))),
        ),
    )
    .execute(conn)?;
    Ok(Swept {
        import_previews,
        sent_import_rows,
        sessions,
        sso_requests,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{connect, DatabaseTarget};

    #[test]
    fn a_big_commit_leaves_the_copy_into_the_database_file_to_the_checkpoint() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("wal.db");
        let pool = connect(&DatabaseTarget::Sqlite(path.clone()), 1).unwrap();
        let mut conn = pool.get().unwrap();
        // About 8 MB in one transaction: 2,000 pages, twice SQLite's default checkpoint mark.
        conn.batch_execute(
            "CREATE TABLE filler (text TEXT); BEGIN; \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
             INSERT INTO filler SELECT randomblob(4000) FROM n; COMMIT;",
        )
        .unwrap();
        let size = || std::fs::metadata(&path).unwrap().len();
        assert!(
            size() < 1_000_000,
            "the commit checkpointed: {} bytes",
            size()
        );
        checkpoint(&mut conn).unwrap();
        assert!(
            size() > 8_000_000,
            "the checkpoint did not copy: {} bytes",
            size()
        );
    }
}
