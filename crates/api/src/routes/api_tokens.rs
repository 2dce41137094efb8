//! Long-lived tokens for integrators: the secret is shown once at creation, stored hashed,
//! and revocable. A token acts as the admin who created it.

use crate::auth::Admin;
use crate::db::from_db;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::api_tokens::{self, ApiTokenRow, TokenInput};
use utoipa::ToSchema;
use validator::Validate;

/// An API token as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    #[schema(example = "HR sync")]
    pub name: String,
    /// The first characters of the secret, to recognise it.
    #[schema(example = "sst_AbCd")]
    pub prefix: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    /// When the token was last used (recorded at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// After this the token no longer works; null: it does not expire.
    pub expires_at: Option<DateTime<Utc>>,
    /// A read-only token may only read (GET); anything else answers 403 `read_only_token`.
    pub read_only: bool,
}

/// A newly created token, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiToken {
    #[serde(flatten)]
    pub info: ApiToken,
    /// The secret: use as `Authorization: Bearer <token>`. It cannot be shown again.
    pub token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateApiToken {
    #[validate(length(min = 1, max = 100, message = "Name must be 1 to 100 characters."))]
    #[schema(
        example = "HR sync",
        min_length = 1,
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([\s\S]{0,98}[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub name: String,
    /// Days until the token stops working, 1 to 730; leave out for a token that does not
    /// expire.
    #[validate(range(min = 1, max = 730, message = "Expiry must be 1 to 730 days."))]
    #[schema(minimum = 1, maximum = 730)]
    #[serde(default, deserialize_with = "crate::routes::json_int::option")]
    pub expires_in_days: Option<i64>,
    /// Only reads (GET) are allowed with it. Default false.
    #[serde(default)]
    pub read_only: bool,
}

fn token(row: ApiTokenRow) -> ApiToken {
    ApiToken {
        id: row.id,
        name: row.name,
        prefix: row.token_prefix,
        created_by: row.user_id,
        created_at: from_db(row.created_at),
        last_used_at: row.last_used_at.map(from_db),
        revoked_at: row.revoked_at.map(from_db),
        expires_at: row.expires_at.map(from_db),
        read_only: row.read_only,
    }
}

#[utoipa::path(get, path = "/api/v1/api-tokens", tag = "API tokens",
    responses((status = 200, body = [ApiToken]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_api_tokens(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    let rows = state
        .db(move |conn| Ok(api_tokens::list(conn, &ctx)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(token).collect::<Vec<_>>()))
}

#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "API tokens", request_body = CreateApiToken,
    responses((status = 201, body = CreatedApiToken), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_api_token(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<CreateApiToken>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let name = body.name.trim().to_string();
    let (expires_in_days, read_only) = (body.expires_in_days, body.read_only);
    CreateApiToken {
        name: name.clone(),
        expires_in_days,
        read_only,
    }
    .validate()?;
    let ctx = admin.ctx(&state);
    let input = TokenInput {
        name,
        expires_in_days,
        read_only,
    };
    let (row, secret) = state
        .db(move |conn| Ok(api_tokens::create(conn, &ctx, &input)?))
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiToken {
        info: token(row),
        token: secret,
    }))
}

/// Revokes the token: it stops working at once and stays listed as revoked.
#[utoipa::path(delete, path = "/api/v1/api-tokens/{id}", tag = "API tokens", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_api_token(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (ctx, id) = (admin.ctx(&state), id.into_inner());
    state
        .db(move |conn| Ok(api_tokens::revoke(conn, &ctx, id)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/api-tokens")
            .get(list_api_tokens)
            .post(create_api_token),
    )
    .route(
        "/api/v1/api-tokens/{id}",
        web::delete().to(revoke_api_token),
    );
}
