//! SCIM tokens: the bearer tokens an organization's identity provider provisions it with. Stored
//! as a hash, shown once, revocable; they work on `/scim/v2` only.

use crate::schema::scim_tokens;
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::OrganizationId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scim_tokens)]
pub struct ScimTokenRow {
    pub id: i64,
    pub name: String,
    pub token_prefix: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// The organization's tokens, newest first (revoked ones too).
pub fn list(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<Vec<ScimTokenRow>> {
    scim_tokens::table
        .filter(scim_tokens::organization_id.eq(org.get()))
        .order(scim_tokens::id.desc())
        .select(ScimTokenRow::as_select())
        .load(conn)
}

pub fn insert(
    conn: &mut DbConnection,
    org: OrganizationId,
    name: &str,
    hash: &str,
    prefix: &str,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<ScimTokenRow> {
    let id: i64 = diesel::insert_into(scim_tokens::table)
        .values((
            scim_tokens::organization_id.eq(org.get()),
            scim_tokens::name.eq(name),
            scim_tokens::token_hash.eq(hash),
            scim_tokens::token_prefix.eq(prefix),
            scim_tokens::created_by.eq(created_by),
            scim_tokens::created_at.eq(to_db(now)),
        ))
        .returning(scim_tokens::id)
        .get_result(conn)?;
    scim_tokens::table
        .find(id)
        .select(ScimTokenRow::as_select())
        .first(conn)
}

/// Revokes a live token of the organization; answers its name (none: no such live token).
pub fn revoke(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
    now: DateTime<Utc>,
) -> StoreResult<Option<String>> {
    diesel::update(
        scim_tokens::table
            .filter(scim_tokens::organization_id.eq(org.get()))
            .filter(scim_tokens::id.eq(id))
            .filter(scim_tokens::revoked_at.is_null()),
    )
    .set(scim_tokens::revoked_at.eq(to_db(now)))
    .returning(scim_tokens::name)
    .get_result(conn)
    .optional()
}

/// The organization and token id of a live token, by its hash.
/// A live token: id, organization, name, when last used.
pub type LiveToken = (i64, i64, String, Option<NaiveDateTime>);

pub fn live_by_hash(conn: &mut DbConnection, hash: &str) -> StoreResult<Option<LiveToken>> {
    scim_tokens::table
        .filter(scim_tokens::token_hash.eq(hash))
        .filter(scim_tokens::revoked_at.is_null())
        .select((
            scim_tokens::id,
            scim_tokens::organization_id,
            scim_tokens::name,
            scim_tokens::last_used_at,
        ))
        .first(conn)
        .optional()
}

/// Notes that the token was used (at most once a minute, so a sync does not write per request).
pub fn touch(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<usize> {
    let minute_ago = to_db(now - chrono::Duration::minutes(1));
    diesel::update(
        scim_tokens::table.find(id).filter(
            scim_tokens::last_used_at
                .is_null()
                .or(scim_tokens::last_used_at.lt(minute_ago)),
        ),
    )
    .set(scim_tokens::last_used_at.eq(to_db(now)))
    .execute(conn)
}
