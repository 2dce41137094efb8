//! Back from the identity provider. The sign-in request is taken (it works once, from the
//! browser that started it, for ten minutes), the code is exchanged, and the ID token is
//! checked. Then either the invitation is accepted, with names left empty taken from the
//! claims, or the member is signed in.

use super::settings::{secret_key, stored_provider};
use super::start::{not_configured, provider_error, BROWSER_KEY_COOKIE};
use crate::auth::session::SignInMethod;
use crate::db::{from_db, write_transaction, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::oidc::{Client, IdClaims, OidcError};
use crate::routes::login::{session_response, start_session};
use crate::routes::public::lookup::usable_invitation;
use crate::state::AppState;
use crate::tokens::{constant_time_eq, hash_token, unseal};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use skillstream_app::invitations::{accept_in, Acceptance};
use skillstream_domain::email::fold;
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

use crate::db::sso::SignInRequest;

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
        .db(move |conn| take_request(conn, &state_hash, &browser_key))
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

/// Checks, then consumes: the request is deleted only when the callback comes from the
/// browser that started it and in time, so an attacker's callback with a stolen `state` cannot
/// cancel the real sign-in. Reads and deletes in one transaction: of two genuine callbacks
/// with one state, only the one that deletes the row goes on.
fn take_request(
    conn: &mut DbConnection,
    state_hash: &str,
    browser_key_hash: &str,
) -> ApiResult<Option<SignInRequest>> {
    write_transaction(conn, |conn| {
        let row = crate::db::sso::request_by_state(conn, state_hash)?;
        let Some(row) = row else {
            return Ok(None);
        };
        if !constant_time_eq(browser_key_hash.as_bytes(), row.browser_key_hash.as_bytes())
            || from_db(row.expires_at) < Utc::now()
        {
            return Ok(None);
        }
        let deleted = crate::db::sso::delete_request(conn, row.id)?;
        Ok(deleted.then_some(row))
    })
}

async fn verified_claims(
    state: &AppState,
    request: &SignInRequest,
    code: &str,
) -> ApiResult<IdClaims> {
    let org = request.organization_id;
    let stored = state
        .db(move |conn| stored_provider(conn, org))
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
    };
    let ctx = skillstream_app::Ctx::invitee().with_request_id(request_id);
    state
        .db(move |conn| {
            write_transaction(conn, |conn| {
                let ctx = ctx.at(Utc::now());
                let invitation = usable_invitation(conn, &token_hash, ctx.now)?;
                if fold(&email) != invitation.email_folded {
                    return Err(refused(
                        crate::error::ErrorCode::SsoEmailMismatch,
                        format!(
                            "You signed in to your identity provider as {email}, but this invitation is for {}. Sign in there as {} and try again.",
                            invitation.email, invitation.email
                        ),
                    ));
                }
                let (user_id, org) = accept_in(conn, &ctx, &token_hash, &acceptance)?;
                Ok((user_id.get(), org.get()))
            })
        })
        .await
}

/// A sign-in started from the sign-in page: the member is found by the subject they signed in
/// as before, or, the first time, by their verified address.
async fn sign_in_organization_member(
    state: &AppState,
    org: i64,
    email: String,
    claims: IdClaims,
) -> ApiResult<(i64, i64)> {
    let (sub, folded) = (claims.sub.clone(), fold(&email));
    let member: Option<i64> = state
        .db(move |conn| {
            Ok(crate::db::sso::member_for_sign_in(
                conn, org, &sub, &folded,
            )?)
        })
        .await?;
    let Some(user_id) = member else {
        return Err(refused(
            crate::error::ErrorCode::SsoNotAMember,
            format!("You signed in to your identity provider as {email}, but no active member of this organization has that address. Ask your administrator for an invitation."),
        ));
    };
    sign_in_member(state, user_id, email, claims).await
}

async fn sign_in_member(
    state: &AppState,
    user_id: i64,
    email: String,
    claims: IdClaims,
) -> ApiResult<(i64, i64)> {
    state
        .db(move |conn| {
            write_transaction(conn, |conn| {
                let member = crate::db::sso::active_identity(conn, user_id)?;
                let Some((org, folded, subject)) = member else {
                    return Err(ApiError::unauthorized("The account is not active."));
                };
                match subject {
                    Some(subject) if subject != claims.sub => {
                        return Err(refused(
                            crate::error::ErrorCode::SsoIdentityMismatch,
                            "You signed in to your identity provider as someone else than the member of this account.",
                        ))
                    }
                    Some(_) => {}
                    None if fold(&email) == folded => {
                        crate::db::sso::set_subject(conn, user_id, &claims.sub)?;
                    }
                    None => {
                        return Err(refused(
                            crate::error::ErrorCode::SsoEmailMismatch,
                            format!("You signed in to your identity provider as {email}, which is not the address of this account."),
                        ))
                    }
                }
                Ok((user_id, org))
            })
        })
        .await
}
