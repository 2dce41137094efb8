//! Reading an import's rows and what they add up to: its preview, its error report and the
//! answer to a repeated batch call. Each reads one import of one organization (`org`, `id`).

use crate::error::AppResult;
use chrono::{DateTime, Utc};
use skillstream_domain::csv_import::Column;
use skillstream_domain::{ImportId, OrganizationId, RowAction};
use skillstream_store::imports::{self as store, edits, RowRecord};
use skillstream_store::DbConnection;
use std::collections::HashMap;

/// A page of rows (all, or only those with errors; in file order, or rows with errors first)
/// and how many match.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
    errors_only: bool,
    errors_first: bool,
    (offset, limit): (i64, i64),
) -> AppResult<(Vec<RowRecord>, i64)> {
    Ok(store::page_of_rows(
        conn,
        org,
        id,
        errors_only,
        errors_first,
        offset,
        limit,
    )?)
}

/// Every row, in file order (a batch is at most a few thousand rows).
pub fn all(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> AppResult<Vec<RowRecord>> {
    Ok(store::all_rows(conn, org, id)?)
}

/// The rows with errors, in file order (the error report).
pub fn invalid(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> AppResult<Vec<RowRecord>> {
    Ok(store::invalid_rows(conn, org, id)?)
}

/// How many rows do each thing.
pub fn action_counts(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> AppResult<HashMap<RowAction, i64>> {
    Ok(store::action_counts(conn, org, id)?)
}

/// A "did you mean" several cells could take at once: every `from` in `column` becomes `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSuggestion {
    pub column: Column,
    pub from: String,
    pub to: String,
    /// Rows with that value in that column.
    pub cells: i64,
}

/// The suggestions of an import's rows with errors, one per column and value.
pub fn suggestions(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> AppResult<Vec<BulkSuggestion>> {
    Ok(edits::suggestion_groups(conn, org, id)?
        .into_iter()
        .filter_map(|(column, from, errors, cells)| {
            let errors: Vec<skillstream_domain::bulk::RowError> =
                serde_json::from_str(&errors).ok()?;
            let to = errors
                .into_iter()
                .find(|e| e.column == column.name())
                .and_then(|e| e.suggestion)?;
            Some(BulkSuggestion {
                column,
                from,
                to,
                cells,
            })
        })
        .collect())
}

/// Seats under the organization's limit: the limit, what the import needs (its valid rows and
/// those refused for want of a seat) and how many are free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub limit: i64,
    pub needed: i64,
    pub free: i64,
}

/// The seat count of an import with `valid` rows, when the organization has a seat limit.
pub fn seats(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
    valid: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<Seats>> {
    let Some(limit) = skillstream_store::organizations::settings(conn, org)?.seat_limit else {
        return Ok(None);
    };
    let over = store::rows_with_error(conn, org, id, "seat_limit_reached")?;
    let taken = skillstream_store::invitations::seats_taken(conn, org, now)?;
    Ok(Some(Seats {
        limit,
        needed: valid + over,
        free: (limit - taken).max(0),
    }))
}

/// The organization's active members, against whom a file's deactivations are weighed.
pub fn active_members(conn: &mut DbConnection, org: OrganizationId) -> AppResult<i64> {
    Ok(skillstream_store::members::active_count(conn, org)?)
}
