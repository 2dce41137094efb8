//! Send one invitation: the `invite` use case with a batch of one.

use super::view::{load_one, Invitation};
use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use skillstream_app::invitations::{self, InvitationInput};
use utoipa::ToSchema;

/// Body of `POST /api/v1/invitations`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SendInvitation {
    #[schema(example = "ada@example.com", required = true, nullable = false, format = Email)]
    pub email: Option<String>,
    /// `learner` (default), `instructor` or `admin`; case is ignored.
    #[schema(example = "learner")]
    pub role: Option<String>,
    /// The exact (case-sensitive) name of an existing department.
    #[schema(example = "Sales")]
    pub department: Option<String>,
    /// The exact (case-sensitive) name of an existing user group.
    pub group: Option<String>,
    /// Up to 100 characters; filled by the invitee (or SSO) when empty.
    #[schema(
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub first_name: Option<String>,
    /// Up to 100 characters.
    #[schema(
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub last_name: Option<String>,
    /// Courses of the organization to enroll the invitee in on acceptance.
    #[serde(default, deserialize_with = "crate::routes::json_int::option_list")]
    pub course_ids: Option<Vec<i64>>,
    /// Send later: a time up to 90 days ahead, RFC 3339 (`2026-12-07T09:00:00+01:00`) or
    /// without an offset (`2026-12-07T09:00`), then read in the organization's time zone. The
    /// invitation is `scheduled` until then, and its expiry counts from the real send.
    #[schema(example = "2026-12-07T09:00")]
    pub send_at: Option<String>,
    /// `false`: no email (an integrator sends its own); the answer carries `accept_url` once.
    /// Left out: `true`.
    pub send_email: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/invitations", tag = "Invitations", request_body = SendInvitation,
    responses(
        (status = 201, description = "Invitation created and its email queued (or `scheduled`; with `send_email: false`, `accept_url` instead of an email); `warnings` holds hints such as `possible_typo`", body = Invitation),
        (status = 409, description = "`invitation_already_pending` (with `invitation_id`), `already_a_member` or `seat_limit_reached`", body = ErrorBody),
        (status = 422, description = "Field errors, with suggestions for near department / group names", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send_invitation(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<SendInvitation>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let warnings = invitations::email_warnings(body.email.as_deref());
    let input = InvitationInput {
        email: body.email,
        role: body.role,
        department: body.department,
        group: body.group,
        first_name: body.first_name,
        last_name: body.last_name,
        course_ids: body.course_ids.unwrap_or_default(),
        send_at: body.send_at,
        send_email: body.send_email,
    };
    let ctx = admin.ctx(&state);
    let org = ctx.org()?;
    let found_warnings = warnings.clone();
    let public_url = state.settings.public_url.clone();
    let mut invitation = state
        .db(move |conn| {
            let sent = invitations::send_one(conn, &ctx, &input)?;
            let mut invitation = load_one(conn, org, sent.id, ctx.now)?;
            invitation.accept_url = sent.token.map(|token| accept_url(&public_url, &token));
            Ok(invitation)
        })
        .await
        .map_err(|e| e.with_warnings(found_warnings))?;
    invitation.warnings = warnings;
    state.wakeup.notify();
    state.counts.forget(org.get());
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/invitations/{}", invitation.id),
        ))
        .json(invitation))
}

/// The landing page of a link token.
pub fn accept_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/invite/{token}")
}
