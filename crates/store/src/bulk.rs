//! The one bulk writer: many rows into one table through each backend's fast path —
//! multi-row INSERTs in chunks on SQLite (under its bind-parameter limit), binary `COPY` on
//! PostgreSQL (one INSERT for a few rows) — never row by row through the generic connection.
//! The caller owns the transaction.

/// Bind parameters SQLite takes in one statement (32,766 since 3.32); chunks stay under it.
pub const SQLITE_MAX_BINDS: usize = 32_000;

/// Up to this many rows, PostgreSQL gets one multi-row INSERT: one round trip, where `COPY`
/// takes several (a single invitation, its outbox row and its event were three `COPY`s).
pub const POSTGRES_INSERT_UP_TO: usize = 16;

/// Writes `$rows` (a `Vec` of an `Insertable` struct whose every column is given) into
/// `$table`, whose rows have `$columns` columns. Evaluates to `QueryResult<usize>`.
#[macro_export]
macro_rules! bulk_write {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        use diesel::RunQueryDsl as _;
        let rows = $rows;
        let count = rows.len();
        let result: $crate::StoreResult<()> = match $conn {
            $crate::DbConnection::Sqlite(sqlite) => {
                let chunk = ($crate::bulk::SQLITE_MAX_BINDS / $columns).max(1);
                rows.chunks(chunk).try_for_each(|chunk| {
                    diesel::insert_into($table)
                        .values(chunk)
                        .execute(sqlite)
                        .map(|_| ())
                })
            }
            $crate::DbConnection::Postgres(pg) if count <= $crate::bulk::POSTGRES_INSERT_UP_TO => {
                diesel::insert_into($table)
                    .values(rows.as_slice())
                    .execute(pg)
                    .map(|_| ())
            }
            $crate::DbConnection::Postgres(pg) => diesel::copy_from($table)
                .from_insertable(rows)
                .execute(pg)
                .map(|_| ()),
        };
        result.map(|()| count)
    }};
}
