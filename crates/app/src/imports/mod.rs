//! Imports: a CSV upload or a JSON batch is written as a preview (`import.uploaded`), then sent
//! once (`import.sent`): every row is re-checked against the organization as it is then, and
//! the valid ones become invitations through the same writer as a single invitation.

mod apply;
mod edit;
mod history;
mod upload;

pub use apply::{is_mass_change, MASS_CHANGE_PERCENT};
pub use edit::{apply_suggestion, edit_row, Edited, RowPatch};
pub use history::{history, HistoryItem};
pub use upload::{batch, check_upload, start_upload, upload, BatchOutcome, OnFailure};

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use crate::invitations::{self, ValidInvitation};
use chrono::{DateTime, Utc};
use skillstream_domain::bulk::{CheckedRow, Directory, RowChecker, ValidRow};
use skillstream_domain::csv_import::RawRow;
use skillstream_domain::{
    Action, CheckState, ImportId, ImportMode, ImportSource, ImportStatus, OrganizationId,
    RowAction, TargetType,
};
use skillstream_store::catalog::{self, Kind};
use skillstream_store::imports::{self as store, ImportRecord, RowRecord, SentCounts};
use skillstream_store::invitations::LapsedScope;
use skillstream_store::{from_db, to_db, DbConnection};
use std::collections::HashMap;

/// What a send created, as first reported (a repeated send answers it again).
#[derive(Debug, Clone)]
pub struct SentImport {
    pub import_id: ImportId,
    pub created: i64,
    /// Members updated, deactivated (and pending invitations cancelled), reactivated.
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
    pub skipped: i64,
    pub skip_invalid: bool,
    pub sent_at: DateTime<Utc>,
    pub skipped_lines: Vec<i64>,
}

pub enum SendOutcome {
    Sent(SentImport),
    /// Rows have errors and `skip_invalid` was not given: nothing was sent.
    Refused {
        invalid: i64,
    },
}

pub fn refused(invalid: i64) -> AppError {
    let rows = if invalid == 1 {
        "1 row has errors".to_string()
    } else {
        format!("{invalid} rows have errors")
    };
    AppError::new(
        ErrorCode::ImportHasErrors,
        format!(
            "{rows}. Fix the file and upload it again, or send only the valid rows (skip_invalid)."
        ),
    )
    .with_invalid_rows(invalid)
}

pub fn find(conn: &mut DbConnection, org: OrganizationId, id: ImportId) -> AppResult<ImportRecord> {
    store::find(conn, org, id)?.ok_or_else(|| AppError::not_found("Import"))
}

/// The organization's names and addresses as rows are checked against them (and its members,
/// for an update mode), after lapsed invitations were recorded as expired (so they neither
/// block a row nor collide with it).
pub fn directory(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    mode: ImportMode,
) -> AppResult<Directory> {
    invitations::expire(conn, ctx, LapsedScope::Organization(org))?;
    let mut directory = store::directory(conn, org, mode)?;
    directory.now = ctx.now;
    if let Some(member) = ctx.member_id {
        directory.caller =
            skillstream_store::members::find_in(conn, org, member)?.map(|m| m.email.to_lowercase());
    }
    if let Some(limit) = skillstream_store::organizations::settings(conn, org)?.seat_limit {
        let taken = skillstream_store::invitations::seats_taken(conn, org, ctx.now)?;
        directory.free_seats = Some((limit - taken).max(0));
    }
    Ok(directory)
}

/// Records a new preview's event; the caller wrote it with an [`store::ImportWriter`].
pub fn uploaded(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    id: ImportId,
    file_name: Option<&str>,
    rows: i64,
    invalid: i64,
) -> AppResult<()> {
    let event = Event::new(ctx, org, Action::ImportUploaded)
        .target(TargetType::Import, id.get())
        .import(Some(id))
        .details(details! { "file_name": file_name, "rows": rows, "invalid": invalid });
    skillstream_store::events::append(conn, vec![event.into_row()])?;
    Ok(())
}

/// The column map saved for files with this header key, if any (JSON).
pub fn saved_column_map(
    conn: &mut DbConnection,
    org: OrganizationId,
    header_key: &str,
) -> AppResult<Option<String>> {
    Ok(store::column_map_for(conn, org, header_key)?)
}

/// The result of an import that was sent, as first reported.
pub fn stored_result(
    conn: &mut DbConnection,
    record: &ImportRecord,
) -> AppResult<Option<SentImport>> {
    if record.status != ImportStatus::Sent {
        return Ok(None);
    }
    let skipped_lines = if record.skip_invalid == Some(true) {
        store::invalid_lines(conn, record.id)?
    } else {
        Vec::new()
    };
    Ok(Some(SentImport {
        import_id: record.id,
        created: i64::from(record.created_count.unwrap_or(0)),
        updated: i64::from(record.updated_count.unwrap_or(0)),
        deactivated: i64::from(record.deactivated_count.unwrap_or(0)),
        reactivated: i64::from(record.reactivated_count.unwrap_or(0)),
        skipped: i64::from(record.skipped_count.unwrap_or(0)),
        skip_invalid: record.skip_invalid.unwrap_or(false),
        sent_at: record
            .sent_at
            .map(from_db)
            .unwrap_or_else(|| from_db(record.created_at)),
        skipped_lines,
    }))
}

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
            let (total, invalid) = recheck(conn, import_id, &directory, expected)?;
            store::set_counts(conn, import_id, total - invalid, invalid)?;
            return Ok(SendOutcome::Refused {
                invalid: i64::try_from(invalid).unwrap_or(i64::MAX),
            });
        }
    };
    let (invalid, skipped_lines, counts) = (pass.invalid, pass.skipped_lines, pass.counts);
    store::set_counts(conn, import_id, pass.total - invalid, invalid)?;
    apply::guard_mass_change(pass.deactivations, members, options.allow_mass_change)?;
    let created = counts.created;
    tracing::info!(
        import_id = import_id.get(),
        created,
        skipped = invalid,
        send_ms = clock.elapsed().as_millis() as u64,
        "import sent"
    );
    store::mark_sent(conn, import_id, skip_invalid, &counts, ctx.now)?;
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
    for_each_page(conn, record.id, |conn, rows| {
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
            let now = row.with_check(check);
            if now.errors != row.errors || now.action != row.action || now.changes != row.changes {
                changed.push(now);
            }
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
    import_id: ImportId,
    directory: &Directory,
    expected: usize,
) -> AppResult<(usize, usize)> {
    let mut checker = RowChecker::new(directory, expected);
    let (mut total, mut invalid) = (0usize, 0usize);
    for_each_page(conn, import_id, |conn, rows| {
        let mut changed = Vec::new();
        for row in rows {
            let checked = checker.check(&row.raw());
            total += 1;
            invalid += usize::from(!checked.errors.is_empty());
            let now = row.with_check(&checked);
            if now.errors != row.errors || now.action != row.action || now.changes != row.changes {
                changed.push(now);
            }
        }
        store::update_rows(conn, &changed)?;
        Ok(())
    })?;
    Ok((total, invalid))
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
    import_id: ImportId,
    mut each: impl FnMut(&mut DbConnection, &[RowRecord]) -> AppResult<()>,
) -> AppResult<()> {
    let mut after = 0;
    loop {
        let rows = store::rows_after(conn, import_id, after, SEND_PAGE)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.line;
        each(conn, &rows)?;
    }
}

/// The organization's department and group ids by name: checked rows name them, invitations
/// and members refer to them by id.
pub(crate) struct CatalogIds {
    pub departments: HashMap<String, i64>,
    pub groups: HashMap<String, i64>,
}

impl CatalogIds {
    pub fn load(conn: &mut DbConnection, org: OrganizationId) -> AppResult<Self> {
        let mut ids = |kind| -> AppResult<HashMap<String, i64>> {
            Ok(catalog::list(conn, kind, org)?
                .into_iter()
                .map(|(id, name, _)| (name, id))
                .collect())
        };
        Ok(Self {
            departments: ids(Kind::Department)?,
            groups: ids(Kind::Group)?,
        })
    }

    fn resolve(&self, rows: impl Iterator<Item = ValidRow>) -> Vec<ValidInvitation> {
        rows.map(|row| ValidInvitation {
            department_id: row
                .department
                .as_ref()
                .and_then(|n| self.departments.get(n).copied()),
            group_id: row.group.as_ref().and_then(|n| self.groups.get(n).copied()),
            email: row.email,
            role: row.role,
            first_name: row.first_name,
            last_name: row.last_name,
            course_ids: Vec::new(),
            send_at: row.send_at,
            send_email: true,
        })
        .collect()
    }
}

/// Where rows come from, as the import records it.
pub struct ImportInput<'a> {
    pub source: ImportSource,
    pub mode: ImportMode,
    /// The columns as read, `{"file header": "field" | "ignore"}` (JSON), kept with the import.
    pub column_map: Option<&'a str>,
    /// Saves `column_map` for later files with the header of this key.
    pub save_column_map_as: Option<&'a str>,
    pub file_name: Option<&'a str>,
    /// The header cells as given.
    pub header: &'a [String],
    /// About how many rows there are (sizes the duplicate check).
    pub expected_rows: usize,
    /// The batch API's `Idempotency-Key`.
    pub idempotency_key: Option<&'a str>,
}

/// Refuses a send or an edit while the file is still being read, or after it could not be.
pub(crate) fn ready(record: &ImportRecord) -> AppResult<()> {
    match record.check_state {
        None => Ok(()),
        Some(CheckState::Checking) => Err(AppError::new(
            ErrorCode::ImportNotReady,
            format!(
                "This file is still being read ({} rows so far). Try again once its preview is complete.",
                record.checked_rows
            ),
        )),
        Some(CheckState::Failed) => Err(AppError::new(
            ErrorCode::ImportNotReady,
            format!(
                "This file could not be read: {} Fix it and upload it again.",
                record.check_error.as_deref().unwrap_or_default()
            ),
        )),
    }
}
