//! Sending an import: every row re-checked against the organization as it is then, members'
//! changes applied and the valid rows written as invitations, in one pass in one transaction.

use super::{apply, directory, find, ready, stored_result, CatalogIds, SendOutcome, SentImport};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use crate::invitations;
use skillstream_domain::bulk::{CheckedRow, Directory, RowChecker};
use skillstream_domain::csv_import::RawRow;
use skillstream_domain::{Action, ImportId, ImportMode, OrganizationId, RowAction, TargetType};
use skillstream_store::imports::{self as store, ImportRecord, RowRecord, SentCounts};
use skillstream_store::{from_db, to_db, DbConnection};

/// The send itself; the caller owns the transaction (and commits a refusal too, so the
/// re-checked errors are kept).
pub fn send_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    import_id: ImportId,
    options: SendOptions,
) -> AppResult<SendOutcome> {
    let skip_invalid = options.skip_invalid;
    let org = ctx.org()?;
    // Only an import of the caller's organization is locked: another organization's id is a
    // 404 before any row lock is taken.
    store::lock(conn, org, import_id)?;
    let record = find(conn, org, import_id)?;
    if let Some(result) = stored_result(conn, &record)? {
        return Ok(SendOutcome::Sent(result));
    }
    ready(&record)?;
    if from_db(record.expires_at) <= ctx.now {
        return Err(AppError::new(
            ErrorCode::ImportExpired,
            "This import is more than 24 hours old. Upload the file again to preview it afresh.",
        ));
    }
    let clock = std::time::Instant::now();
    let directory = directory(conn, ctx, org, record.mode)?;
    let expected = usize::try_from(record.total).unwrap_or(0);
    let names = CatalogIds::load(conn, org)?;
    // Counted before any row is applied: the share a file deactivates is of the members there
    // were.
    let members = match record.mode {
        ImportMode::InviteNew => 0,
        _ => skillstream_store::members::active_count(conn, org)?,
    };
    // One pass, a page of rows at a time, in a savepoint: every row re-checked against the
    // organization as it is now (rows whose verdict changed since the preview — a department
    // renamed, someone invited meanwhile, a member changed — are rewritten, so the preview
    // shows what was sent), members' changes applied through the member use cases and the
    // invitations written through the one writer. A row with errors without `skip_invalid`
    // rolls the savepoint back: the import is then only re-checked, to show why it was refused.
    let pass = skillstream_store::savepoint(conn, |conn| {
        match write_pass(conn, ctx, &record, &directory, &names, skip_invalid) {
            Ok(Some(pass)) => Ok(pass),
            Ok(None) => Err(Halt::Refused),
            Err(error) => Err(Halt::Failed(error)),
        }
    });
    let pass = match pass {
        Ok(pass) => pass,
        Err(Halt::Failed(error)) => return Err(error),
        Err(Halt::Refused) => {
            let (total, invalid) = recheck(conn, org, import_id, &directory, expected)?;
            store::set_counts(conn, org, import_id, total - invalid, invalid)?;
            return Ok(SendOutcome::Refused {
                invalid: i64::try_from(invalid).unwrap_or(i64::MAX),
            });
        }
    };
    let (invalid, skipped_lines, counts) = (pass.invalid, pass.skipped_lines, pass.counts);
    store::set_counts(conn, org, import_id, pass.total - invalid, invalid)?;
    apply::guard_mass_change(pass.deactivations, members, options.allow_mass_change)?;
    let created = counts.created;
    tracing::info!(
        import_id = import_id.get(),
        created,
        skipped = invalid,
        send_ms = clock.elapsed().as_millis() as u64,
        "import sent"
    );
    store::mark_sent(conn, org, import_id, skip_invalid, &counts, ctx.now)?;
    let event = Event::new(ctx, org, Action::ImportSent)
        .target(TargetType::Import, import_id.get())
        .import(Some(import_id))
        .details(details! {
            "mode": record.mode.as_str(),
            "created": created,
            "updated": counts.updated,
            "deactivated": counts.deactivated,
            "reactivated": counts.reactivated,
            "skipped": invalid
        });
    skillstream_store::events::append(conn, vec![event.into_row()])?;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(SendOutcome::Sent(SentImport {
        import_id,
        created: count(created),
        updated: count(counts.updated),
        deactivated: count(counts.deactivated),
        reactivated: count(counts.reactivated),
        skipped: i64::try_from(invalid).unwrap_or(i64::MAX),
        skip_invalid,
        sent_at: from_db(to_db(ctx.now)),
        skipped_lines,
    }))
}

/// Why the send's pass stopped.
enum Halt {
    /// A row has errors and `skip_invalid` was not given.
    Refused,
    Failed(AppError),
}

impl From<skillstream_store::StoreError> for Halt {
    fn from(error: skillstream_store::StoreError) -> Self {
        Halt::Failed(error.into())
    }
}

/// What the send's pass did.
struct Pass {
    total: usize,
    invalid: usize,
    deactivations: i64,
    skipped_lines: Vec<i64>,
    counts: SentCounts,
}

/// Re-checks, applies and writes every row, page by page; `None` at the first row with errors
/// unless `skip_invalid` (the caller rolls back what was written).
fn write_pass(
    conn: &mut DbConnection,
    ctx: &Ctx,
    record: &ImportRecord,
    directory: &Directory,
    names: &CatalogIds,
    skip_invalid: bool,
) -> AppResult<Option<Pass>> {
    let org = ctx.org()?;
    let expected = usize::try_from(record.total).unwrap_or(0);
    let mut checker = RowChecker::new(directory, expected);
    let mut pass = Pass {
        total: 0,
        invalid: 0,
        deactivations: 0,
        skipped_lines: Vec::new(),
        counts: SentCounts::default(),
    };
    let mut refused = false;
    for_each_page(conn, org, record.id, |conn, rows| {
        if refused {
            return Ok(());
        }
        let raw: Vec<RawRow> = rows.iter().map(RowRecord::raw).collect();
        let checked: Vec<CheckedRow> = raw.iter().map(|r| checker.check(r)).collect();
        let mut changed = Vec::new();
        for (row, check) in rows.iter().zip(&checked) {
            pass.total += 1;
            if !check.errors.is_empty() {
                pass.invalid += 1;
                pass.skipped_lines.push(row.line);
            }
            pass.deactivations += i64::from(check.action == RowAction::Deactivate);
            changed.extend(verdict_changed(row, check));
        }
        if pass.invalid > 0 && !skip_invalid {
            refused = true;
            return Ok(());
        }
        store::update_rows(conn, &changed)?;
        if record.mode != ImportMode::InviteNew {
            apply::apply(conn, ctx, org, &raw, &checked, names, &mut pass.counts)?;
        }
        let valid = names.resolve(checked.into_iter().filter_map(|c| c.valid));
        pass.counts.created += invitations::write_many(conn, ctx, org, Some(record.id), &valid)?
            .ids
            .len();
        Ok(())
    })?;
    if refused {
        return Ok(None);
    }
    pass.counts.skipped = pass.invalid;
    Ok(Some(pass))
}

/// Re-checks every row against the organization as it is now and rewrites those whose
/// verdict changed since the preview; answers (rows, rows with errors).
fn recheck(
    conn: &mut DbConnection,
    org: OrganizationId,
    import_id: ImportId,
    directory: &Directory,
    expected: usize,
) -> AppResult<(usize, usize)> {
    let mut checker = RowChecker::new(directory, expected);
    let (mut total, mut invalid) = (0usize, 0usize);
    for_each_page(conn, org, import_id, |conn, rows| {
        let mut changed = Vec::new();
        for row in rows {
            let checked = checker.check(&row.raw());
            total += 1;
            invalid += usize::from(!checked.errors.is_empty());
            changed.extend(verdict_changed(row, &checked));
        }
        store::update_rows(conn, &changed)?;
        Ok(())
    })?;
    Ok((total, invalid))
}

/// The row with its new verdict, when that differs from the one stored with it.
fn verdict_changed(row: &RowRecord, check: &CheckedRow) -> Option<RowRecord> {
    let now = row.with_check(check);
    (now.errors != row.errors || now.action != row.action || now.changes != row.changes)
        .then_some(now)
}

/// How a send goes ahead.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendOptions {
    /// Send the valid rows and skip the others.
    pub skip_invalid: bool,
    /// Go ahead although the import deactivates more than 10 % of the members.
    pub allow_mass_change: bool,
}

/// Sends an import in its own transaction.
pub fn send(
    conn: &mut DbConnection,
    ctx: &Ctx,
    import_id: ImportId,
    options: SendOptions,
) -> AppResult<SendOutcome> {
    skillstream_store::write_transaction(conn, |conn| send_in(conn, ctx, import_id, options))
}

/// Rows of an import read a page at a time, in file order: a large import is never held
/// whole.
const SEND_PAGE: i64 = 10_000;

fn for_each_page(
    conn: &mut DbConnection,
    org: OrganizationId,
    import_id: ImportId,
    mut each: impl FnMut(&mut DbConnection, &[RowRecord]) -> AppResult<()>,
) -> AppResult<()> {
    let mut after = 0;
    loop {
        let rows = store::rows_after(conn, org, import_id, after, SEND_PAGE)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.line;
        each(conn, &rows)?;
    }
}
