//! Uploads and batches written as previews: rows checked against the organization as they
//! stream in and written a few thousand at a time (a file in steps, a batch in one
//! transaction with its send).

use super::{
    directory, find, refused, send_in, uploaded, ImportInput, SendOptions, SendOutcome, SentImport,
};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, ErrorCode};
use skillstream_domain::bulk::{CheckedRow, Directory, RowChecker};
use skillstream_domain::csv_import::{FileError, RawRow};
use skillstream_domain::ImportId;
use skillstream_store::imports::{self as store, ImportRecord, ImportWriter, NewImport, RowRecord};
use skillstream_store::{write_transaction, DbConnection};

/// Checks rows against the organization one by one, handing each with its verdict to `show`
/// (the caller's answer), and, unless `write` is `None`, to the import writer, which frees it
/// once written: a row is never held twice. Answers (rows, rows with errors).
fn check_streaming(
    conn: &mut DbConnection,
    rows: &mut dyn Iterator<Item = Result<RawRow, FileError>>,
    expected_rows: usize,
    directory: &Directory,
    mut write: Option<&mut ImportWriter>,
    show: &mut dyn FnMut(&RawRow, &CheckedRow) -> AppResult<()>,
) -> AppResult<(i64, i64)> {
    let mut checker = RowChecker::new(directory, expected_rows);
    let (mut total, mut invalid) = (0i64, 0i64);
    for raw in rows {
        // A file-level problem found late (a ragged row, too many rows) refuses the file:
        // the caller's transaction rolls back what was written.
        let raw = raw.map_err(|e| AppError::new(ErrorCode::from(&e), e.to_string()))?;
        let checked = checker.check(&raw);
        total += 1;
        invalid += i64::from(!checked.errors.is_empty());
        show(&raw, &checked)?;
        if let Some(writer) = write.as_deref_mut() {
            writer.push(conn, RowRecord::from_parts(0, raw, &checked))?;
        }
    }
    Ok((total, invalid))
}

/// Writes rows as a new import (its preview), with its `import.uploaded` event, in the
/// caller's transaction.
fn write_preview(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: &ImportInput<'_>,
    rows: &mut dyn Iterator<Item = Result<RawRow, FileError>>,
    show: &mut dyn FnMut(&RawRow, &CheckedRow) -> AppResult<()>,
) -> AppResult<(ImportId, i64, i64)> {
    let org = ctx.org()?;
    let directory = directory(conn, ctx, org, input.mode)?;
    if let (Some(key), Some(map)) = (input.save_column_map_as, input.column_map) {
        store::save_column_map(conn, org, key, map, ctx.member_id.map(|m| m.get()), ctx.now)?;
    }
    let mut writer = ImportWriter::start(conn, &new_import(ctx, input)?)?;
    let (total, invalid) = check_streaming(
        conn,
        rows,
        input.expected_rows,
        &directory,
        Some(&mut writer),
        show,
    )?;
    let id = writer.finish(conn)?;
    uploaded(conn, ctx, org, id, input.file_name, total, invalid)?;
    Ok((id, total, invalid))
}

/// Rows read, checked and written per transaction of an upload: between them other writers
/// get in (SQLite has one writer at a time), and the import's progress moves.
const UPLOAD_STEP: usize = 5_000;

/// What becomes of an upload whose file turns out unreadable part way (a ragged row, too many
/// rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// The import is deleted, as if never made (the caller answers the error).
    Delete,
    /// The import stays, failed, with the reason (the web app shows it).
    Keep,
}

/// An upload whose import is made and whose rows are still to be read: what reading them
/// needs ([`check_upload`] takes it, now or in the background).
pub struct StartedUpload {
    writer: ImportWriter,
    directory: Directory,
    file_name: Option<String>,
    expected_rows: usize,
}

/// Starts an upload: the import is made (still being read), the column map saved if asked.
/// Answers the import and what its rows are checked against.
pub fn start_upload(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: &ImportInput<'_>,
) -> AppResult<(ImportRecord, StartedUpload)> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let directory = directory(conn, ctx, org, input.mode)?;
        if let (Some(key), Some(map)) = (input.save_column_map_as, input.column_map) {
            store::save_column_map(conn, org, key, map, ctx.member_id.map(|m| m.get()), ctx.now)?;
        }
        let writer = ImportWriter::start(conn, &new_import(ctx, input)?)?;
        store::set_checking(conn, org, writer.id(), 0)?;
        let record = find(conn, org, writer.id())?;
        let started = StartedUpload {
            writer,
            directory,
            file_name: input.file_name.map(str::to_string),
            expected_rows: input.expected_rows,
        };
        Ok((record, started))
    })
}

fn new_import<'a>(ctx: &Ctx, input: &ImportInput<'a>) -> AppResult<NewImport<'a>> {
    Ok(NewImport {
        mode: input.mode,
        column_map: input.column_map,
        organization_id: ctx.org()?,
        created_by: ctx.member_id.map(|m| m.get()),
        source: input.source,
        filename: input.file_name,
        header: input.header,
        idempotency_key: input.idempotency_key,
        now: ctx.now,
    })
}

/// What the checking thread hands the writer.
enum Step {
    /// Rows checked, to be written in one transaction.
    Rows(Vec<RowRecord>),
    /// The file turned out unreadable here; the rows before it were handed over.
    Failed(FileError),
}

/// Reads, checks and writes the rows of a started upload, a few thousand per transaction, then
/// completes the preview (`import.uploaded`). `show` sees every row with its verdict.
///
/// Reading and checking run on a thread of their own beside the writing (this machine's
/// second core): the next few thousand rows are checked while the last ones are written, at
/// most two steps ahead, so memory stays bounded.
pub fn check_upload(
    conn: &mut DbConnection,
    ctx: &Ctx,
    started: StartedUpload,
    rows: impl Iterator<Item = Result<RawRow, FileError>> + Send,
    on_failure: OnFailure,
    mut show: impl FnMut(&RawRow, &CheckedRow) + Send,
) -> AppResult<ImportRecord> {
    let StartedUpload {
        mut writer,
        directory,
        file_name,
        expected_rows,
    } = started;
    let directory = &directory;
    let org = ctx.org()?;
    let id = writer.id();
    let (steps, handed) = std::sync::mpsc::sync_channel::<Step>(1);
    let (written, invalid) = std::thread::scope(|scope| {
        let checking = scope.spawn(move || {
            let mut checker = RowChecker::new(directory, expected_rows);
            let mut invalid = 0i64;
            let mut step = Vec::with_capacity(UPLOAD_STEP);
            for raw in rows {
                let raw = match raw {
                    Ok(raw) => raw,
                    Err(error) => {
                        // The writer stopping first (a database error) ends the sends too.
                        let _ = steps.send(Step::Rows(step));
                        let _ = steps.send(Step::Failed(error));
                        return invalid;
                    }
                };
                let checked = checker.check(&raw);
                invalid += i64::from(!checked.errors.is_empty());
                show(&raw, &checked);
                step.push(RowRecord::from_parts(0, raw, &checked));
                if step.len() == UPLOAD_STEP {
                    let full = std::mem::replace(&mut step, Vec::with_capacity(UPLOAD_STEP));
                    if steps.send(Step::Rows(full)).is_err() {
                        return invalid;
                    }
                }
            }
            let _ = steps.send(Step::Rows(step));
            invalid
        });
        // Ends with the checking thread's last step, or at the first failure (the receiver is
        // dropped with the loop, which stops the checking thread at its next step).
        let mut written: AppResult<Option<FileError>> = Ok(None);
        for step in handed {
            match step {
                Step::Rows(rows) if rows.is_empty() => {}
                Step::Rows(rows) => {
                    let step = write_transaction(conn, |conn| -> AppResult<()> {
                        for row in rows {
                            writer.push(conn, row)?;
                        }
                        writer.flush(conn)?;
                        store::set_checking(conn, org, id, writer.rows())?;
                        Ok(())
                    });
                    if let Err(error) = step {
                        written = Err(error);
                        break;
                    }
                }
                Step::Failed(error) => {
                    written = Ok(Some(error));
                    break;
                }
            }
        }
        // A panic while checking is a broken invariant: it carries on as one.
        let invalid = checking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, invalid)
    });
    if let Some(error) = written? {
        write_transaction(conn, |conn| -> AppResult<()> {
            match on_failure {
                OnFailure::Delete => store::delete(conn, org, id)?,
                OnFailure::Keep => store::set_failed(conn, org, id, &error.to_string())?,
            }
            Ok(())
        })?;
        return Err(AppError::new(ErrorCode::from(&error), error.to_string()));
    }
    write_transaction(conn, |conn| {
        let total = i64::try_from(writer.rows()).unwrap_or(i64::MAX);
        let id = writer.finish(conn)?;
        uploaded(conn, ctx, org, id, file_name.as_deref(), total, invalid)?;
        find(conn, org, id)
    })
}

/// An uploaded file, checked and stored as a preview (nothing is sent), a few thousand rows
/// per transaction; `show` sees every row with its verdict as it is checked. A file that turns
/// out unreadable part way leaves no import.
pub fn upload(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: &ImportInput<'_>,
    rows: impl Iterator<Item = Result<RawRow, FileError>> + Send,
    show: impl FnMut(&RawRow, &CheckedRow) + Send,
) -> AppResult<ImportRecord> {
    let (_, started) = start_upload(conn, ctx, input)?;
    check_upload(conn, ctx, started, rows, OnFailure::Delete, show)
}

/// What a batch call did.
pub enum BatchOutcome {
    /// Checked only; nothing stored.
    DryRun { total: i64, invalid: i64 },
    Sent {
        import_id: ImportId,
        total: i64,
        invalid: i64,
        result: SentImport,
    },
}

/// The batch API: the rows are checked (and, unless `dry_run`, stored as an import and sent)
/// in one transaction; `show` sees every row with its verdict as it is checked. Rows with
/// errors refuse the whole batch (409, nothing stored) unless `skip_invalid`.
pub fn batch(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: &ImportInput<'_>,
    rows: Vec<RawRow>,
    dry_run: bool,
    skip_invalid: bool,
    mut show: impl FnMut(&RawRow, &CheckedRow) -> AppResult<()>,
) -> AppResult<BatchOutcome> {
    let mut rows = rows.into_iter().map(Ok);
    write_transaction(conn, |conn| {
        if dry_run {
            let directory = directory(conn, ctx, ctx.org()?, input.mode)?;
            let (total, invalid) = check_streaming(
                conn,
                &mut rows,
                input.expected_rows,
                &directory,
                None,
                &mut show,
            )?;
            return Ok(BatchOutcome::DryRun { total, invalid });
        }
        // Rows are written as they are checked; a refusal rolls them back.
        let (import_id, total, invalid) = write_preview(conn, ctx, input, &mut rows, &mut show)?;
        if invalid > 0 && !skip_invalid {
            return Err(refused(invalid));
        }
        let options = SendOptions {
            skip_invalid,
            allow_mass_change: false,
        };
        match send_in(conn, ctx, import_id, options)? {
            SendOutcome::Sent(result) => Ok(BatchOutcome::Sent {
                import_id,
                total,
                invalid,
                result,
            }),
            SendOutcome::Refused { invalid } => Err(refused(invalid)),
        }
    })
}
