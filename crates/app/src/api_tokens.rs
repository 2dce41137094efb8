//! API tokens for integrators: created (the secret shown once, stored hashed) and revoked,
//! each with its event.

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::tokens::{hash_token, new_api_token};
use skillstream_domain::{Action, TargetType};
pub use skillstream_store::api_tokens::ApiTokenRow;
use skillstream_store::api_tokens::{self as store, NewApiToken};
use skillstream_store::{write_transaction, DbConnection};

/// What an admin asks for, checked by the caller (name length, expiry range).
pub struct TokenInput {
    pub name: String,
    pub expires_in_days: Option<i64>,
    pub read_only: bool,
}

/// The caller's organization's tokens, newest first (never their secrets).
pub fn list(conn: &mut DbConnection, ctx: &Ctx) -> AppResult<Vec<ApiTokenRow>> {
    Ok(store::list(conn, ctx.org()?.get())?)
}

/// Creates a token acting as the caller; answers it with its secret (never stored).
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: &TokenInput,
) -> AppResult<(ApiTokenRow, String)> {
    let org = ctx.org()?;
    let member = ctx
        .member_id
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("an API token needs a member")))?;
    let secret = new_api_token();
    let prefix: String = secret.chars().take(8).collect();
    let row = write_transaction(conn, |conn| {
        let row = store::insert(
            conn,
            &NewApiToken {
                organization_id: org.get(),
                user_id: member.get(),
                name: &input.name,
                token_hash: &hash_token(&secret),
                token_prefix: &prefix,
                expires_at: input
                    .expires_in_days
                    .map(|days| ctx.now + chrono::Duration::days(days)),
                read_only: input.read_only,
            },
            ctx.now,
        )?;
        let event = Event::new(ctx, org, Action::ApiTokenCreated)
            .target(TargetType::ApiToken, row.id)
            .details(details! {
                "name": row.name,
                "prefix": row.token_prefix,
                "read_only": row.read_only,
                "expires_in_days": input.expires_in_days,
            });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok::<_, AppError>(row)
    })?;
    Ok((row, secret))
}

/// Revokes a live token of the organization (404 when there is none).
pub fn revoke(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let name = store::revoke(conn, org.get(), id, ctx.now)?
            .ok_or_else(|| AppError::not_found("API token"))?;
        let event = Event::new(ctx, org, Action::ApiTokenRevoked)
            .target(TargetType::ApiToken, id)
            .details(details! { "name": name });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}
