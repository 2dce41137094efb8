//! Imports: a CSV upload or a JSON batch is written as a preview (`import.uploaded`), then sent
//! once (`import.sent`): every row is re-checked against the organization as it is then, and
//! the valid ones become invitations through the same writer as a single invitation.

mod apply;
mod edit;
mod history;
pub mod rows;
mod send;
mod upload;

pub use apply::{is_mass_change, MASS_CHANGE_PERCENT};
pub use edit::{apply_suggestion, edit_row, Edited, RowPatch};
pub use history::{history, HistoryItem};
pub use send::{send, send_in, SendOptions};
pub use upload::{
    batch, check_upload, start_upload, upload, BatchOutcome, OnFailure, StartedUpload,
};

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use crate::invitations::{self, ValidInvitation};
use chrono::{DateTime, Utc};
use skillstream_domain::bulk::{Directory, ValidRow};
use skillstream_domain::{
    Action, CheckState, ImportId, ImportMode, ImportSource, ImportStatus, OrganizationId,
    TargetType,
};
use skillstream_store::catalog::{self, Kind};
use skillstream_store::imports::{self as store};
pub use skillstream_store::imports::{ImportRecord, RowRecord};
use skillstream_store::invitations::LapsedScope;
use skillstream_store::{from_db, DbConnection};
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

/// The import an earlier batch call made with this `Idempotency-Key`.
pub fn by_idempotency_key(
    conn: &mut DbConnection,
    org: OrganizationId,
    key: &str,
) -> AppResult<Option<ImportId>> {
    Ok(store::by_idempotency_key(conn, org, key)?)
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
        store::invalid_lines(conn, record.organization_id, record.id)?
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
