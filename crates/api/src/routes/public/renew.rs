//! An expired link is not a dead end: its holder asks for a fresh link (emailed to the
//! invitation's own address) or for an admin's new invitation, as the organization allows.

use super::lookup::checked_token_hash;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use skillstream_app::invitations::{self, Renewal};
use skillstream_app::Ctx;
use utoipa::ToSchema;

/// What happened to a renewal request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RenewalAccepted {
    /// `fresh_link_sent`: a new link is on its way to the invitation's address;
    /// `admins_asked`: the organization's admins were asked to send a new invitation.
    #[schema(example = "fresh_link_sent")]
    pub outcome: String,
    pub message: String,
}

#[utoipa::path(post, path = "/api/v1/public/invitations/{token}/renew", tag = "Accept an invitation",
    params(("token" = String, Path, description = "The token from the link in the (expired) email")),
    responses(
        (status = 202, description = "`self_service`: a fresh link is emailed to the invitation's own address; `ask_admin`: the admins are asked (once)", body = RenewalAccepted),
        (status = 403, description = "`renewal_not_allowed`: the organization's `expired_link` is `contact_admin`", body = ErrorBody),
        (status = 404, description = "`invitation_not_found`", body = ErrorBody),
        (status = 409, description = "`invitation_not_expired`: the link still works", body = ErrorBody),
        (status = 410, description = "`invitation_cancelled`, `invitation_already_accepted` or `invitation_superseded`: never renewed", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody)))]
pub async fn renew_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let hash = checked_token_hash(&state, &req, &token).await?;
    let ip = crate::rate_limit::client_ip(&req);
    state
        .limiter
        .check(
            &format!("renew-ip:{ip}"),
            state.settings.rate_limits.renew_per_ip,
        )
        .await?;
    let ctx = Ctx::invitee()
        .with_seal_secret(state.settings.jwt_secret.expose())
        .with_request_id(crate::request_id::of(&req));
    let renewal = state
        .db(move |conn| Ok(invitations::renew(conn, &ctx, &hash)?))
        .await?;
    let body = match renewal {
        Renewal::FreshLinkSent => {
            state.wakeup.notify();
            RenewalAccepted {
                outcome: "fresh_link_sent".into(),
                message: "A fresh invitation link is on its way to your email address.".into(),
            }
        }
        Renewal::AdminsAsked => {
            state.wakeup.notify();
            RenewalAccepted {
                outcome: "admins_asked".into(),
                message: "Your administrators have been asked to send you a new invitation.".into(),
            }
        }
    };
    Ok(HttpResponse::Accepted().json(body))
}
