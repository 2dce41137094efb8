//! Answers kept by `Idempotency-Key`: a retried bulk action gets the first answer and changes
//! nothing. Keys are per organization and kept for a day (housekeeping).

use crate::schema::idempotency_keys;
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::OrganizationId;

/// The request hash and answer kept under this key, if any.
pub fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    key: &str,
) -> StoreResult<Option<(String, String)>> {
    idempotency_keys::table
        .filter(idempotency_keys::organization_id.eq(org))
        .filter(idempotency_keys::key.eq(key))
        .select((idempotency_keys::request_hash, idempotency_keys::response))
        .first(conn)
        .optional()
}

/// Keeps an answer under its key (in the transaction that made the change it describes).
pub fn insert(
    conn: &mut DbConnection,
    org: OrganizationId,
    key: &str,
    request_hash: &str,
    response: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::organization_id.eq(org),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::response.eq(response),
            idempotency_keys::created_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(|_| ())
}
