//! The scheduler: every `SCHEDULER_TICK_MS` it sends scheduled invitations whose time has come,
//! queues due reminders, records lapsed invitations as expired (each with its
//! `invitation.expired` event, once, whichever instance gets there first) and checkpoints
//! SQLite's write-ahead log (so requests' commits need not); every hour
//! it sweeps what must not pile up (old import previews, expired sessions and sign-in requests,
//! rate-limit windows, and events older than `AUDIT_RETENTION_DAYS`). Every step is safe to run
//! on several instances at once.

use crate::db::Pool;
use chrono::{Duration, Utc};
use std::time::Instant;

/// Items of each kind handled per transaction; a backlog is worked off batch after batch.
const EXPIRE_BATCH: i64 = 1_000;
const SEND_BATCH: i64 = 500;
const REMIND_BATCH: i64 = 500;

/// How long a delivered or failed webhook message (and its attempts) stays in the log.
pub const WEBHOOK_LOG_DAYS: i64 = 30;

/// How often the housekeeping sweep runs.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub tick: std::time::Duration,
    pub import_retention: Duration,
    pub audit_retention_days: i64,
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ticked {
    pub sent: usize,
    pub reminded: usize,
    pub expired: usize,
}

/// Runs `step` batch after batch until one comes back short.
fn drain(
    conn: &mut crate::db::PooledConnection,
    limit: i64,
    step: impl Fn(&mut crate::db::DbConnection, i64) -> skillstream_app::AppResult<usize>,
) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let result = step(conn, limit);
        conn.record(&result, skillstream_app::AppError::lost_connection);
        let batch = result?;
        total += batch;
        if batch < usize::try_from(limit).unwrap_or(usize::MAX) {
            return Ok(total);
        }
    }
}

/// One tick: scheduled sends, reminders and expiry always; the sweep when it is due.
pub fn tick(pool: &Pool, schedule: &Schedule, sweep: bool) -> anyhow::Result<Ticked> {
    use skillstream_app::invitations;
    let mut conn = pool.get()?;
    let now = Utc::now();
    let ticked = Ticked {
        sent: drain(&mut conn, SEND_BATCH, |c, n| {
            invitations::send_due(c, now, n)
        })?,
        reminded: drain(&mut conn, REMIND_BATCH, |c, n| {
            invitations::remind_due(c, now, n)
        })?,
        expired: drain(&mut conn, EXPIRE_BATCH, |c, n| {
            invitations::expire_due(c, now, n)
        })?,
    };
    if ticked != Ticked::default() {
        tracing::info!(
            sent = ticked.sent,
            reminded = ticked.reminded,
            expired = ticked.expired,
            "scheduler tick"
        );
    }
    crate::db::housekeeping::checkpoint(&mut conn)?;
    if sweep {
        let swept = crate::db::housekeeping::sweep(&mut conn, now, schedule.import_retention)?;
        let events = skillstream_app::audit::sweep(&mut conn, now, schedule.audit_retention_days)?;
        // Finished webhook messages keep their delivery log for 30 days.
        let webhook_messages =
            crate::db::webhooks::sweep(&mut conn, now - chrono::Duration::days(WEBHOOK_LOG_DAYS))?;
        if swept != crate::db::housekeeping::Swept::default() || events > 0 || webhook_messages > 0
        {
            tracing::info!(?swept, events, webhook_messages, "swept");
        }
    }
    Ok(ticked)
}

/// Runs until the process ends; wakes the mail worker when a tick queued emails.
pub async fn run(pool: Pool, schedule: Schedule, wakeup: crate::mail::worker::Wakeup) {
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
            Ok(Ok(ticked)) => {
                if ticked.sent + ticked.reminded > 0 {
                    wakeup.notify();
                }
            }
            Ok(Err(error)) => tracing::warn!(%error, "scheduler tick failed; trying again later"),
            Err(error) => tracing::warn!(%error, "scheduler task failed"),
        }
    }
}
