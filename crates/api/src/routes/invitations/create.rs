//! Send one invitation: validate, check conflicts, write the invitation, its pre-assigned
//! courses and its email job in one transaction.

use super::view::{load_one, Invitation};
use crate::auth::Admin;
use crate::db::schema::{courses, invitation_courses, invitations, organizations, users};
use crate::db::{is_unique_violation, to_db, write_transaction, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody, FieldError};
use crate::outbox::enqueue_invitation_email;
use crate::routes::catalog::{self, Kind};
use crate::state::AppState;
use crate::tokens::{hash_token, new_link_token};
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use skillstream_domain::{EmailAddress, InvitationTtl, PersonName, Role};
use std::collections::BTreeSet;
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
}

/// An invitation request whose every field is valid for the organization.
#[derive(Debug, Clone)]
pub struct ValidInvitation {
    pub email: EmailAddress,
    pub role: Role,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub course_ids: Vec<i64>,
}

/// Checks every field, reporting all problems at once.
pub fn validate(
    conn: &mut DbConnection,
    org: i64,
    input: &SendInvitation,
) -> ApiResult<Result<ValidInvitation, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let email = EmailAddress::parse(input.email.as_deref().unwrap_or_default())
        .map_err(|e| errors.push(FieldError::new("email", e.code(), e.to_string())))
        .ok();
    let role = Role::parse(input.role.as_deref().unwrap_or_default())
        .map_err(|e| errors.push(FieldError::new("role", "invalid_role", e.to_string())))
        .ok();
    let mut name = |field: &str, value: Option<&str>| {
        PersonName::parse_optional(value)
            .map_err(|e| errors.push(FieldError::new(field, e.code(), format!("{field}: {e}"))))
            .ok()
            .flatten()
    };
    let first_name = name("first_name", input.first_name.as_deref());
    let last_name = name("last_name", input.last_name.as_deref());
    let department_id = catalog::resolve(conn, Kind::Department, org, input.department.as_deref())?
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let group_id = catalog::resolve(conn, Kind::Group, org, input.group.as_deref())?
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let wanted: BTreeSet<i64> = input.course_ids.iter().flatten().copied().collect();
    let found: BTreeSet<i64> = courses::table
        .filter(courses::organization_id.eq(org))
        .filter(courses::id.eq_any(wanted.iter().copied().collect::<Vec<_>>()))
        .select(courses::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let missing: Vec<String> = wanted.difference(&found).map(i64::to_string).collect();
    if !missing.is_empty() {
        errors.push(FieldError::new(
            "course_ids",
            "not_found",
            format!(
                "No course with id {} in this organization.",
                missing.join(", ")
            ),
        ));
    }
    Ok(match (email, role, errors.is_empty()) {
        (Some(email), Some(role), true) => Ok(ValidInvitation {
            email,
            role,
            department_id,
            group_id,
            first_name,
            last_name,
            course_ids: found.into_iter().collect(),
        }),
        _ => Err(errors),
    })
}

pub fn already_member_error(email: &str) -> ApiError {
    ApiError::conflict(
        "already_a_member",
        format!("{email} is already a member of this organization."),
    )
}

pub fn already_pending_error(email: &str, invitation_id: i64) -> ApiError {
    ApiError::conflict(
        "invitation_already_pending",
        format!("{email} already has a pending invitation. Resend it instead."),
    )
    .with_invitation(invitation_id)
}

/// Refuses the address when it belongs to a member of the organization.
pub fn refuse_member(
    conn: &mut DbConnection,
    org: i64,
    folded: &str,
    email: &str,
) -> ApiResult<()> {
    let member: Option<i64> = users::table
        .filter(users::organization_id.eq(org))
        .filter(users::email_folded.eq(folded))
        .select(users::id)
        .first(conn)
        .optional()?;
    match member {
        Some(_) => Err(already_member_error(email)),
        None => Ok(()),
    }
}

/// The conflict for an address whose pending invitation another write just made: it points
/// at that invitation.
pub fn pending_conflict(
    conn: &mut DbConnection,
    org: i64,
    folded: &str,
    email: &str,
) -> ApiResult<ApiError> {
    let existing: i64 = invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::email_folded.eq(folded))
        .filter(invitations::status.eq("pending"))
        .select(invitations::id)
        .first(conn)?;
    Ok(already_pending_error(email, existing))
}

/// Refuses an address that belongs to a member or has a live pending invitation. A pending
/// invitation that has lapsed is recorded as expired, so it stays as history and the new one
/// can take its place.
pub fn check_conflicts(
    conn: &mut DbConnection,
    org: i64,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    refuse_member(conn, org, email.folded(), email.as_str())?;
    let pending: Option<(i64, chrono::NaiveDateTime)> = invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::email_folded.eq(email.folded()))
        .filter(invitations::status.eq("pending"))
        .select((invitations::id, invitations::expires_at))
        .first(conn)
        .optional()?;
    if let Some((id, expires_at)) = pending {
        if expires_at.and_utc() > now {
            return Err(already_pending_error(email.as_str(), id));
        }
        diesel::update(invitations::table.find(id))
            .set((
                invitations::status.eq("expired"),
                invitations::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The organization's invitation lifetime.
pub fn organization_ttl(conn: &mut DbConnection, org: i64) -> ApiResult<InvitationTtl> {
    let days: i32 = organizations::table
        .find(org)
        .select(organizations::invitation_ttl_days)
        .first(conn)?;
    Ok(InvitationTtl::from_days(i64::from(days)).unwrap_or_default())
}

/// Who sends, for whom, and when.
pub struct SendContext<'a> {
    pub organization_id: i64,
    pub inviter_id: i64,
    pub secret: &'a str,
    pub now: DateTime<Utc>,
    pub ttl: InvitationTtl,
}

/// Writes the invitation, its courses and its email job. The caller owns the transaction
/// and has checked conflicts; a concurrent duplicate still fails on the unique index.
pub fn insert(
    conn: &mut DbConnection,
    ctx: &SendContext<'_>,
    valid: &ValidInvitation,
) -> ApiResult<i64> {
    let token = new_link_token();
    let now = to_db(ctx.now);
    // A savepoint, so a unique violation leaves the outer transaction usable on PostgreSQL.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(invitations::table)
            .values((
                invitations::organization_id.eq(ctx.organization_id),
                invitations::email.eq(valid.email.as_str()),
                invitations::email_folded.eq(valid.email.folded()),
                invitations::role.eq(valid.role.as_str()),
                invitations::department_id.eq(valid.department_id),
                invitations::group_id.eq(valid.group_id),
                invitations::first_name.eq(valid.first_name.as_ref().map(PersonName::as_str)),
                invitations::last_name.eq(valid.last_name.as_ref().map(PersonName::as_str)),
                invitations::token_hash.eq(hash_token(&token)),
                invitations::status.eq("pending"),
                invitations::expires_at.eq(to_db(ctx.ttl.expiry_from(ctx.now))),
                invitations::invited_by.eq(ctx.inviter_id),
                invitations::sent_at.eq(now),
                invitations::send_count.eq(1),
                invitations::created_at.eq(now),
                invitations::updated_at.eq(now),
            ))
            .returning(invitations::id)
            .get_result::<i64>(conn)
    });
    let id = match inserted {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(pending_conflict(
                conn,
                ctx.organization_id,
                valid.email.folded(),
                valid.email.as_str(),
            )?);
        }
        Err(e) => return Err(e.into()),
    };
    for course_id in &valid.course_ids {
        diesel::insert_into(invitation_courses::table)
            .values((
                invitation_courses::invitation_id.eq(id),
                invitation_courses::course_id.eq(course_id),
            ))
            .execute(conn)?;
    }
    enqueue_invitation_email(
        conn,
        ctx.organization_id,
        id,
        valid.email.as_str(),
        &token,
        ctx.secret,
        ctx.now,
    )?;
    Ok(id)
}

#[utoipa::path(post, path = "/api/v1/invitations", tag = "Invitations", request_body = SendInvitation,
    responses(
        (status = 201, description = "Invitation created and its email queued", body = Invitation),
        (status = 409, description = "`invitation_already_pending` (with `invitation_id`) or `already_a_member`", body = ErrorBody),
        (status = 422, description = "Field errors, with suggestions for near department / group names", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send_invitation(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<SendInvitation>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let (org, inviter) = (admin.organization_id, admin.user_id);
    let secret = state.settings.jwt_secret.clone();
    let now = Utc::now();
    let invitation = state
        .db(move |conn| {
            let id = write_transaction(conn, |conn| {
                let valid = validate(conn, org, &input)?.map_err(ApiError::validation)?;
                check_conflicts(conn, org, &valid.email, now)?;
                let ctx = SendContext {
                    organization_id: org,
                    inviter_id: inviter,
                    secret: secret.expose(),
                    now,
                    ttl: organization_ttl(conn, org)?,
                };
                insert(conn, &ctx, &valid)
            })?;
            load_one(conn, org, id, now)
        })
        .await?;
    state.wakeup.notify();
    state.counts.forget(org);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/invitations/{}", invitation.id),
        ))
        .json(invitation))
}
