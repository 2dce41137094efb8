use super::view::{load_one, Invitation};
use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use skillstream_domain::{InvitationId, OrganizationId};

#[utoipa::path(get, path = "/api/v1/invitations/{id}", tag = "Invitations", params(("id" = i64, Path)),
    responses((status = 200, body = Invitation), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_invitation(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (org, id) = (
        OrganizationId(admin.organization_id),
        InvitationId(id.into_inner()),
    );
    let invitation = state
        .db(move |conn| Ok(load_one(conn, org, id, Utc::now())?))
        .await?;
    Ok(HttpResponse::Ok().json(invitation))
}
