//! Cancel: the link stops working; the invitation stays as history.

use super::view::{load_one, Invitation};
use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use skillstream_app::invitations;
use skillstream_domain::InvitationId;

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
    let ctx = admin.ctx(&state);
    let (org, id) = (ctx.org()?, InvitationId(id.into_inner()));
    let invitation = state
        .db(move |conn| {
            invitations::cancel(conn, &ctx, id)?;
            Ok(load_one(conn, org, id, ctx.now)?)
        })
        .await?;
    state.counts.forget(org.get());
    Ok(HttpResponse::Ok().json(invitation))
}
