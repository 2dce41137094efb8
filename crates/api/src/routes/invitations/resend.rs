//! Resend: a new token (the old link stops working), a fresh expiry, the email again.

use super::create::{organization_ttl, pending_conflict, refuse_member};
use super::view::{find_row, load_one, Invitation};
use crate::auth::Admin;
use crate::db::schema::{invitation_retired_tokens, invitations};
use crate::db::{is_unique_violation, to_db, write_transaction};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::outbox::{enqueue_invitation_email, supersede_unsent};
use crate::state::AppState;
use crate::tokens::{hash_token, new_link_token};
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;

#[utoipa::path(post, path = "/api/v1/invitations/{id}/resend", tag = "Invitations", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Resent: new link, new expiry, email queued", body = Invitation),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Accepted or cancelled invitations cannot be resent", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn resend_invitation(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (org, id) = (admin.organization_id, id.into_inner());
    let secret = state.settings.jwt_secret.clone();
    let now = Utc::now();
    let invitation = state
        .db(move |conn| {
            write_transaction(conn, |conn| {
                let row = find_row(conn, org, id)?;
                let resent = row
                    .rules()?
                    .resend(now, organization_ttl(conn, org)?)
                    .map_err(|e| ApiError::conflict(e.code(), e.to_string()))?;
                refuse_member(conn, org, &row.email_folded, &row.email)?;
                let token = new_link_token();
                let at = to_db(now);
                // A savepoint: reviving an expired invitation collides with a newer pending one.
                let updated = conn.transaction(|conn| {
                    diesel::update(invitations::table.find(id))
                        .set((
                            invitations::token_hash.eq(hash_token(&token)),
                            invitations::status.eq("pending"),
                            invitations::expires_at.eq(to_db(resent.expires_at)),
                            invitations::sent_at.eq(at),
                            invitations::send_count.eq(invitations::send_count + 1),
                            invitations::updated_at.eq(at),
                        ))
                        .execute(conn)
                });
                if let Err(e) = updated {
                    if !is_unique_violation(&e) {
                        return Err(e.into());
                    }
                    return Err(pending_conflict(conn, org, &row.email_folded, &row.email)?);
                }
                diesel::insert_into(invitation_retired_tokens::table)
                    .values((
                        invitation_retired_tokens::token_hash.eq(&row.token_hash),
                        invitation_retired_tokens::invitation_id.eq(id),
                        invitation_retired_tokens::retired_at.eq(at),
                    ))
                    .execute(conn)?;
                supersede_unsent(conn, id, now)?;
                enqueue_invitation_email(conn, org, id, &row.email, &token, secret.expose(), now)?;
                Ok(())
            })?;
            load_one(conn, org, id, now)
        })
        .await?;
    state.wakeup.notify();
    state.counts.forget(org);
    Ok(HttpResponse::Ok().json(invitation))
}
