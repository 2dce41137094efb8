//! Resend or cancel every invitation a filter matches: count first with `dry_run`, then act;
//! each skipped invitation comes back with its reason. `Idempotency-Key` makes a retry safe.

use crate::auth::Admin;
use crate::db::catalog::{self, Kind};
use crate::db::invitations::ListFilter;
use crate::db::{like_contains, to_db, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody, FieldError};
use crate::routes::imports::batch::idempotency_key;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::invitations::{self, BulkAction, BulkOutcome, Idempotency};
use skillstream_domain::{ImportId, InvitationId, InvitationStatus, OrganizationId};
use utoipa::ToSchema;

/// Which invitations: every filter given must match (none: all of the organization's).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkFilter {
    /// `scheduled`, `pending`, `expired`, `accepted` or `cancelled`.
    #[schema(example = "pending")]
    pub status: Option<String>,
    /// A department's exact name.
    pub department: Option<String>,
    /// A user group's exact name.
    pub group: Option<String>,
    pub import_id: Option<i64>,
    /// Text in the email address (case-insensitive).
    pub q: Option<String>,
    /// Last (re)sent before this instant (RFC 3339).
    #[schema(format = DateTime)]
    pub sent_before: Option<String>,
    /// Last (re)sent at or after this instant (RFC 3339).
    #[schema(format = DateTime)]
    pub sent_after: Option<String>,
    /// Only these invitations.
    pub ids: Option<Vec<i64>>,
}

/// Body of `POST /api/v1/invitations/bulk`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    pub action: BulkAction,
    #[serde(default)]
    pub filter: BulkFilter,
    /// Count what would happen, change nothing.
    #[serde(default)]
    pub dry_run: bool,
}

fn name_to_id(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
    field: &str,
    name: &str,
) -> ApiResult<Result<i64, FieldError>> {
    let entries = catalog::list(conn, kind, org)?;
    if let Some((id, _, _)) = entries.iter().find(|(_, n, _)| n == name.trim()) {
        return Ok(Ok(*id));
    }
    let suggestion = skillstream_domain::suggest(name, entries.iter().map(|(_, n, _)| n.as_str()));
    let mut message = format!("\"{name}\" does not exist.");
    if let Some(s) = suggestion {
        message.push_str(&format!(" Did you mean \"{s}\"?"));
    }
    Ok(Err(
        FieldError::new(field, "not_found", message).with_suggestion(suggestion)
    ))
}

fn instant(text: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            errors.push(FieldError::new(
                field,
                "invalid_time",
                format!("{field} must be an RFC 3339 instant such as 2026-12-01T00:00:00Z."),
            ))
        })
        .ok()
}

/// The store's filter of a request's, every problem reported at once.
fn list_filter(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &BulkFilter,
) -> ApiResult<ListFilter> {
    let mut errors = Vec::new();
    let status = filter
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let status = status.and_then(|raw| {
        InvitationStatus::parse(&raw.to_lowercase()).or_else(|| {
            errors.push(FieldError::new(
                "filter.status",
                "invalid_status",
                format!("Status \"{raw}\" is not valid. Use scheduled, pending, expired, accepted or cancelled."),
            ));
            None
        })
    });
    let mut resolve = |kind, field: &str, name: Option<&String>| -> ApiResult<Option<i64>> {
        match name.map(|n| n.trim()).filter(|n| !n.is_empty()) {
            None => Ok(None),
            Some(name) => Ok(name_to_id(conn, kind, org, field, name)?
                .map_err(|e| errors.push(e))
                .ok()),
        }
    };
    let department_id = resolve(
        Kind::Department,
        "filter.department",
        filter.department.as_ref(),
    )?;
    let group_id = resolve(Kind::Group, "filter.group", filter.group.as_ref())?;
    let sent_before = filter
        .sent_before
        .as_deref()
        .and_then(|t| instant(t, "filter.sent_before", &mut errors));
    let sent_after = filter
        .sent_after
        .as_deref()
        .and_then(|t| instant(t, "filter.sent_after", &mut errors));
    if let Some(ids) = &filter.ids {
        if ids.len() > invitations::MAX_BULK as usize {
            errors.push(FieldError::new(
                "filter.ids",
                "too_many",
                format!("At most {} ids at once.", invitations::MAX_BULK),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(ListFilter {
        status,
        pattern: filter
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| like_contains(&q.to_lowercase())),
        import_id: filter.import_id.map(ImportId),
        department_id,
        group_id,
        sent_before: sent_before.map(to_db),
        sent_after: sent_after.map(to_db),
        ids: filter
            .ids
            .as_ref()
            .map(|ids| ids.iter().copied().map(InvitationId).collect()),
    })
}

#[utoipa::path(post, path = "/api/v1/invitations/bulk", tag = "Invitations", request_body = BulkRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, pattern = r"^[\x21-\x7e]([\x20-\x7e]{0,198}[\x21-\x7e])?$",
        description = "1 to 200 visible ASCII characters: a retry with the same key and body answers the first outcome and changes nothing (kept 24 hours)")),
    responses(
        (status = 200, description = "What was done (or, with `dry_run`, would be): `matched`, `affected` and each `skipped` invitation with its reason", body = BulkOutcome),
        (status = 400, description = "`invalid_idempotency_key`", body = ErrorBody),
        (status = 409, description = "`idempotency_key_reused`: the key was used for a different request", body = ErrorBody),
        (status = 422, description = "A filter that cannot be read, or `bulk_limit_exceeded` (over 10,000 matched)", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn bulk_action(
    admin: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<BulkRequest>,
) -> ApiResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    let body = body.into_inner();
    // The request as sorted JSON: a retry with the same body has the same hash.
    let canonical = serde_json::to_value(&body)
        .map(|v| v.to_string())
        .unwrap_or_default();
    let request_hash = crate::tokens::hash_token(&canonical);
    let ctx = admin.ctx(&state);
    let org = ctx.org()?;
    let outcome = state
        .db(move |conn| {
            let filter = list_filter(conn, org, &body.filter)?;
            let idempotency = key.as_deref().map(|key| Idempotency {
                key,
                request_hash: &request_hash,
            });
            Ok(invitations::bulk(
                conn,
                &ctx,
                body.action,
                &filter,
                body.dry_run,
                idempotency,
            )?)
        })
        .await?;
    if !outcome.dry_run && outcome.affected > 0 {
        state.wakeup.notify();
        state.counts.forget(org.get());
    }
    Ok(HttpResponse::Ok().json(outcome))
}
