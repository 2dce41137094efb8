//! Sessions the server can end. A sign-in writes a row keyed by the hash of a random session
//! id; the session JWT carries the id, and every request checks the row is still live. The
//! CSRF token of a browser session is derived from the same id, so it cannot be made up.

use crate::config::Secret;
use crate::db::schema::sessions;
use crate::db::{to_db, DbConnection};
use crate::error::ApiResult;
use crate::tokens::{hash_token, random_token};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How the member proved who they are.
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

/// Writes a live session and returns its id (to be carried in the JWT, never stored).
pub fn create(
    conn: &mut DbConnection,
    user_id: i64,
    organization_id: i64,
    method: SignInMethod,
    now: DateTime<Utc>,
    ttl: Duration,
) -> ApiResult<String> {
    // Expired rows are cleared by the hourly sweep (`crate::sweep`), not on the sign-in path.
    let id = random_token(32);
    diesel::insert_into(sessions::table)
        .values((
            sessions::id_hash.eq(hash_token(&id)),
            sessions::user_id.eq(user_id),
            sessions::organization_id.eq(organization_id),
            sessions::method.eq(method.as_str()),
            sessions::created_at.eq(to_db(now)),
            sessions::expires_at.eq(to_db(now + ttl)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Ends one session (sign-out).
pub fn revoke(conn: &mut DbConnection, id_hash: &str, now: DateTime<Utc>) -> ApiResult<usize> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::id_hash.eq(id_hash))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}

/// Ends every session of a member ("sign out everywhere", a password reset; deactivation and
/// role changes when they arrive).
pub fn revoke_member(
    conn: &mut DbConnection,
    organization_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::organization_id.eq(organization_id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}

/// Ends the password sessions of an organization that starts enforcing single sign-on.
pub fn revoke_password_sessions(
    conn: &mut DbConnection,
    organization_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::organization_id.eq(organization_id))
            .filter(sessions::method.eq(SignInMethod::Password.as_str()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}

/// The CSRF token of a browser session: an HMAC of its session id under a key derived from
/// the server secret. Only the holder of the session can know it.
pub fn csrf_token(secret: &Secret, session_id: &str) -> String {
    let key = format!("{}\u{0}csrf", secret.expose());
    // HMAC takes keys of any length; the error case cannot happen.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(session_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_belongs_to_one_session_and_one_secret() {
        let secret = Secret::new("s".repeat(40));
        let token = csrf_token(&secret, "session-a");
        assert_eq!(token.len(), 64);
        assert_eq!(token, csrf_token(&secret, "session-a"));
        assert_ne!(token, csrf_token(&secret, "session-b"));
        assert_ne!(token, csrf_token(&Secret::new("t".repeat(40)), "session-a"));
    }
}
