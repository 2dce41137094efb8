//! Resend: a new token (the old link stops working), a fresh expiry, the email again.

use super::view::{load_one, Invitation};
use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use skillstream_app::invitations;
use skillstream_domain::InvitationId;

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
    let ctx = admin.ctx(&state);
    let (org, id) = (ctx.org()?, InvitationId(id.into_inner()));
    let invitation = state
        .db(move |conn| {
            invitations::resend(conn, &ctx, id)?;
            Ok(load_one(conn, org, id, ctx.now)?)
        })
        .await?;
    state.wakeup.notify();
    state.counts.forget(org.get());
    Ok(HttpResponse::Ok().json(invitation))
}
