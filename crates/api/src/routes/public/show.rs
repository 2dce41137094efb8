//! What the landing page shows. Never consumes or changes anything: mail scanners open links.

use super::lookup::checked_token_hash;
use crate::auth::password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::db::from_db;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::invitations::view::CourseRef;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use skillstream_domain::Role;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationRef {
    pub id: i64,
    #[schema(example = "Acme")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordPolicy {
    #[schema(example = 12)]
    pub min_length: usize,
    #[schema(example = 128)]
    pub max_length: usize,
}

/// An invitation as its invitee sees it on the landing page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicInvitation {
    pub organization: OrganizationRef,
    #[schema(example = "ada@example.com")]
    pub email: String,
    pub role: Role,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub department: Option<String>,
    pub group: Option<String>,
    /// Courses the invitee will find on their dashboard.
    pub courses: Vec<CourseRef>,
    pub expires_at: DateTime<Utc>,
    /// When true, the invitee signs in with the organization's identity provider instead of
    /// setting a password.
    pub sso_enforced: bool,
    /// Whether the organization has an identity provider: the page offers "Continue with SSO".
    pub sso_available: bool,
    pub password_policy: PasswordPolicy,
}

#[utoipa::path(get, path = "/api/v1/public/invitations/{token}", tag = "Accept an invitation",
    params(("token" = String, Path, description = "The token from the link in the email")),
    responses(
        (status = 200, body = PublicInvitation),
        (status = 404, description = "`invitation_not_found`", body = ErrorBody),
        (status = 410, description = "`invitation_expired`, `invitation_cancelled`, `invitation_already_accepted` or `invitation_superseded` (a resend replaced the link)", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn show_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let hash = checked_token_hash(&state, &req, &token).await?;
    let now = Utc::now();
    let landing = state
        .db(move |conn| Ok(skillstream_app::invitations::landing(conn, &hash, now)?))
        .await?;
    let row = landing.invitation;
    let view = PublicInvitation {
        organization: OrganizationRef {
            id: row.organization_id.get(),
            name: landing.organization_name,
        },
        role: row.role,
        first_name: row.first_name,
        last_name: row.last_name,
        department: landing.department,
        group: landing.group,
        courses: landing
            .courses
            .into_iter()
            .map(|(id, title)| CourseRef { id, title })
            .collect(),
        expires_at: from_db(row.expires_at),
        sso_enforced: landing.sso_enforced,
        sso_available: landing.sso_available,
        password_policy: PasswordPolicy {
            min_length: MIN_PASSWORD_CHARS,
            max_length: MAX_PASSWORD_CHARS,
        },
        email: row.email,
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(view))
}
