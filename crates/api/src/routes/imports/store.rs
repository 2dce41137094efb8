//! Persistence of imports and the bulk writes of a send. Bulk writes use each backend's fast
//! path on its own connection: multi-row inserts in chunks on SQLite, binary COPY on
//! PostgreSQL — never row by row through the generic connection.

use crate::db::schema::{
    email_outbox, invitation_import_rows, invitation_imports, invitations, users,
};
use crate::db::{to_db, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::routes::catalog::{self, Kind};
use crate::tokens::{hash_token, Sealer};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::bulk::{CheckedRow, Directory, RowError, ValidRow};
use skillstream_domain::csv_import::RawRow;
use std::collections::HashMap;

/// Rows per multi-row INSERT on SQLite (10 columns × 1,000 stays under its bind limit).
const CHUNK: usize = 1000;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitation_imports)]
pub struct ImportRecord {
    pub id: i64,
    pub organization_id: i64,
    pub source: String,
    pub filename: Option<String>,
    pub header: String,
    pub total: i32,
    pub valid: i32,
    pub invalid: i32,
    pub status: String,
    pub skip_invalid: Option<bool>,
    pub created_count: Option<i32>,
    pub skipped_count: Option<i32>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
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

/// The organization's names and addresses as rows are checked against them. Pending
/// invitations that have lapsed are recorded as expired first, so they neither block a new
/// invitation nor collide with it on the unique index.
pub fn load_directory(
    conn: &mut DbConnection,
    org: i64,
    now: DateTime<Utc>,
) -> ApiResult<Directory> {
    let at = to_db(now);
    diesel::update(
        invitations::table
            .filter(invitations::organization_id.eq(org))
            .filter(invitations::status.eq("pending"))
            .filter(invitations::expires_at.le(at)),
    )
    .set((
        invitations::status.eq("expired"),
        invitations::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(Directory {
        departments: catalog::list(conn, Kind::Department, org)?
            .into_iter()
            .map(|e| e.name)
            .collect(),
        groups: catalog::list(conn, Kind::Group, org)?
            .into_iter()
            .map(|e| e.name)
            .collect(),
        members: users::table
            .filter(users::organization_id.eq(org))
            .select(users::email_folded)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        pending: invitations::table
            .filter(invitations::organization_id.eq(org))
            .filter(invitations::status.eq("pending"))
            .select(invitations::email_folded)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
    })
}

/// What a new import records about itself.
pub struct NewImport<'a> {
    pub organization_id: i64,
    pub created_by: i64,
    pub source: &'a str,
    pub filename: Option<&'a str>,
    pub header: &'a [String],
    pub idempotency_key: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Imports can be sent for a day after the preview.
pub const IMPORT_LIFETIME_HOURS: i64 = 24;

/// Rows written at once by [`ImportWriter`]: a batch insert on SQLite, a `COPY` on PostgreSQL.
const WRITE_ROWS: usize = 5_000;

/// Writes an import as its rows stream in, a few thousand at a time, so that rows already
/// written are freed: an upload holds its parsed rows and the duplicate check, not every row
/// three times over. The caller owns the transaction; `finish` sets the counts.
pub struct ImportWriter {
    id: i64,
    total: usize,
    invalid: usize,
    pending: Vec<RowRecord>,
}

impl ImportWriter {
    pub fn start(conn: &mut DbConnection, new: &NewImport<'_>) -> ApiResult<Self> {
        let id: i64 = diesel::insert_into(invitation_imports::table)
            .values((
                invitation_imports::organization_id.eq(new.organization_id),
                invitation_imports::created_by.eq(new.created_by),
                invitation_imports::source.eq(new.source),
                invitation_imports::filename.eq(new.filename),
                invitation_imports::header
                    .eq(serde_json::to_string(new.header).map_err(ApiError::internal)?),
                invitation_imports::total.eq(0),
                invitation_imports::valid.eq(0),
                invitation_imports::invalid.eq(0),
                invitation_imports::status.eq("previewed"),
                invitation_imports::idempotency_key.eq(new.idempotency_key),
                invitation_imports::created_at.eq(to_db(new.now)),
                invitation_imports::expires_at.eq(to_db(
                    new.now + chrono::Duration::hours(IMPORT_LIFETIME_HOURS),
                )),
            ))
            .returning(invitation_imports::id)
            .get_result(conn)?;
        Ok(Self {
            id,
            total: 0,
            invalid: 0,
            pending: Vec::with_capacity(WRITE_ROWS),
        })
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn push(&mut self, conn: &mut DbConnection, mut record: RowRecord) -> ApiResult<()> {
        record.import_id = self.id;
        self.total += 1;
        self.invalid += usize::from(!record.valid);
        self.pending.push(record);
        if self.pending.len() >= WRITE_ROWS {
            self.flush(conn)?;
        }
        Ok(())
    }

    fn flush(&mut self, conn: &mut DbConnection) -> ApiResult<()> {
        let records = std::mem::take(&mut self.pending);
        match conn {
            DbConnection::Sqlite(sqlite) => {
                for chunk in records.chunks(CHUNK) {
                    diesel::insert_into(invitation_import_rows::table)
                        .values(chunk)
                        .execute(sqlite)?;
                }
            }
            DbConnection::Postgres(pg) => {
                diesel::copy_from(invitation_import_rows::table)
                    .from_insertable(records)
                    .execute(pg)?;
            }
        }
        self.pending = Vec::with_capacity(WRITE_ROWS);
        Ok(())
    }

    /// Writes what is left and records the counts; answers the import's id.
    pub fn finish(mut self, conn: &mut DbConnection) -> ApiResult<i64> {
        if !self.pending.is_empty() {
            self.flush(conn)?;
        }
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        diesel::update(invitation_imports::table.find(self.id))
            .set((
                invitation_imports::total.eq(count(self.total)),
                invitation_imports::valid.eq(count(self.total - self.invalid)),
                invitation_imports::invalid.eq(count(self.invalid)),
            ))
            .execute(conn)?;
        Ok(self.id)
    }
}

pub fn find_import(conn: &mut DbConnection, org: i64, id: i64) -> ApiResult<ImportRecord> {
    invitation_imports::table
        .filter(invitation_imports::id.eq(id))
        .filter(invitation_imports::organization_id.eq(org))
        .select(ImportRecord::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("Import"))
}

/// Takes the import's row lock on PostgreSQL, so concurrent sends of one import run one after
/// the other (SQLite's `BEGIN IMMEDIATE` already serialises writers).
pub fn lock_import(conn: &mut DbConnection, org: i64, id: i64) -> QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query(
            "SELECT id FROM invitation_imports WHERE id = $1 AND organization_id = $2 FOR UPDATE",
        )
        .bind::<diesel::sql_types::BigInt, _>(id)
        .bind::<diesel::sql_types::BigInt, _>(org)
        .execute(pg)?;
    }
    Ok(())
}

/// A page of rows (all, or only those with errors) and how many match.
pub fn page_of_rows(
    conn: &mut DbConnection,
    import_id: i64,
    errors_only: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<RowRecord>, i64)> {
    let mut count = invitation_import_rows::table
        .filter(invitation_import_rows::import_id.eq(import_id))
        .into_boxed();
    let mut page = invitation_import_rows::table
        .filter(invitation_import_rows::import_id.eq(import_id))
        .into_boxed();
    if errors_only {
        count = count.filter(invitation_import_rows::valid.eq(false));
        page = page.filter(invitation_import_rows::valid.eq(false));
    }
    let total: i64 = count.count().get_result(conn)?;
    let rows = crate::db::read_page(conn, false, |conn| {
        page.order(invitation_import_rows::line.asc())
            .offset(offset)
            .limit(limit)
            .select(RowRecord::as_select())
            .load(conn)
    })?;
    Ok((rows, total))
}

pub fn all_rows(conn: &mut DbConnection, import_id: i64) -> QueryResult<Vec<RowRecord>> {
    invitation_import_rows::table
        .filter(invitation_import_rows::import_id.eq(import_id))
        .order(invitation_import_rows::line.asc())
        .select(RowRecord::as_select())
        .load(conn)
}

/// Rewrites the rows whose verdict changed since the preview.
pub fn update_rows(conn: &mut DbConnection, changed: &[RowRecord]) -> QueryResult<()> {
    for row in changed {
        diesel::update(invitation_import_rows::table.find((row.import_id, row.line)))
            .set((
                invitation_import_rows::valid.eq(row.valid),
                invitation_import_rows::errors.eq(&row.errors),
            ))
            .execute(conn)?;
    }
    Ok(())
}

// Every column is given (None is NULL), as COPY and SQLite's multi-row VALUES need. Ids are
// reserved up front, so outbox rows can be built without reading the invitations back.
#[derive(Insertable)]
#[diesel(table_name = invitations, treat_none_as_default_value = false)]
struct NewInvitation<'a> {
    id: i64,
    organization_id: i64,
    email: &'a str,
    email_folded: &'a str,
    role: &'static str,
    department_id: Option<i64>,
    group_id: Option<i64>,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    token_hash: &'a str,
    status: &'static str,
    expires_at: NaiveDateTime,
    invited_by: Option<i64>,
    sent_at: NaiveDateTime,
    send_count: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    import_id: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = email_outbox, treat_none_as_default_value = false)]
struct NewEmail<'a> {
    organization_id: i64,
    invitation_id: i64,
    recipient: &'a str,
    sealed_token: Option<&'a str>,
    status: &'static str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Who sends a bulk invitation, and when.
pub struct BulkSend<'a> {
    pub organization_id: i64,
    pub inviter_id: i64,
    pub import_id: i64,
    pub secret: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Creates an invitation and its queued email for every row; the caller owns the transaction
/// and has checked the rows. Returns how many were created. The link tokens are sealed on a
/// second thread while the invitations are written.
pub fn create_invitations(
    conn: &mut DbConnection,
    send: &BulkSend<'_>,
    rows: &[ValidRow],
) -> ApiResult<usize> {
    let department_ids = name_ids(conn, Kind::Department, send.organization_id)?;
    let group_ids = name_ids(conn, Kind::Group, send.organization_id)?;
    let at = to_db(send.now);
    let expires_at = to_db(send.expires_at);
    let ids = reserve_invitation_ids(conn, rows.len())?;
    let tokens: Vec<String> = {
        let mut rng = rand::thread_rng();
        rows.iter().map(|_| new_link_token_from(&mut rng)).collect()
    };
    let hashes: Vec<String> = tokens.iter().map(|t| hash_token(t)).collect();
    let clock = std::time::Instant::now();
    std::thread::scope(|scope| -> ApiResult<usize> {
        let sealing = scope.spawn(|| {
            let sealer = Sealer::new(send.secret);
            tokens
                .iter()
                .map(|t| sealer.seal(t))
                .collect::<Vec<String>>()
        });
        let invitations: Vec<NewInvitation<'_>> = rows
            .iter()
            .zip(&ids)
            .zip(&hashes)
            .map(|((row, id), token_hash)| NewInvitation {
                id: *id,
                organization_id: send.organization_id,
                email: row.email.as_str(),
                email_folded: row.email.folded(),
                role: row.role.as_str(),
                department_id: row
                    .department
                    .as_ref()
                    .and_then(|n| department_ids.get(n).copied()),
                group_id: row.group.as_ref().and_then(|n| group_ids.get(n).copied()),
                first_name: row.first_name.as_ref().map(|n| n.as_str()),
                last_name: row.last_name.as_ref().map(|n| n.as_str()),
                token_hash,
                status: "pending",
                expires_at,
                invited_by: Some(send.inviter_id),
                sent_at: at,
                send_count: 1,
                created_at: at,
                updated_at: at,
                import_id: Some(send.import_id),
            })
            .collect();
        bulk_insert_invitations(conn, invitations).map_err(|e| {
            if crate::db::is_unique_violation(&e) {
                ApiError::conflict(
                    "invitation_already_pending",
                    "Someone was invited meanwhile by another request. Send the import again: rows already invited will be reported.",
                )
            } else {
                e.into()
            }
        })?;
        let inserted = clock.elapsed();
        let sealed = sealing
            .join()
            .map_err(|_| ApiError::internal(anyhow::anyhow!("sealing link tokens failed")))?;
        let emails: Vec<NewEmail<'_>> = rows
            .iter()
            .zip(&ids)
            .zip(&sealed)
            .map(|((row, id), sealed)| NewEmail {
                organization_id: send.organization_id,
                invitation_id: *id,
                recipient: row.email.as_str(),
                sealed_token: Some(sealed),
                status: "queued",
                attempts: 0,
                next_attempt_at: at,
                created_at: at,
                updated_at: at,
            })
            .collect();
        let count = emails.len();
        match conn {
            DbConnection::Sqlite(sqlite) => {
                for chunk in emails.chunks(CHUNK) {
                    diesel::insert_into(email_outbox::table)
                        .values(chunk)
                        .execute(sqlite)?;
                }
            }
            DbConnection::Postgres(pg) => {
                diesel::copy_from(email_outbox::table)
                    .from_insertable(emails)
                    .execute(pg)?;
            }
        }
        tracing::info!(
            invitations_ms = inserted.as_millis() as u64,
            outbox_ms = (clock.elapsed() - inserted).as_millis() as u64,
            "bulk invitations written"
        );
        Ok(count)
    })
}

/// A 256-bit link token from a thread-local CSPRNG (seeded from the OS), for bulk sends where
/// a system call per token would dominate.
fn new_link_token_from(rng: &mut impl rand::RngCore) -> String {
    use base64::Engine;
    let mut buffer = [0u8; 32];
    rng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

#[derive(QueryableByName)]
struct ReservedId {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// Ids for `n` new invitations. PostgreSQL draws them from the sequence (concurrent writers
/// get other values); SQLite continues after the highest id ever used, which is safe because
/// the caller holds the write lock.
fn reserve_invitation_ids(conn: &mut DbConnection, n: usize) -> QueryResult<Vec<i64>> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    match conn {
        DbConnection::Postgres(pg) => Ok(diesel::sql_query(
            "SELECT nextval(pg_get_serial_sequence('invitations', 'id')) AS id FROM generate_series(1, $1)",
        )
        .bind::<diesel::sql_types::BigInt, _>(n)
        .load::<ReservedId>(pg)?
        .into_iter()
        .map(|r| r.id)
        .collect()),
        DbConnection::Sqlite(sqlite) => {
            let last = diesel::sql_query(
                "SELECT COALESCE(MAX(id), 0) AS id FROM (SELECT MAX(id) AS id FROM invitations \
                 UNION ALL SELECT seq AS id FROM sqlite_sequence WHERE name = 'invitations')",
            )
            .get_result::<ReservedId>(sqlite)?
            .id;
            Ok((last + 1..=last + n).collect())
        }
    }
}

fn bulk_insert_invitations(
    conn: &mut DbConnection,
    rows: Vec<NewInvitation<'_>>,
) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(sqlite) => {
            for chunk in rows.chunks(CHUNK / 2) {
                diesel::insert_into(invitations::table)
                    .values(chunk)
                    .execute(sqlite)?;
            }
        }
        DbConnection::Postgres(pg) => {
            diesel::copy_from(invitations::table)
                .from_insertable(rows)
                .execute(pg)?;
        }
    }
    Ok(())
}

/// Name → id of the organization's departments or groups.
fn name_ids(conn: &mut DbConnection, kind: Kind, org: i64) -> ApiResult<HashMap<String, i64>> {
    Ok(catalog::list(conn, kind, org)?
        .into_iter()
        .map(|e| (e.name, e.id))
        .collect())
}
