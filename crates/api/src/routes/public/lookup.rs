//! Finding an invitation by the token in its link, and why a link no longer works.

use crate::db::schema::{invitation_retired_tokens, invitations};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::routes::invitations::view::InvitationRow;
use crate::state::AppState;
use crate::tokens::hash_token;
use actix_web::http::StatusCode;
use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::InvitationError;

pub fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invitation_not_found",
        "This invitation link is not valid. Check that you copied the whole link from the email, or ask your administrator to invite you again.",
    )
}

/// 410 with a code that says why the link is no longer usable.
pub fn gone(error: InvitationError) -> ApiError {
    let message = match error {
        InvitationError::AlreadyAccepted(_) => {
            "This invitation has already been accepted. Sign in with your email and password instead."
        }
        InvitationError::AlreadyCancelled(_) => {
            "This invitation has been cancelled. Ask your administrator to send you a new one."
        }
        InvitationError::Expired => "This invitation has expired. Ask your administrator to resend it.",
        InvitationError::Superseded => {
            "A newer invitation email was sent to you; use the link in the most recent email. If you cannot find it, ask your administrator to resend it."
        }
    };
    ApiError::new(StatusCode::GONE, error.code(), message)
}

/// The invitation a token opens, if it is still usable at `now`.
pub fn usable_invitation(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> ApiResult<InvitationRow> {
    let row: Option<InvitationRow> = invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        let retired: Option<i64> = invitation_retired_tokens::table
            .find(token_hash)
            .select(invitation_retired_tokens::invitation_id)
            .first(conn)
            .optional()?;
        return Err(match retired {
            Some(_) => gone(InvitationError::Superseded),
            None => not_found(),
        });
    };
    row.rules()?.accept(now).map_err(gone)?;
    Ok(row)
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
