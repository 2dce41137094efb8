//! Housekeeping that keeps personal data from piling up: unsent import previews older than
//! `IMPORT_RETENTION_DAYS` are deleted, and sent imports of that age lose their rows but keep
//! their summary; expired sessions and sign-in requests nobody came back for are cleared.
//! Every step is an idempotent delete, so several instances may sweep at once.

use crate::db::schema::{
    invitation_import_rows, invitation_imports, rate_limit_windows, sessions, sso_requests,
};
use crate::db::{to_db, DbConnection, Pool};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub import_previews: usize,
    pub sent_import_rows: usize,
    pub sessions: usize,
    pub sso_requests: usize,
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
            .filter(invitation_imports::status.ne("sent"))
            .filter(invitation_imports::created_at.lt(cutoff)),
    )
    .execute(conn)?;
    let old_sent = invitation_imports::table
        .filter(invitation_imports::status.eq("sent"))
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
    Ok(Swept {
        import_previews,
        sent_import_rows,
        sessions,
        sso_requests,
    })
}

/// Sweeps at start-up and then every `every`, until the process ends.
pub async fn run(pool: Pool, import_retention: Duration, every: std::time::Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let pool = pool.clone();
        let result = actix_web::rt::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            sweep(&mut conn, Utc::now(), import_retention).map_err(|e| e.to_string())
        })
        .await;
        match result {
            Ok(Ok(swept)) if swept != Swept::default() => tracing::info!(?swept, "swept"),
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "sweep failed; trying again later"),
            Err(error) => tracing::warn!(%error, "sweep task failed"),
        }
    }
}
