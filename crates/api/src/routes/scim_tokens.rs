//! SCIM tokens (Admin → Organization → Provisioning): the bearer tokens an identity provider
//! (Okta, Microsoft Entra ID) calls `/scim/v2` with. Shown once, stored hashed, revocable; they
//! work on `/scim/v2` only, as API tokens and sessions work everywhere else but there.

use crate::auth::Admin;
use crate::db::from_db;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::scim_tokens::{self, ScimToken as ScimTokenRow};
use skillstream_app::AppError;
use utoipa::ToSchema;

/// A SCIM token as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScimToken {
    pub id: i64,
    #[schema(example = "Okta")]
    pub name: String,
    /// The first characters of the secret, to recognise it.
    #[schema(example = "scim_AbCd")]
    pub prefix: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// When the identity provider last called with it (recorded at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new token with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedScimToken {
    #[serde(flatten)]
    pub info: ScimToken,
    /// The secret: the identity provider's "API token" / "Secret token" for `/scim/v2`. It
    /// cannot be shown again.
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateScimToken {
    /// Which identity provider uses it, 1 to 100 characters.
    #[schema(example = "Okta", min_length = 1, max_length = 100)]
    pub name: String,
}

fn token(row: ScimTokenRow) -> ScimToken {
    ScimToken {
        id: row.id,
        name: row.name,
        prefix: row.token_prefix,
        created_by: row.created_by,
        created_at: from_db(row.created_at),
        last_used_at: row.last_used_at.map(from_db),
        revoked_at: row.revoked_at.map(from_db),
    }
}

#[utoipa::path(get, path = "/api/v1/scim-tokens", tag = "Provisioning",
    responses((status = 200, body = [ScimToken]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_scim_tokens(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    let rows = state
        .db(move |conn| Ok(scim_tokens::list(conn, &ctx)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(token).collect::<Vec<_>>()))
}

/// Creates a token; the answer carries its secret, shown this once.
#[utoipa::path(post, path = "/api/v1/scim-tokens", tag = "Provisioning", request_body = CreateScimToken,
    responses((status = 201, body = CreatedScimToken), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_scim_token(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<CreateScimToken>,
) -> ApiResult<HttpResponse> {
    let name = body.into_inner().name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field("name", "length", "Name must be 1 to 100 characters.").into());
    }
    let ctx = admin.ctx(&state);
    let (row, secret) = state
        .db(move |conn| Ok(scim_tokens::create(conn, &ctx, &name)?))
        .await?;
    Ok(HttpResponse::Created().json(CreatedScimToken {
        info: token(row),
        token: secret,
    }))
}

/// Revokes the token: the identity provider's next call is refused (401).
#[utoipa::path(delete, path = "/api/v1/scim-tokens/{id}", tag = "Provisioning", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_scim_token(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (ctx, id) = (admin.ctx(&state), id.into_inner());
    state
        .db(move |conn| Ok(scim_tokens::revoke(conn, &ctx, id)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/scim-tokens")
            .get(list_scim_tokens)
            .post(create_scim_token),
    )
    .route(
        "/api/v1/scim-tokens/{id}",
        web::delete().to(revoke_scim_token),
    );
}
