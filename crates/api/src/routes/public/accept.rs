//! Accept: in one transaction the member is created with the invitation's role, department
//! and group, the invitation becomes accepted, and every pre-assigned course becomes an
//! enrollment. The answer signs the new member in.

use super::lookup::{checked_token_hash, gone, usable_invitation};
use crate::auth::password::{check_policy, hash_password};
use crate::auth::session::SignInMethod;
use crate::db::schema::{enrollments, invitation_courses, invitations, organizations, users};
use crate::db::{to_db, write_transaction, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody, FieldError};
use crate::outbox::supersede_unsent;
use crate::routes::invitations::create::refuse_member;
use crate::routes::invitations::view::InvitationRow;
use crate::routes::login::{session_response, start_session, Session};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use skillstream_domain::{InvitationError, PersonName};
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AcceptInvitation {
    /// 12 to 128 characters.
    #[schema(required = true, nullable = false, min_length = 12, max_length = 128)]
    pub password: Option<String>,
    /// Used only when the invitation has no first name. At most 100 characters.
    #[schema(
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub first_name: Option<String>,
    /// Used only when the invitation has no last name. At most 100 characters.
    #[schema(
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub last_name: Option<String>,
}

/// What acceptance needs from the invitee, checked.
pub struct Acceptance {
    pub password_hash: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

fn parse_names(
    body: &AcceptInvitation,
    errors: &mut Vec<FieldError>,
) -> (Option<String>, Option<String>) {
    let mut name = |field: &str, value: Option<&str>| {
        PersonName::parse_optional(value)
            .map_err(|e| errors.push(FieldError::new(field, e.code(), format!("{field}: {e}"))))
            .ok()
            .flatten()
            .map(PersonName::into_string)
    };
    let first = name("first_name", body.first_name.as_deref());
    let last = name("last_name", body.last_name.as_deref());
    (first, last)
}

#[utoipa::path(post, path = "/api/v1/public/invitations/{token}/accept", tag = "Accept an invitation",
    params(("token" = String, Path, description = "The token from the link in the email")),
    request_body = AcceptInvitation,
    responses(
        (status = 200, description = "Accepted; the new member is signed in", body = Session),
        (status = 403, description = "`sso_required`: the organization signs in with its identity provider", body = ErrorBody),
        (status = 404, description = "`invitation_not_found`", body = ErrorBody),
        (status = 409, description = "`already_a_member`", body = ErrorBody),
        (status = 410, description = "`invitation_expired`, `invitation_cancelled`, `invitation_already_accepted` or `invitation_superseded`", body = ErrorBody),
        (status = 422, description = "Password policy or names", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: web::Json<AcceptInvitation>,
) -> ApiResult<HttpResponse> {
    let hash = checked_token_hash(&state, &req, &token).await?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    let password = body.password.clone().unwrap_or_default();
    if let Err(message) = check_policy(&password) {
        errors.push(FieldError::new("password", "password_policy", message));
    }
    let (first_name, last_name) = parse_names(&body, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    // Refuse early (without the cost of hashing) when the link is unusable or SSO is enforced.
    let now = Utc::now();
    let probe = hash.clone();
    state
        .db(move |conn| {
            let row = usable_invitation(conn, &probe, now)?;
            refuse_when_sso_enforced(conn, row.organization_id)
        })
        .await?;
    let password_hash = web::block(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let acceptance = Acceptance {
        password_hash: Some(password_hash),
        first_name,
        last_name,
    };
    let (user_id, org) = state
        .db(move |conn| {
            write_transaction(conn, |conn| {
                // Again inside the transaction: enforcement may have been switched on while
                // the password was being hashed.
                let row = usable_invitation(conn, &hash, Utc::now())?;
                refuse_when_sso_enforced(conn, row.organization_id)?;
                accept(conn, &hash, &acceptance, Utc::now())
            })
        })
        .await?;
    state.counts.forget(org);
    let session = start_session(&state, user_id, org, SignInMethod::Password).await?;
    Ok(session_response(&state, session))
}

fn refuse_when_sso_enforced(conn: &mut DbConnection, org: i64) -> ApiResult<()> {
    let enforced: bool = organizations::table
        .find(org)
        .select(organizations::sso_enforced)
        .first(conn)?;
    if enforced {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "sso_required",
            "Your organization signs in with single sign-on: accept the invitation with \"Continue with SSO\".",
        ));
    }
    Ok(())
}

/// The acceptance itself; the caller owns the transaction. Returns the new member's id and
/// organization. Of two concurrent acceptances of one invitation exactly one succeeds: the
/// status changes from pending only once.
pub fn accept(
    conn: &mut DbConnection,
    token_hash: &str,
    acceptance: &Acceptance,
    now: DateTime<Utc>,
) -> ApiResult<(i64, i64)> {
    let row: InvitationRow = usable_invitation(conn, token_hash, now)?;
    let at = to_db(now);
    let claimed = diesel::update(
        invitations::table
            .find(row.id)
            .filter(invitations::status.eq("pending"))
            .filter(invitations::expires_at.gt(at)),
    )
    .set((
        invitations::status.eq("accepted"),
        invitations::accepted_at.eq(at),
        invitations::updated_at.eq(at),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Err(gone(InvitationError::AlreadyAccepted("accepted again")));
    }
    refuse_member(conn, row.organization_id, &row.email_folded, &row.email)?;
    // Names given on the invitation win; the invitee fills only what was left empty.
    let first_name = row
        .first_name
        .clone()
        .or_else(|| acceptance.first_name.clone());
    let last_name = row
        .last_name
        .clone()
        .or_else(|| acceptance.last_name.clone());
    let user_id: i64 = diesel::insert_into(users::table)
        .values((
            users::organization_id.eq(row.organization_id),
            users::email.eq(&row.email),
            users::email_folded.eq(&row.email_folded),
            users::password_hash.eq(&acceptance.password_hash),
            users::first_name.eq(first_name),
            users::last_name.eq(last_name),
            users::role.eq(&row.role),
            users::department_id.eq(row.department_id),
            users::group_id.eq(row.group_id),
            users::status.eq("active"),
            users::created_at.eq(at),
        ))
        .returning(users::id)
        .get_result(conn)?;
    diesel::update(invitations::table.find(row.id))
        .set(invitations::accepted_user_id.eq(user_id))
        .execute(conn)?;
    let course_ids: Vec<i64> = invitation_courses::table
        .filter(invitation_courses::invitation_id.eq(row.id))
        .select(invitation_courses::course_id)
        .load(conn)?;
    for course_id in course_ids {
        diesel::insert_into(enrollments::table)
            .values((
                enrollments::user_id.eq(user_id),
                enrollments::course_id.eq(course_id),
                enrollments::status.eq("active"),
                enrollments::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    supersede_unsent(conn, row.id, now)?;
    Ok((user_id, row.organization_id))
}
