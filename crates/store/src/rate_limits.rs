//! Rate-limit windows shared by every instance on PostgreSQL (SQLite runs one process and
//! counts in memory). Keys are stored as SHA-256 hashes.

use crate::{DbConnection, StoreResult};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::sql_types::{Integer, Text, Timestamp};
use diesel::{OptionalExtension, RunQueryDsl};

/// A window: how many requests it counted and when it opened.
#[derive(Debug, Clone, Copy, diesel::QueryableByName)]
pub struct Window {
    #[diesel(sql_type = Integer)]
    pub count: i32,
    #[diesel(sql_type = Timestamp)]
    pub window_start: NaiveDateTime,
}

/// Counts a request in its window (`count`) or only reads the window, on PostgreSQL; `None` on
/// SQLite. The upsert starts a new window when the stored one is older than `length`;
/// PostgreSQL serialises concurrent upserts of one key, so instances never lose a count.
pub fn window(
    conn: &mut DbConnection,
    key_hash: &str,
    count: bool,
    length: Duration,
    now: DateTime<Utc>,
) -> StoreResult<Option<Window>> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(None);
    };
    let now = crate::to_db(now);
    let opened_after = now - length;
    if count {
        diesel::sql_query(
            "INSERT INTO rate_limit_windows (key_hash, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key_hash) DO UPDATE SET \
               count = CASE WHEN rate_limit_windows.window_start <= $3 THEN 1 \
                            ELSE rate_limit_windows.count + 1 END, \
               window_start = CASE WHEN rate_limit_windows.window_start <= $3 THEN $2 \
                                   ELSE rate_limit_windows.window_start END \
             RETURNING count, window_start",
        )
        .bind::<Text, _>(key_hash)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(opened_after)
        .get_result::<Window>(pg)
        .map(Some)
    } else {
        diesel::sql_query(
            "SELECT count, window_start FROM rate_limit_windows \
             WHERE key_hash = $1 AND window_start > $2",
        )
        .bind::<Text, _>(key_hash)
        .bind::<Timestamp, _>(opened_after)
        .get_result::<Window>(pg)
        .optional()
    }
}
