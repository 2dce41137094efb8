//! Imports: a CSV upload or a JSON batch, its rows as previewed, and what its send recorded.

pub mod edits;
pub mod history;
mod writer;

pub use writer::ImportWriter;

use crate::catalog::{self, Kind};
use crate::schema::{
    departments, import_column_maps, invitation_import_rows, invitation_imports, member_groups,
    user_groups, users,
};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::bulk::{CheckedRow, Directory, RowError};
use skillstream_domain::csv_import::RawRow;
use skillstream_domain::import_update::{encode_changes, MemberSnapshot};
use skillstream_domain::{
    CheckState, ImportId, ImportMode, ImportSource, ImportStatus, MemberStatus, OrganizationId,
    Role, RowAction,
};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitation_imports)]
pub struct ImportRecord {
    pub id: ImportId,
    pub organization_id: OrganizationId,
    pub source: ImportSource,
    pub filename: Option<String>,
    pub header: String,
    pub total: i32,
    pub valid: i32,
    pub invalid: i32,
    pub status: ImportStatus,
    pub skip_invalid: Option<bool>,
    pub created_count: Option<i32>,
    pub skipped_count: Option<i32>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub mode: ImportMode,
    pub updated_count: Option<i32>,
    pub deactivated_count: Option<i32>,
    pub reactivated_count: Option<i32>,
    pub created_by: Option<i64>,
    /// `{"file header": "field" | "ignore"}` as read (JSON); none for the batch API.
    pub column_map: Option<String>,
    /// Still being read (or failed); none once the preview is whole.
    pub check_state: Option<CheckState>,
    /// Rows read and checked so far.
    pub checked_rows: i32,
    pub check_error: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitation_import_rows, treat_none_as_default_value = false)]
pub struct RowRecord {
    pub import_id: i64,
    pub line: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub department: String,
    pub group_name: String,
    pub valid: bool,
    pub errors: String,
    pub send_at: String,
    pub status: String,
    pub action: RowAction,
    /// `{"field": [old, new]}` of an update; empty when none.
    pub changes: String,
    /// The import's organization, like `import_id` set by the writer.
    pub organization_id: i64,
}

impl RowRecord {
    /// Takes the row's cells and verdict without copying them.
    pub fn from_parts(import_id: i64, raw: RawRow, checked: &CheckedRow) -> Self {
        Self {
            import_id,
            line: i64::try_from(raw.line).unwrap_or(i64::MAX),
            email: raw.email,
            first_name: raw.first_name,
            last_name: raw.last_name,
            role: raw.role,
            department: raw.department,
            group_name: raw.group,
            valid: checked.errors.is_empty(),
            errors: encode_errors(&checked.errors),
            send_at: raw.send_at,
            status: raw.status,
            action: checked.action,
            changes: encode_changes(checked.changes()),
            organization_id: 0,
        }
    }

    /// The row with other cells (same line and verdict until re-checked).
    pub fn with_raw(&self, raw: RawRow) -> Self {
        RowRecord {
            email: raw.email,
            first_name: raw.first_name,
            last_name: raw.last_name,
            role: raw.role,
            department: raw.department,
            group_name: raw.group,
            send_at: raw.send_at,
            status: raw.status,
            ..self.clone()
        }
    }

    /// The verdict of a re-check, as stored.
    pub fn with_check(&self, checked: &CheckedRow) -> Self {
        RowRecord {
            valid: checked.errors.is_empty(),
            errors: encode_errors(&checked.errors),
            action: checked.action,
            changes: encode_changes(checked.changes()),
            ..self.clone()
        }
    }

    pub fn raw(&self) -> RawRow {
        RawRow {
            line: u64::try_from(self.line).unwrap_or_default(),
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            role: self.role.clone(),
            department: self.department.clone(),
            group: self.group_name.clone(),
            send_at: self.send_at.clone(),
            status: self.status.clone(),
        }
    }

    pub fn decoded_errors(&self) -> Vec<RowError> {
        serde_json::from_str(&self.errors).unwrap_or_default()
    }
}

pub fn encode_errors(errors: &[RowError]) -> String {
    if errors.is_empty() {
        return "[]".into();
    }
    serde_json::to_string(errors).unwrap_or_else(|_| "[]".into())
}

/// The organization's names and addresses as rows are checked against them; for an update
/// mode also every member as rows compare with them. The caller has recorded lapsed
/// invitations as expired, so they neither block a new invitation nor collide with it on the
/// unique index.
pub fn directory(
    conn: &mut DbConnection,
    org: OrganizationId,
    mode: ImportMode,
) -> StoreResult<Directory> {
    let (people, active_admins) = if mode == ImportMode::InviteNew {
        (HashMap::new(), 0)
    } else {
        (
            member_snapshots(conn, org)?,
            crate::members::active_admins(conn, org)?,
        )
    };
    Ok(Directory {
        mode,
        people,
        active_admins,
        caller: None,
        departments: catalog::list(conn, Kind::Department, org)?
            .into_iter()
            .map(|(_, name, _)| name)
            .collect(),
        groups: catalog::list(conn, Kind::Group, org)?
            .into_iter()
            .map(|(_, name, _)| name)
            .collect(),
        members: crate::members::addresses(conn, org)?.into_iter().collect(),
        deactivated: crate::members::deactivated_addresses(conn, org)?
            .into_iter()
            .collect(),
        pending: crate::invitations::pending_addresses(conn, org)?
            .into_iter()
            .collect(),
        free_seats: None,
        time_zone: crate::organizations::settings(conn, org)?.time_zone,
        now: chrono::Utc::now(),
    })
}

/// Every member by folded address, with names, role, department and groups.
fn member_snapshots(
    conn: &mut DbConnection,
    org: OrganizationId,
) -> StoreResult<HashMap<String, MemberSnapshot>> {
    type Row = (
        i64,
        String,
        Option<String>,
        Option<String>,
        Role,
        Option<String>,
        MemberStatus,
    );
    let rows: Vec<Row> = users::table
        .left_join(departments::table)
        .filter(users::organization_id.eq(org))
        .select((
            users::id,
            users::email_folded,
            users::first_name,
            users::last_name,
            users::role,
            departments::name.nullable(),
            users::status,
        ))
        .load(conn)?;
    let mut groups: HashMap<i64, Vec<String>> = HashMap::new();
    for (user, name) in member_groups::table
        .inner_join(user_groups::table)
        .inner_join(users::table)
        .filter(users::organization_id.eq(org))
        .order((user_groups::name.asc(), user_groups::id.asc()))
        .select((member_groups::user_id, user_groups::name))
        .load::<(i64, String)>(conn)?
    {
        groups.entry(user).or_default().push(name);
    }
    Ok(rows
        .into_iter()
        .map(|(id, folded, first, last, role, department, status)| {
            let snapshot = MemberSnapshot {
                id,
                first_name: first.unwrap_or_default(),
                last_name: last.unwrap_or_default(),
                role,
                department,
                groups: groups.remove(&id).unwrap_or_default(),
                active: status == MemberStatus::Active,
            };
            (folded, snapshot)
        })
        .collect())
}

/// What a new import records about itself.
pub struct NewImport<'a> {
    pub mode: ImportMode,
    pub column_map: Option<&'a str>,
    pub organization_id: OrganizationId,
    pub created_by: Option<i64>,
    pub source: ImportSource,
    pub filename: Option<&'a str>,
    pub header: &'a [String],
    pub idempotency_key: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Imports can be sent for a day after the preview.
pub const IMPORT_LIFETIME_HOURS: i64 = 24;

/// One import of one organization.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn import_of(org: OrganizationId, id: ImportId) -> _ {
    let organization: OrganizationId = org;
    invitation_imports::table
        .find(id)
        .filter(invitation_imports::organization_id.eq(organization))
}

/// The rows of one import of one organization.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn rows_of(org: OrganizationId, id: ImportId) -> _ {
    let import: i64 = id.get();
    let organization: i64 = org.get();
    invitation_import_rows::table
        .filter(invitation_import_rows::import_id.eq(import))
        .filter(invitation_import_rows::organization_id.eq(organization))
}

/// How many rows of an import carry an error with this code.
pub fn rows_with_error(
    conn: &mut DbConnection,
    org: OrganizationId,
    import: ImportId,
    code: &str,
) -> StoreResult<i64> {
    rows_of(org, import)
        .filter(invitation_import_rows::valid.eq(false))
        .filter(invitation_import_rows::errors.like(format!("%\"code\":\"{code}\"%")))
        .count()
        .get_result(conn)
}

pub fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> StoreResult<Option<ImportRecord>> {
    invitation_imports::table
        .filter(invitation_imports::id.eq(id))
        .filter(invitation_imports::organization_id.eq(org))
        .select(ImportRecord::as_select())
        .first(conn)
        .optional()
}

/// The import an earlier batch call made with this `Idempotency-Key`.
pub fn by_idempotency_key(
    conn: &mut DbConnection,
    org: OrganizationId,
    key: &str,
) -> StoreResult<Option<ImportId>> {
    invitation_imports::table
        .filter(invitation_imports::organization_id.eq(org))
        .filter(invitation_imports::idempotency_key.eq(key))
        .select(invitation_imports::id)
        .first(conn)
        .optional()
}

/// Marks an import as being read: its preview is not whole yet.
pub fn set_checking(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
    checked: usize,
) -> StoreResult<()> {
    diesel::update(import_of(org, id))
        .set((
            invitation_imports::check_state.eq(Some(CheckState::Checking)),
            invitation_imports::checked_rows.eq(count(checked)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// An import whose file turned out unreadable part way: its rows go, the reason stays.
pub fn set_failed(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
    reason: &str,
) -> StoreResult<()> {
    diesel::delete(rows_of(org, id)).execute(conn)?;
    diesel::update(import_of(org, id))
        .set((
            invitation_imports::check_state.eq(Some(CheckState::Failed)),
            invitation_imports::check_error.eq(reason),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Deletes an import and its rows (a synchronous upload that failed part way).
pub fn delete(conn: &mut DbConnection, org: OrganizationId, id: ImportId) -> StoreResult<()> {
    diesel::delete(rows_of(org, id)).execute(conn)?;
    diesel::delete(import_of(org, id)).execute(conn)?;
    Ok(())
}

/// The lines of the rows with errors, in order.
pub fn invalid_lines(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> StoreResult<Vec<i64>> {
    rows_of(org, id)
        .filter(invitation_import_rows::valid.eq(false))
        .order(invitation_import_rows::line.asc())
        .select(invitation_import_rows::line)
        .load(conn)
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The counts after a re-check.
pub fn set_counts(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
    valid: usize,
    invalid: usize,
) -> StoreResult<()> {
    diesel::update(import_of(org, id))
        .set((
            invitation_imports::valid.eq(count(valid)),
            invitation_imports::invalid.eq(count(invalid)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// What a send did, row by row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SentCounts {
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub reactivated: usize,
    pub skipped: usize,
}

/// Records the send: sent once, with what it did.
pub fn mark_sent(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
    skip_invalid: bool,
    counts: &SentCounts,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(import_of(org, id))
        .set((
            invitation_imports::status.eq(ImportStatus::Sent),
            invitation_imports::skip_invalid.eq(skip_invalid),
            invitation_imports::created_count.eq(count(counts.created)),
            invitation_imports::updated_count.eq(count(counts.updated)),
            invitation_imports::deactivated_count.eq(count(counts.deactivated)),
            invitation_imports::reactivated_count.eq(count(counts.reactivated)),
            invitation_imports::skipped_count.eq(count(counts.skipped)),
            invitation_imports::sent_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// How many rows of the import do each thing.
pub fn action_counts(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> StoreResult<HashMap<RowAction, i64>> {
    Ok(rows_of(org, id)
        .group_by(invitation_import_rows::action)
        .select((invitation_import_rows::action, diesel::dsl::count_star()))
        .load::<(RowAction, i64)>(conn)?
        .into_iter()
        .collect())
}

/// The saved column map for a file with these headers, as JSON text.
pub fn column_map_for(
    conn: &mut DbConnection,
    org: OrganizationId,
    header_key: &str,
) -> StoreResult<Option<String>> {
    import_column_maps::table
        .filter(import_column_maps::organization_id.eq(org))
        .filter(import_column_maps::header_key.eq(header_key))
        .select(import_column_maps::column_map)
        .first(conn)
        .optional()
}

/// Saves (or replaces) the column map for files with these headers.
pub fn save_column_map(
    conn: &mut DbConnection,
    org: OrganizationId,
    header_key: &str,
    column_map: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::delete(
        import_column_maps::table
            .filter(import_column_maps::organization_id.eq(org))
            .filter(import_column_maps::header_key.eq(header_key)),
    )
    .execute(conn)?;
    diesel::insert_into(import_column_maps::table)
        .values((
            import_column_maps::organization_id.eq(org),
            import_column_maps::header_key.eq(header_key),
            import_column_maps::column_map.eq(column_map),
            import_column_maps::updated_by.eq(by),
            import_column_maps::updated_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Takes the import's row lock on PostgreSQL, so concurrent sends of one import run one after
/// the other (SQLite's `BEGIN IMMEDIATE` already serialises writers).
pub fn lock(conn: &mut DbConnection, org: OrganizationId, id: ImportId) -> StoreResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query(
            "SELECT id FROM invitation_imports WHERE id = $1 AND organization_id = $2 FOR UPDATE",
        )
        .bind::<diesel::sql_types::BigInt, _>(id.get())
        .bind::<diesel::sql_types::BigInt, _>(org.get())
        .execute(pg)?;
    }
    Ok(())
}

/// A page of rows (all, or only those with errors; in file order, or rows with errors first)
/// and how many match.
pub fn page_of_rows(
    conn: &mut DbConnection,
    org: OrganizationId,
    import_id: ImportId,
    errors_only: bool,
    errors_first: bool,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<RowRecord>, i64)> {
    let mut count = rows_of(org, import_id).into_boxed();
    let mut page = rows_of(org, import_id).into_boxed();
    if errors_only {
        count = count.filter(invitation_import_rows::valid.eq(false));
        page = page.filter(invitation_import_rows::valid.eq(false));
    }
    let total: i64 = count.count().get_result(conn)?;
    if errors_first {
        // false sorts before true on both backends. Sorted per page without an index: an index
        // on validity would cost every row of a 100,000-row upload, and a page of such an
        // import sorts in 70–180 ms on SQLite (measured).
        page = page.order(invitation_import_rows::valid.asc());
    }
    let rows = crate::read_page(conn, false, |conn| {
        page.then_order_by(invitation_import_rows::line.asc())
            .offset(offset)
            .limit(limit)
            .select(RowRecord::as_select())
            .load(conn)
    })?;
    Ok((rows, total))
}

/// Up to `limit` rows after line `after`, in file order (a send reads an import page by page).
pub fn rows_after(
    conn: &mut DbConnection,
    org: OrganizationId,
    import_id: ImportId,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<RowRecord>> {
    rows_of(org, import_id)
        .filter(invitation_import_rows::line.gt(after))
        .order(invitation_import_rows::line.asc())
        .limit(limit)
        .select(RowRecord::as_select())
        .load(conn)
}

pub fn all_rows(
    conn: &mut DbConnection,
    org: OrganizationId,
    import_id: ImportId,
) -> StoreResult<Vec<RowRecord>> {
    rows_of(org, import_id)
        .order(invitation_import_rows::line.asc())
        .select(RowRecord::as_select())
        .load(conn)
}

/// Rewrites the rows whose verdict changed since the preview.
pub fn update_rows(conn: &mut DbConnection, changed: &[RowRecord]) -> StoreResult<()> {
    for row in changed {
        diesel::update(
            invitation_import_rows::table
                .find((row.import_id, row.line))
                .filter(invitation_import_rows::organization_id.eq(row.organization_id)),
        )
        .set((
            invitation_import_rows::valid.eq(row.valid),
            invitation_import_rows::errors.eq(&row.errors),
            invitation_import_rows::action.eq(row.action),
            invitation_import_rows::changes.eq(&row.changes),
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// The rows with errors, in order (for the error report).
pub fn invalid_rows(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: ImportId,
) -> StoreResult<Vec<RowRecord>> {
    rows_of(org, id)
        .filter(invitation_import_rows::valid.eq(false))
        .order(invitation_import_rows::line.asc())
        .select(RowRecord::as_select())
        .load(conn)
}
