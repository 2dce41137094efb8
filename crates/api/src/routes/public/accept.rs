//! Accept: in one transaction the member is created with the invitation's role, department
//! and group, the invitation becomes accepted, and every pre-assigned course becomes an
//! enrollment. The answer signs the new member in.

use super::lookup::{checked_token_hash, usable_invitation};
use crate::auth::password::{check_policy, check_strength, hash_password};
use crate::auth::session::SignInMethod;
use crate::error::{ApiError, ApiResult, ErrorBody, FieldError};
use crate::routes::login::{session_response, start_session, Session};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use skillstream_app::invitations::{self, Acceptance};
use skillstream_app::Ctx;
use skillstream_domain::PersonName;
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
    let mut about_them = state
        .db(move |conn| {
            let row = usable_invitation(conn, &probe, now)?;
            invitations::refuse_password_when_sso_enforced(conn, row.organization_id)?;
            Ok(vec![Some(row.email), row.first_name, row.last_name])
        })
        .await?;
    about_them.extend([first_name.clone(), last_name.clone()]);
    // Strength before the hash: both are CPU work, off the async workers.
    let password_hash = web::block(move || {
        let about: Vec<&str> = about_them.iter().flatten().map(String::as_str).collect();
        check_strength(&password, &about).map(|()| hash_password(&password))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|message| {
        ApiError::validation(vec![FieldError::new("password", "weak_password", message)])
    })?
    .map_err(ApiError::internal)?;
    let acceptance = Acceptance {
        password_hash: Some(password_hash),
        first_name,
        last_name,
        sso_subject: None,
        verified_email: None,
    };
    let ctx = Ctx::invitee().with_request_id(crate::request_id::of(&req));
    let (user_id, org) = state
        .db(move |conn| {
            // The use case checks enforcement again: it may have been switched on while the
            // password was being hashed.
            Ok(invitations::accept(
                conn,
                &ctx.at(Utc::now()),
                &hash,
                &acceptance,
            )?)
        })
        .await?;
    state.counts.forget(org.get());
    let session = start_session(&state, user_id.get(), org.get(), SignInMethod::Password).await?;
    Ok(session_response(&state, session))
}
