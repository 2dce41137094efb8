//! The import writer: a new import and its rows, written a few thousand at a time as they
//! stream in.

use super::{NewImport, RowRecord, IMPORT_LIFETIME_HOURS};
use crate::schema::{invitation_import_rows, invitation_imports};
use crate::{to_db, DbConnection, StoreResult};
use diesel::prelude::*;
use skillstream_domain::{CheckState, ImportId, ImportStatus};

/// Columns of an import row, for the bulk writer's chunks.
const ROW_COLUMNS: usize = 15;

/// Rows written at once by [`ImportWriter`]: a batch insert on SQLite, a `COPY` on PostgreSQL.
const WRITE_ROWS: usize = 5_000;

/// Writes an import as its rows stream in, a few thousand at a time, so that rows already
/// written are freed: an upload holds its parsed rows and the duplicate check, not every row
/// three times over. The caller owns the transaction; `finish` sets the counts.
pub struct ImportWriter {
    id: ImportId,
    organization_id: i64,
    total: usize,
    invalid: usize,
    pending: Vec<RowRecord>,
}

impl ImportWriter {
    pub fn start(conn: &mut DbConnection, new: &NewImport<'_>) -> StoreResult<Self> {
        let header = serde_json::to_string(new.header).unwrap_or_else(|_| "[]".into());
        let id: ImportId = diesel::insert_into(invitation_imports::table)
            .values((
                invitation_imports::organization_id.eq(new.organization_id),
                invitation_imports::created_by.eq(new.created_by),
                invitation_imports::source.eq(new.source),
                invitation_imports::mode.eq(new.mode),
                invitation_imports::column_map.eq(new.column_map),
                invitation_imports::filename.eq(new.filename),
                invitation_imports::header.eq(header),
                invitation_imports::total.eq(0),
                invitation_imports::valid.eq(0),
                invitation_imports::invalid.eq(0),
                invitation_imports::status.eq(ImportStatus::Previewed),
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
            organization_id: new.organization_id.get(),
            total: 0,
            invalid: 0,
            pending: Vec::with_capacity(WRITE_ROWS),
        })
    }

    pub fn id(&self) -> ImportId {
        self.id
    }

    pub fn push(&mut self, conn: &mut DbConnection, mut record: RowRecord) -> StoreResult<()> {
        record.import_id = self.id.get();
        record.organization_id = self.organization_id;
        self.total += 1;
        self.invalid += usize::from(!record.valid);
        self.pending.push(record);
        if self.pending.len() >= WRITE_ROWS {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Writes the rows pushed so far (before a transaction of a stepwise upload commits).
    pub fn flush(&mut self, conn: &mut DbConnection) -> StoreResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let records = std::mem::take(&mut self.pending);
        crate::bulk_write!(conn, invitation_import_rows::table, records, ROW_COLUMNS)?;
        self.pending = Vec::with_capacity(WRITE_ROWS);
        Ok(())
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> usize {
        self.total
    }

    /// Writes what is left and records the counts; answers the import's id.
    pub fn finish(mut self, conn: &mut DbConnection) -> StoreResult<ImportId> {
        if !self.pending.is_empty() {
            self.flush(conn)?;
        }
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        diesel::update(
            invitation_imports::table
                .find(self.id)
                .filter(invitation_imports::organization_id.eq(self.organization_id)),
        )
        .set((
            invitation_imports::total.eq(count(self.total)),
            invitation_imports::valid.eq(count(self.total - self.invalid)),
            invitation_imports::invalid.eq(count(self.invalid)),
            invitation_imports::check_state.eq(None::<CheckState>),
            invitation_imports::checked_rows.eq(count(self.total)),
        ))
        .execute(conn)?;
        Ok(self.id)
    }
}
