//! Members: what admins do to a member of their organization.

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use skillstream_domain::MemberId;
use skillstream_store::{members, sessions, write_transaction, DbConnection};

/// Ends every session of a member of the caller's organization (a lost laptop, a shared
/// device); answers how many ended. Another organization's member is "not found".
pub fn sign_out_everywhere(
    conn: &mut DbConnection,
    ctx: &Ctx,
    member: MemberId,
) -> AppResult<usize> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        if !members::exists(conn, org, member)? {
            return Err(AppError::not_found("User"));
        }
        Ok(sessions::revoke_member(
            conn,
            org.get(),
            member.get(),
            ctx.now,
        )?)
    })
}
