//! Long-lived API tokens: stored as a hash, revocable, optionally read-only or expiring.

use crate::schema::{api_tokens, users};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{MemberStatus, Role};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub token_prefix: String,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub read_only: bool,
}

pub fn list(conn: &mut DbConnection, org: i64) -> StoreResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::organization_id.eq(org))
        .order(api_tokens::id.desc())
        .select(ApiTokenRow::as_select())
        .load(conn)
}

pub struct NewApiToken<'a> {
    pub organization_id: i64,
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub token_prefix: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
    pub read_only: bool,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewApiToken<'_>,
    now: DateTime<Utc>,
) -> StoreResult<ApiTokenRow> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::organization_id.eq(new.organization_id),
            api_tokens::user_id.eq(new.user_id),
            api_tokens::name.eq(new.name),
            api_tokens::token_hash.eq(new.token_hash),
            api_tokens::token_prefix.eq(new.token_prefix),
            api_tokens::created_at.eq(to_db(now)),
            api_tokens::expires_at.eq(new.expires_at.map(to_db)),
            api_tokens::read_only.eq(new.read_only),
        ))
        .returning((
            api_tokens::id,
            api_tokens::name,
            api_tokens::token_prefix,
            api_tokens::user_id,
            api_tokens::created_at,
            api_tokens::last_used_at,
            api_tokens::revoked_at,
            api_tokens::expires_at,
            api_tokens::read_only,
        ))
        .get_result(conn)
}

/// Revokes a live token of the organization; answers its name, or `None` when there is no
/// such live token.
pub fn revoke(
    conn: &mut DbConnection,
    org: i64,
    id: i64,
    now: DateTime<Utc>,
) -> StoreResult<Option<String>> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::organization_id.eq(org))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(to_db(now)))
    .returning(api_tokens::name)
    .get_result(conn)
    .optional()
}

/// A live token found by its hash, with what the caller check needs.
#[derive(Debug, Clone, Queryable)]
pub struct PresentedToken {
    pub id: i64,
    pub user_id: i64,
    pub organization_id: i64,
    pub last_used_at: Option<NaiveDateTime>,
    pub read_only: bool,
    pub name: String,
}

pub fn live_by_hash(
    conn: &mut DbConnection,
    hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<PresentedToken>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(to_db(now))),
        )
        .select((
            api_tokens::id,
            api_tokens::user_id,
            api_tokens::organization_id,
            api_tokens::last_used_at,
            api_tokens::read_only,
            api_tokens::name,
        ))
        .first(conn)
        .optional()
}

pub fn touch(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(to_db(now)))
        .execute(conn)
        .map(|_| ())
}

/// The role and email of an active member of the organization.
pub fn active_member(
    conn: &mut DbConnection,
    user_id: i64,
    organization_id: i64,
) -> StoreResult<Option<(Role, String)>> {
    users::table
        .filter(users::id.eq(user_id))
        .filter(users::organization_id.eq(organization_id))
        .filter(users::status.eq(MemberStatus::Active))
        .select((users::role, users::email))
        .first(conn)
        .optional()
}
