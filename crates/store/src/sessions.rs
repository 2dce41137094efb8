//! Sessions the server can end: a row per sign-in, keyed by the hash of a random session id.

use crate::schema::{sessions, users};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use skillstream_domain::{MemberStatus, Role};

/// How a session was signed in to (`sessions.method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    Password,
    Sso,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Sso => "sso",
        }
    }
}

pub fn create(
    conn: &mut DbConnection,
    id_hash: &str,
    user_id: i64,
    organization_id: i64,
    method: SignInMethod,
    now: DateTime<Utc>,
    ttl: Duration,
) -> StoreResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id_hash.eq(id_hash),
            sessions::user_id.eq(user_id),
            sessions::organization_id.eq(organization_id),
            sessions::method.eq(method.as_str()),
            sessions::created_at.eq(to_db(now)),
            sessions::expires_at.eq(to_db(now + ttl)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Ends one session; answers how many ended (0 when it had already).
pub fn revoke(conn: &mut DbConnection, id_hash: &str, now: DateTime<Utc>) -> StoreResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id_hash.eq(id_hash))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)
}

/// Ends every session of a member.
pub fn revoke_member(
    conn: &mut DbConnection,
    organization_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::organization_id.eq(organization_id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)
}

/// Ends every password session of an organization (single sign-on became mandatory).
pub fn revoke_password_sessions(
    conn: &mut DbConnection,
    organization_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::organization_id.eq(organization_id))
            .filter(sessions::method.eq(SignInMethod::Password.as_str()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)
}

/// The role and email of the active member behind a live session.
pub fn live_member(
    conn: &mut DbConnection,
    id_hash: &str,
    user_id: i64,
    organization_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<Option<(Role, String)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id_hash.eq(id_hash))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(to_db(now)))
        .filter(users::organization_id.eq(organization_id))
        .filter(users::status.eq(MemberStatus::Active))
        .select((users::role, users::email))
        .first(conn)
        .optional()
}
