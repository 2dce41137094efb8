//! An admin's changes to one invitation: its send time while scheduled, "Send now", reminders
//! on or off, and its link to hand over (copy link).

use super::create::accept_url;
use super::view::{load_one, Invitation};
use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use skillstream_app::invitations::{self, InvitationChange};
use skillstream_domain::InvitationId;
use utoipa::ToSchema;

/// Body of `PATCH /api/v1/invitations/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeInvitation {
    /// A scheduled invitation's new send time (future, at most 90 days ahead; without an
    /// offset read in the organization's time zone).
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false, example = "2026-12-07T09:00")]
    pub send_at: Option<String>,
    /// Automatic reminders for this invitation.
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false)]
    pub reminders_enabled: Option<bool>,
}

#[utoipa::path(patch, path = "/api/v1/invitations/{id}", tag = "Invitations", params(("id" = i64, Path)),
    request_body = ChangeInvitation,
    responses(
        (status = 200, description = "Changed (an `invitation.updated` event names what changed)", body = Invitation),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invitation_already_sent`: the send time of a sent invitation cannot change", body = ErrorBody),
        (status = 422, description = "`send_at` in the past, too far ahead or not a time", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn change_invitation(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<HttpResponse> {
    let body: ChangeInvitation = crate::routes::json_int::patch_body(body.into_inner())?;
    let ctx = admin.ctx(&state);
    let (org, id) = (ctx.org()?, InvitationId(id.into_inner()));
    let change = InvitationChange {
        send_at: body.send_at,
        reminders_enabled: body.reminders_enabled,
    };
    let invitation = state
        .db(move |conn| {
            invitations::update(conn, &ctx, id, &change)?;
            Ok(load_one(conn, org, id, ctx.now)?)
        })
        .await?;
    state.counts.forget(org.get());
    Ok(HttpResponse::Ok().json(invitation))
}

#[utoipa::path(post, path = "/api/v1/invitations/{id}/send-now", tag = "Invitations", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Sent: pending from now (expiry counts from now), email queued", body = Invitation),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invitation_already_sent`, or the invitation was cancelled", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send_now(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    let (org, id) = (ctx.org()?, InvitationId(id.into_inner()));
    let invitation = state
        .db(move |conn| {
            invitations::send_now(conn, &ctx, id)?;
            Ok(load_one(conn, org, id, ctx.now)?)
        })
        .await?;
    state.wakeup.notify();
    state.counts.forget(org.get());
    Ok(HttpResponse::Ok().json(invitation))
}

/// The link of a pending invitation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationLink {
    /// The landing page the invitation email links to; whoever holds it can accept.
    pub accept_url: String,
}

#[utoipa::path(post, path = "/api/v1/invitations/{id}/link", tag = "Invitations", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The invitation's current link (event `invitation.link_copied`)", body = InvitationLink),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not pending: scheduled, expired, accepted or cancelled", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn copy_link(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    let id = InvitationId(id.into_inner());
    let public_url = state.settings.public_url.clone();
    let token = state
        .db(move |conn| Ok(invitations::copy_link(conn, &ctx, id)?))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(InvitationLink {
            accept_url: accept_url(&public_url, &token),
        }))
}
