//! Sessions the server can end. A sign-in writes a row keyed by the hash of a random session
//! id; the session JWT carries the id, and every request checks the row is still live. The
//! CSRF token of a browser session is derived from the same id, so it cannot be made up.

use crate::config::Secret;
use crate::db::sessions;
use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::tokens::{hash_token, random_token};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How the member proved who they are.
pub use crate::db::sessions::SignInMethod;

/// Starts a session: answers its id, which only the session token carries (the row keeps its
/// hash). Expired rows are cleared by the scheduler's sweep, not on the sign-in path.
pub fn create(
    conn: &mut DbConnection,
    user_id: i64,
    organization_id: i64,
    method: SignInMethod,
    now: DateTime<Utc>,
    ttl: Duration,
) -> ApiResult<String> {
    let id = random_token(32);
    sessions::create(
        conn,
        &hash_token(&id),
        user_id,
        organization_id,
        method,
        now,
        ttl,
    )?;
    Ok(id)
}

pub fn revoke(conn: &mut DbConnection, id_hash: &str, now: DateTime<Utc>) -> ApiResult<usize> {
    Ok(sessions::revoke(conn, id_hash, now)?)
}

/// Ends every session of a member (`auth::session::revoke_member`, for deactivation and
/// role changes too).
pub fn revoke_member(
    conn: &mut DbConnection,
    organization_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    Ok(sessions::revoke_member(
        conn,
        organization_id,
        user_id,
        now,
    )?)
}

pub fn revoke_password_sessions(
    conn: &mut DbConnection,
    organization_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    Ok(sessions::revoke_password_sessions(
        conn,
        organization_id,
        now,
    )?)
}

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
