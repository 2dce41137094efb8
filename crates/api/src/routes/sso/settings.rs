//! Admin → Settings → Single sign-on: the organization's OpenID Connect provider. The client
//! secret is write-only: stored sealed, never returned. Saving checks discovery, so a typo in
//! the issuer is caught before anyone is sent there.

use crate::auth::Admin;

use crate::error::{ApiError, ApiResult, ErrorBody, FieldError};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use skillstream_domain::OrganizationId;
use utoipa::ToSchema;

/// The organization's single sign-on settings, as admins see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct SsoSettings {
    /// Whether an identity provider is set up.
    pub configured: bool,
    #[schema(example = "https://login.example.com")]
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Whether a client secret is stored. The secret itself is never returned.
    pub client_secret_set: bool,
    /// Invitees accept, and members sign in, only through the identity provider.
    pub enforced: bool,
    /// The redirect URI to register with the identity provider.
    #[schema(example = "https://lms.example.com/sso/callback")]
    pub redirect_uri: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateSsoSettings {
    /// The OpenID Connect issuer; `/.well-known/openid-configuration` is read from it.
    #[schema(
        example = "https://login.example.com",
        required = true,
        nullable = false,
        min_length = 1,
        pattern = r"^https?://"
    )]
    pub issuer: Option<String>,
    /// At most 255 characters.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([\s\S]{0,253}[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub client_id: Option<String>,
    /// Required the first time; leave out to keep the stored secret.
    pub client_secret: Option<String>,
    /// Default false.
    #[serde(default)]
    pub enforced: bool,
}

pub use skillstream_app::sso::StoredProvider;

/// The key client secrets are sealed under: derived from the server secret, apart from the
/// one that seals link tokens.
pub fn secret_key(state: &AppState) -> String {
    format!(
        "{}\u{0}sso client secret",
        state.settings.jwt_secret.expose()
    )
}

pub fn redirect_uri(state: &AppState) -> String {
    format!("{}/sso/callback", state.settings.public_url)
}

fn view(state: &AppState, provider: Option<StoredProvider>, enforced: bool) -> SsoSettings {
    SsoSettings {
        configured: provider.is_some(),
        client_secret_set: provider.is_some(),
        issuer: provider.as_ref().map(|p| p.issuer.clone()),
        client_id: provider.map(|p| p.client_id),
        enforced,
        redirect_uri: redirect_uri(state),
    }
}

async fn load(state: &AppState, org: i64) -> ApiResult<(Option<StoredProvider>, bool)> {
    state
        .db(move |conn| {
            let enforced = skillstream_app::sso::enforced(conn, OrganizationId(org))?;
            Ok((
                skillstream_app::sso::provider(conn, OrganizationId(org))?,
                enforced,
            ))
        })
        .await
}

#[utoipa::path(get, path = "/api/v1/organization/sso", tag = "Single sign-on",
    responses((status = 200, body = SsoSettings), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_sso_settings(
    state: web::Data<AppState>,
    admin: Admin,
) -> ApiResult<web::Json<SsoSettings>> {
    let (provider, enforced) = load(&state, admin.organization_id).await?;
    Ok(web::Json(view(&state, provider, enforced)))
}

#[utoipa::path(put, path = "/api/v1/organization/sso", tag = "Single sign-on",
    request_body = UpdateSsoSettings,
    responses((status = 200, body = SsoSettings),
        (status = 422, description = "A field is missing or the issuer's OpenID configuration cannot be read (`sso_discovery_failed`)", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_sso_settings(
    state: web::Data<AppState>,
    admin: Admin,
    body: web::Json<UpdateSsoSettings>,
) -> ApiResult<web::Json<SsoSettings>> {
    let body = body.into_inner();
    let org = admin.organization_id;
    let existing = state
        .db(move |conn| Ok(skillstream_app::sso::provider(conn, OrganizationId(org))?))
        .await?;
    let mut errors = Vec::new();
    let issuer = match state
        .oidc
        .normalize_issuer(body.issuer.as_deref().unwrap_or_default())
    {
        Ok(issuer) => Some(issuer),
        Err(error) => {
            errors.push(FieldError::new("issuer", "invalid", error.to_string()));
            None
        }
    };
    let client_id = body.client_id.as_deref().map(str::trim).unwrap_or_default();
    if client_id.is_empty() || client_id.len() > 255 {
        errors.push(FieldError::new(
            "client_id",
            "required",
            "Client ID is required (at most 255 characters).",
        ));
    }
    let new_secret = body
        .client_secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if new_secret.is_some_and(|s| s.len() > 1000) {
        errors.push(FieldError::new(
            "client_secret",
            "too_long",
            "Client secret must be at most 1,000 characters.",
        ));
    }
    if new_secret.is_none() && existing.is_none() {
        errors.push(FieldError::new(
            "client_secret",
            "required",
            "Client secret is required.",
        ));
    }
    let Some(issuer) = issuer.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    state
        .oidc
        .discover(&issuer)
        .await
        .map_err(|error| ApiError::field("issuer", "sso_discovery_failed", error.to_string()))?;
    let sealed = match (new_secret, existing) {
        (Some(secret), _) => crate::tokens::seal(&secret_key(&state), secret),
        (None, Some(existing)) => existing.client_secret_sealed,
        (None, None) => {
            return Err(ApiError::field(
                "client_secret",
                "required",
                "Client secret is required.",
            ))
        }
    };
    let enforced = body.enforced;
    let saved = StoredProvider {
        issuer,
        client_id: client_id.to_string(),
        client_secret_sealed: sealed,
    };
    let ctx = admin.ctx(&state);
    let saved = state
        .db(move |conn| {
            skillstream_app::sso::save(conn, &ctx, &saved, enforced)?;
            Ok(saved)
        })
        .await?;
    tracing::info!(org, issuer = %saved.issuer, enforced, "single sign-on settings saved");
    Ok(web::Json(view(&state, Some(saved), enforced)))
}

#[utoipa::path(delete, path = "/api/v1/organization/sso", tag = "Single sign-on",
    responses((status = 204, description = "Single sign-on is off; members sign in with passwords"),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_sso_settings(
    state: web::Data<AppState>,
    admin: Admin,
) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    state
        .db(move |conn| Ok(skillstream_app::sso::remove(conn, &ctx)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
