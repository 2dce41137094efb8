//! Finding an invitation by the token in its link, and why a link no longer works.

use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tokens::hash_token;
use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use skillstream_app::invitations::InvitationRow;

pub fn not_found() -> ApiError {
    skillstream_app::invitations::link_not_found().into()
}

/// The invitation a token opens, if it is still usable at `now`.
pub fn usable_invitation(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> ApiResult<InvitationRow> {
    Ok(skillstream_app::invitations::usable(conn, token_hash, now)?)
}

/// Hashes the token from the path, after counting the request against the rate limits (per
/// client address and per token).
pub async fn checked_token_hash(
    state: &AppState,
    req: &HttpRequest,
    token: &str,
) -> ApiResult<String> {
    let limits = state.settings.rate_limits;
    let ip = crate::rate_limit::client_ip(req);
    state
        .limiter
        .check(&format!("public-ip:{ip}"), limits.public_per_ip)
        .await?;
    let hash = hash_token(token.trim());
    state
        .limiter
        .check(&format!("public-token:{hash}"), limits.public_per_token)
        .await?;
    // Tokens we issue are 43 characters of base64url; anything else cannot match.
    if token.len() > 128
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(not_found());
    }
    Ok(hash)
}
