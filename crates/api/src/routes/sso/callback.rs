//! Back from the identity provider. The sign-in request is taken (it works once, from the
//! browser that started it, for ten minutes), the code is exchanged, and the ID token is
//! checked. Then either the invitation is accepted, with names left empty taken from the
//! claims, or the member is signed in.

use super::settings::secret_key;
use super::start::{not_configured, provider_error, BROWSER_KEY_COOKIE};
use crate::auth::session::SignInMethod;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::oidc::{Client, IdClaims, OidcError};
use crate::routes::login::{session_response, start_session};
use crate::state::AppState;
use crate::tokens::{hash_token, unseal};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use skillstream_app::invitations::{accept, Acceptance};
use skillstream_domain::PersonName;
use utoipa::ToSchema;

/// What the identity provider put in the callback URL's query.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SsoCallback {
    #[schema(required = true, nullable = false, min_length = 1)]
    pub state: Option<String>,
    pub code: Option<String>,
    /// Set instead of `code` when the provider refused or the person cancelled.
    pub error: Option<String>,
}

use skillstream_app::sso::SignInRequest;

fn state_invalid() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        crate::error::ErrorCode::SsoStateInvalid,
        "This sign-in has expired, was already used, or was started in another browser. Start again.",
    )
}

fn refused(code: crate::error::ErrorCode, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, message)
}

#[utoipa::path(post, path = "/api/v1/auth/sso/callback", tag = "Auth", request_body = SsoCallback,
    responses(
        (status = 200, description = "Signed in (and, for an invitation, accepted)", body = crate::routes::login::Session),
        (status = 400, description = "`sso_state_invalid`, `sso_cancelled` or `sso_code_refused`", body = ErrorBody),
        (status = 401, description = "`sso_token_invalid`: the ID token failed a check", body = ErrorBody),
        (status = 403, description = "`sso_email_unverified`, `sso_email_mismatch`, `sso_identity_mismatch` or `sso_not_a_member`; the invitation stays pending", body = ErrorBody),
        (status = 410, description = "The invitation is no longer usable", body = ErrorBody),
        (status = 502, description = "`sso_provider_unavailable`", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn sso_callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SsoCallback>,
) -> ApiResult<HttpResponse> {
    crate::rate_limit::check_sign_in(&state, &req).await?;
    let body = body.into_inner();
    let state_hash = hash_token(body.state.as_deref().unwrap_or_default());
    let browser_key = req
        .cookie(BROWSER_KEY_COOKIE)
        .map(|c| hash_token(c.value()))
        .unwrap_or_default();
    let request = state
        .db(move |conn| {
            Ok(skillstream_app::sso::take_request(
                conn,
                &state_hash,
                &browser_key,
                Utc::now(),
            )?)
        })
        .await?
        .ok_or_else(state_invalid)?;
    if body.error.is_some() {
        return Err(ApiError::of(
            crate::error::ErrorCode::SsoCancelled,
            "Signing in with the identity provider was cancelled or refused. Try again.",
        ));
    }
    let code = body.code.unwrap_or_default();
    let claims = verified_claims(&state, &request, &code).await?;
    let email = claims
        .email
        .as_deref()
        .filter(|_| claims.email_is_verified())
        .map(str::to_string)
        .ok_or_else(|| {
            refused(
                crate::error::ErrorCode::SsoEmailUnverified,
                "Your identity provider did not confirm a verified email address for you.",
            )
        })?;
    let (user_id, org) = match &request.invitation_token_hash {
        Some(hash) => {
            accept_invitation(
                &state,
                crate::request_id::of(&req),
                hash.clone(),
                email,
                claims,
            )
            .await?
        }
        None => sign_in_organization_member(&state, request.organization_id, email, claims).await?,
    };
    if request.invitation_token_hash.is_some() {
        state.counts.forget(org);
    }
    let session = start_session(&state, user_id, org, SignInMethod::Sso).await?;
    let mut response = session_response(&state, session);
    let mut expired = Cookie::build(BROWSER_KEY_COOKIE, "")
        .path("/api/v1/auth/sso")
        .finish();
    expired.make_removal();
    response.add_cookie(&expired).map_err(ApiError::internal)?;
    Ok(response)
}

async fn verified_claims(
    state: &AppState,
    request: &SignInRequest,
    code: &str,
) -> ApiResult<IdClaims> {
    let org = request.organization_id;
    let stored = state
        .db(move |conn| {
            Ok(skillstream_app::sso::provider(
                conn,
                skillstream_domain::OrganizationId(org),
            )?)
        })
        .await?
        .ok_or_else(not_configured)?;
    let secret = unseal(&secret_key(state), &stored.client_secret_sealed).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            crate::error::ErrorCode::SsoNotConfigured,
            "The single sign-on settings need their client secret entered again (the server secret changed).",
        )
    })?;
    let provider = state
        .oidc
        .provider(&stored.issuer)
        .await
        .map_err(provider_error)?;
    let client = Client {
        id: &stored.client_id,
        secret: &secret,
    };
    let redirect_uri = super::settings::redirect_uri(state);
    let token = state
        .oidc
        .exchange_code(
            &provider,
            &client,
            code,
            &redirect_uri,
            &request.code_verifier,
        )
        .await
        .map_err(|error| match error {
            OidcError::CodeRefused => ApiError::of(
                crate::error::ErrorCode::SsoCodeRefused,
                "The identity provider did not accept this sign-in. Start again.",
            ),
            OidcError::InvalidIdToken(_) => token_invalid(error),
            other => provider_error(other),
        })?;
    state
        .oidc
        .verify(provider, &token, &stored.client_id, &request.nonce)
        .await
        .map_err(|error| match error {
            OidcError::InvalidIdToken(_) => token_invalid(error),
            other => provider_error(other),
        })
}

fn token_invalid(error: OidcError) -> ApiError {
    tracing::warn!(%error, "ID token refused");
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        crate::error::ErrorCode::SsoTokenInvalid,
        format!("{error} Sign-in refused."),
    )
}

/// A claim as a name, when it is one (at most 100 characters, no control characters).
fn claim_name(value: Option<&str>) -> Option<String> {
    PersonName::parse_optional(value)
        .ok()
        .flatten()
        .map(PersonName::into_string)
}

async fn accept_invitation(
    state: &AppState,
    request_id: Option<String>,
    token_hash: String,
    email: String,
    claims: IdClaims,
) -> ApiResult<(i64, i64)> {
    let acceptance = Acceptance {
        password_hash: None,
        first_name: claim_name(claims.given_name.as_deref()),
        last_name: claim_name(claims.family_name.as_deref()),
        sso_subject: Some(claims.sub.clone()),
        verified_email: Some(email),
    };
    let ctx = skillstream_app::Ctx::invitee().with_request_id(request_id);
    state
        .db(move |conn| {
            let ctx = ctx.at(Utc::now());
            let (user_id, org) = accept(conn, &ctx, &token_hash, &acceptance)?;
            Ok((user_id.get(), org.get()))
        })
        .await
}

/// A sign-in started from the sign-in page (the `sso::sign_in` use case).
async fn sign_in_organization_member(
    state: &AppState,
    org: i64,
    email: String,
    claims: IdClaims,
) -> ApiResult<(i64, i64)> {
    state
        .db(move |conn| {
            Ok(skillstream_app::sso::sign_in(
                conn,
                org,
                &email,
                &claims.sub,
            )?)
        })
        .await
}
