//! The scheduler: every `SCHEDULER_TICK_MS` it records lapsed invitations as expired (each
//! with its `invitation.expired` event, once, whichever instance gets there first) and
//! checkpoints SQLite's write-ahead log (so requests' commits need not); every hour
//! it sweeps what must not pile up (old import previews, expired sessions and sign-in requests,
//! rate-limit windows, and events older than `AUDIT_RETENTION_DAYS`). Every step is safe to run
//! on several instances at once.

use crate::db::Pool;
use chrono::{Duration, Utc};
use std::time::Instant;

/// Lapsed invitations expired per transaction; a backlog is worked off tick after tick.
const EXPIRE_BATCH: i64 = 1_000;

/// How often the housekeeping sweep runs.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub tick: std::time::Duration,
    pub import_retention: Duration,
    pub audit_retention_days: i64,
}

/// One tick: expiry always; the sweep when it is due. Answers how many invitations expired.
pub fn tick(pool: &Pool, schedule: &Schedule, sweep: bool) -> anyhow::Result<usize> {
    let mut conn = pool.get()?;
    let now = Utc::now();
    let mut expired = 0;
    loop {
        let result = skillstream_app::invitations::expire_due(&mut conn, now, EXPIRE_BATCH);
        conn.record(&result, skillstream_app::AppError::lost_connection);
        let batch = result?;
        expired += batch;
        if batch < EXPIRE_BATCH as usize {
            break;
        }
    }
    if expired > 0 {
        tracing::info!(expired, "invitations expired");
    }
    crate::db::housekeeping::checkpoint(&mut conn)?;
    if sweep {
        let swept = crate::db::housekeeping::sweep(&mut conn, now, schedule.import_retention)?;
        let events = skillstream_app::audit::sweep(&mut conn, now, schedule.audit_retention_days)?;
        if swept != crate::db::housekeeping::Swept::default() || events > 0 {
            tracing::info!(?swept, events, "swept");
        }
    }
    Ok(expired)
}

/// Runs until the process ends.
pub async fn run(pool: Pool, schedule: Schedule) {
    let mut ticker = tokio::time::interval(schedule.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_sweep: Option<Instant> = None;
    loop {
        ticker.tick().await;
        let sweep = last_sweep.is_none_or(|at| at.elapsed() >= SWEEP_EVERY);
        if sweep {
            last_sweep = Some(Instant::now());
        }
        let pool = pool.clone();
        let result =
            actix_web::rt::task::spawn_blocking(move || tick(&pool, &schedule, sweep)).await;
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "scheduler tick failed; trying again later"),
            Err(error) => tracing::warn!(%error, "scheduler task failed"),
        }
    }
}
