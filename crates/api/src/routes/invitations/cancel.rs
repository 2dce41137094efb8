//! Cancel: the link stops working; the invitation stays as history.

use super::view::{find_row, load_one, Invitation};
use crate::auth::Admin;
use crate::db::schema::invitations;
use crate::db::{to_db, write_transaction};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::outbox::supersede_unsent;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;

#[utoipa::path(post, path = "/api/v1/invitations/{id}/cancel", tag = "Invitations", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Cancelled", body = Invitation),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Accepted or cancelled invitations cannot be cancelled", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel_invitation(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (org, id) = (admin.organization_id, id.into_inner());
    let now = Utc::now();
    let invitation = state
        .db(move |conn| {
            write_transaction(conn, |conn| {
                let row = find_row(conn, org, id)?;
                row.rules()?
                    .cancel(now)
                    .map_err(|e| ApiError::conflict(e.code(), e.to_string()))?;
                let at = to_db(now);
                diesel::update(invitations::table.find(id))
                    .set((
                        invitations::status.eq("cancelled"),
                        invitations::cancelled_at.eq(at),
                        invitations::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                supersede_unsent(conn, id, now)?;
                Ok::<_, ApiError>(())
            })?;
            load_one(conn, org, id, now)
        })
        .await?;
    state.counts.forget(org);
    Ok(HttpResponse::Ok().json(invitation))
}
