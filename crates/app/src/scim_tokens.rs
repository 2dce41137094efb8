//! SCIM tokens: created (the secret shown once, stored hashed) and revoked, each with its event.

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::tokens::{hash_token, new_scim_token};
use skillstream_domain::{Action, TargetType};
use skillstream_store::scim_tokens::{self as store, ScimTokenRow};
use skillstream_store::{write_transaction, DbConnection};

pub use skillstream_store::scim_tokens::ScimTokenRow as ScimToken;

/// The caller's organization's tokens, newest first (revoked ones too).
pub fn list(conn: &mut DbConnection, ctx: &Ctx) -> AppResult<Vec<ScimTokenRow>> {
    Ok(store::list(conn, ctx.org()?)?)
}

/// Creates a token for the caller's organization; answers it with its secret (never stored).
pub fn create(conn: &mut DbConnection, ctx: &Ctx, name: &str) -> AppResult<(ScimTokenRow, String)> {
    let org = ctx.org()?;
    let secret = new_scim_token();
    let prefix: String = secret.chars().take(9).collect();
    let row = write_transaction(conn, |conn| {
        let row = store::insert(
            conn,
            org,
            name,
            &hash_token(&secret),
            &prefix,
            ctx.member_id.map(|m| m.get()),
            ctx.now,
        )?;
        let event = Event::new(ctx, org, Action::ScimTokenCreated)
            .target(TargetType::ScimToken, row.id)
            .details(details! { "name": row.name, "prefix": row.token_prefix });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok::<_, AppError>(row)
    })?;
    Ok((row, secret))
}

/// Revokes a live token of the organization: the identity provider's next call is refused.
pub fn revoke(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let name = store::revoke(conn, org, id, ctx.now)?
            .ok_or_else(|| AppError::not_found("SCIM token"))?;
        let event = Event::new(ctx, org, Action::ScimTokenRevoked)
            .target(TargetType::ScimToken, id)
            .details(details! { "name": name });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}

/// The identity provider behind a SCIM token: its organization, the token's id and name.
#[derive(Debug, Clone)]
pub struct ScimCaller {
    pub organization_id: skillstream_domain::OrganizationId,
    pub token_id: i64,
    pub name: String,
}

/// The live token with this secret, if any. Its use is recorded at most once a minute, so a
/// sync does not write per request.
pub fn authenticate(
    conn: &mut DbConnection,
    secret: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Option<ScimCaller>> {
    if !secret.starts_with(crate::tokens::SCIM_TOKEN_PREFIX) {
        return Ok(None);
    }
    let Some((id, org, name, last_used)) = store::live_by_hash(conn, &hash_token(secret))? else {
        return Ok(None);
    };
    let stale = last_used
        .is_none_or(|at| now - skillstream_store::from_db(at) > chrono::Duration::minutes(1));
    if stale {
        store::touch(conn, id, now)?;
    }
    Ok(Some(ScimCaller {
        organization_id: skillstream_domain::OrganizationId(org),
        token_id: id,
        name,
    }))
}
