//! Resend or cancel every invitation a filter matches: count first with `dry_run`, then act;
//! each skipped invitation comes back with its reason. `Idempotency-Key` makes a retry safe.

use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::imports::batch::idempotency_key;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use skillstream_app::invitations::{self, BulkAction, BulkFilter, BulkOutcome, Idempotency};
use utoipa::ToSchema;

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
            let idempotency = key.as_deref().map(|key| Idempotency {
                key,
                request_hash: &request_hash,
            });
            Ok(invitations::bulk(
                conn,
                &ctx,
                body.action,
                &body.filter,
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
