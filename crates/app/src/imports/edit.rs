//! Fixing a preview in place: a row's cells edited, or a "did you mean" applied to every cell
//! of a column that has the same value. The rows touched are re-checked against the
//! organization at once (with the rows that share an address, when an address changed), and
//! the import's counts follow. No re-upload; the send re-checks every row anyway.

use super::{directory, find};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, ErrorCode};
use skillstream_domain::bulk::{RowChecker, RowError};
use skillstream_domain::csv_import::{Column, RawRow};
use skillstream_domain::{EmailAddress, ImportId, ImportStatus, RowAction};
use skillstream_store::imports::{self as store, edits, ImportRecord, RowRecord};
use skillstream_store::{from_db, write_transaction, DbConnection};

/// New values for some cells of a row; cells not listed stay as they are.
#[derive(Debug, Clone, Default)]
pub struct RowPatch {
    pub cells: Vec<(Column, String)>,
}

/// What an edit left: the rows re-checked (the edited ones first) and the import's counts.
#[derive(Debug, Clone)]
pub struct Edited {
    pub rows: Vec<RowRecord>,
    /// Cells changed (for a suggestion applied to all).
    pub fixed: i64,
    pub valid: i64,
    pub invalid: i64,
}

/// An import still being previewed, locked for the edit.
fn editable(conn: &mut DbConnection, ctx: &Ctx, id: ImportId) -> AppResult<ImportRecord> {
    let org = ctx.org()?;
    store::lock(conn, org, id)?;
    let record = find(conn, org, id)?;
    if record.status != ImportStatus::Previewed {
        return Err(AppError::new(
            ErrorCode::ImportAlreadySent,
            "This import was sent; its rows can no longer be changed.",
        ));
    }
    super::ready(&record)?;
    if from_db(record.expires_at) <= ctx.now {
        return Err(AppError::new(
            ErrorCode::ImportExpired,
            "This import is more than 24 hours old. Upload the file again to preview it afresh.",
        ));
    }
    Ok(record)
}

fn folded(email: &str) -> String {
    EmailAddress::parse(email)
        .map_or_else(|_| email.trim().to_lowercase(), |e| e.folded().to_string())
}

/// Re-checks `rows` (in file order) and writes them back. With `addresses_changed`, `rows`
/// holds every row of the import with any of the addresses involved, so their duplicate
/// verdicts are worked out afresh; otherwise each row keeps its own.
fn recheck(
    conn: &mut DbConnection,
    ctx: &Ctx,
    record: &ImportRecord,
    mut rows: Vec<RowRecord>,
    addresses_changed: bool,
) -> AppResult<Vec<RowRecord>> {
    let org = ctx.org()?;
    let mut directory = directory(conn, ctx, org, record.mode)?;
    // Seats depend on every row before this one; the send counts them again in file order.
    directory.free_seats = None;
    rows.sort_by_key(|r| r.line);
    let mut checker = RowChecker::new(&directory, rows.len());
    if !addresses_changed {
        checker = checker.without_duplicates();
    }
    let rechecked: Vec<RowRecord> = rows
        .iter()
        .map(|row| {
            let mut checked = checker.check(&row.raw());
            if !addresses_changed {
                let kept: Vec<RowError> = row
                    .decoded_errors()
                    .into_iter()
                    .filter(|e| e.code == "duplicate_email")
                    .collect();
                if !kept.is_empty() {
                    checked.errors.splice(0..0, kept);
                    checked.valid = None;
                    checked.update = None;
                    checked.action = RowAction::Error;
                }
            }
            row.with_check(&checked)
        })
        .collect();
    edits::write_rows(conn, &rechecked)?;
    Ok(rechecked)
}

/// Changes cells of one row and re-checks it (and the rows sharing its old or new address).
pub fn edit_row(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: ImportId,
    line: i64,
    patch: &RowPatch,
) -> AppResult<Edited> {
    write_transaction(conn, |conn| {
        let record = editable(conn, ctx, id)?;
        let row = edits::find_row(conn, record.organization_id, id, line)?
            .ok_or_else(|| AppError::not_found("Row"))?;
        let mut raw = row.raw();
        for (column, value) in &patch.cells {
            raw.set(*column, value.trim().to_string());
        }
        let edited = row.with_raw(raw);
        let (old, new) = (folded(&row.email), folded(&edited.email));
        let addresses_changed = old != new;
        let rows = if !addresses_changed {
            vec![edited]
        } else {
            let mut rows: Vec<RowRecord> =
                edits::rows_with_addresses(conn, record.organization_id, id, &[old, new])?
                    .into_iter()
                    .filter(|r| r.line != line)
                    .collect();
            rows.push(edited);
            rows
        };
        let mut rechecked = recheck(conn, ctx, &record, rows, addresses_changed)?;
        // The edited row first.
        rechecked.sort_by_key(|r| (r.line != line, r.line));
        let (valid, invalid) = edits::recount(conn, record.organization_id, id)?;
        Ok(Edited {
            rows: rechecked,
            fixed: 1,
            valid,
            invalid,
        })
    })
}

/// Every cell of `column` equal to `from` becomes `to`, and those rows are re-checked.
pub fn apply_suggestion(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: ImportId,
    column: Column,
    from: &str,
    to: &str,
) -> AppResult<Edited> {
    write_transaction(conn, |conn| {
        let record = editable(conn, ctx, id)?;
        let to = to.trim();
        let matching = edits::rows_where(conn, record.organization_id, id, column, from)?;
        let fixed = i64::try_from(matching.len()).unwrap_or(i64::MAX);
        if fixed == 0 || from == to {
            let (valid, invalid) = edits::recount(conn, record.organization_id, id)?;
            return Ok(Edited {
                rows: Vec::new(),
                fixed: 0,
                valid,
                invalid,
            });
        }
        let changed: Vec<RowRecord> = matching
            .iter()
            .map(|row| {
                let mut raw: RawRow = row.raw();
                raw.set(column, to.to_string());
                row.with_raw(raw)
            })
            .collect();
        let addresses_changed = column == Column::Email && folded(from) != folded(to);
        let rows = if addresses_changed {
            let lines: std::collections::HashSet<i64> = changed.iter().map(|r| r.line).collect();
            let mut rows: Vec<RowRecord> = edits::rows_with_addresses(
                conn,
                record.organization_id,
                id,
                &[folded(from), folded(to)],
            )?
            .into_iter()
            .filter(|r| !lines.contains(&r.line))
            .collect();
            rows.extend(changed);
            rows
        } else {
            changed
        };
        let rechecked = recheck(conn, ctx, &record, rows, addresses_changed)?;
        let (valid, invalid) = edits::recount(conn, record.organization_id, id)?;
        Ok(Edited {
            rows: rechecked,
            fixed,
            valid,
            invalid,
        })
    })
}
