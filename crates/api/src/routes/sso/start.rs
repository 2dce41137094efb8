//! The way out to the identity provider: a sign-in request (state, nonce, PKCE verifier, and a
//! key kept in this browser's cookie) is stored, and the answer is the URL to send the browser
//! to. Two doors lead there: an invitation link, and the sign-in page.

use super::settings::{redirect_uri, StoredProvider};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::oidc::{pkce, AuthorizationRequest, OidcError};
use crate::routes::public::lookup::{checked_token_hash, usable_invitation};
use crate::state::AppState;
use crate::tokens::{hash_token, random_token};
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use skillstream_domain::email::fold;
use utoipa::ToSchema;

/// The cookie binding a sign-in to the browser that started it.
pub const BROWSER_KEY_COOKIE: &str = "skillstream_sso";
const REQUEST_TTL_MINUTES: i64 = 10;

#[derive(Debug, Serialize, ToSchema)]
pub struct SsoRedirect {
    /// Send the browser here; the identity provider returns it to `/sso/callback`.
    pub authorization_url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StartSsoSignIn {
    #[schema(
        example = "ada@example.com",
        required = true,
        nullable = false,
        min_length = 1,
        pattern = r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub email: Option<String>,
    /// Only needed when one address belongs to members of several organizations.
    #[serde(default, deserialize_with = "crate::routes::json_int::option")]
    pub organization_id: Option<i64>,
}

/// What the sign-in request is for: accepting an invitation, or signing in to an
/// organization (the member is found when the provider says who signed in).
enum Purpose {
    Invitation(String),
    Organization,
}

pub fn not_configured() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        crate::error::ErrorCode::SsoNotConfigured,
        "Your organization has not set up single sign-on.",
    )
}

pub fn provider_error(error: OidcError) -> ApiError {
    tracing::warn!(%error, "identity provider unavailable");
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        crate::error::ErrorCode::SsoProviderUnavailable,
        "The identity provider could not be reached. Try again in a moment, or ask your administrator.",
    )
}

#[utoipa::path(post, path = "/api/v1/public/invitations/{token}/sso", tag = "Accept an invitation",
    params(("token" = String, Path, description = "The token from the link in the email")),
    responses(
        (status = 200, description = "Where to send the browser; sets the `skillstream_sso` cookie", body = SsoRedirect),
        (status = 404, description = "`invitation_not_found`", body = ErrorBody),
        (status = 409, description = "`sso_not_configured`", body = ErrorBody),
        (status = 410, description = "The link is no longer usable", body = ErrorBody),
        (status = 502, description = "`sso_provider_unavailable`", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn start_invitation_sso(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let hash = checked_token_hash(&state, &req, &token).await?;
    let probe = hash.clone();
    let (org, email, provider) = state
        .db(move |conn| {
            let row = usable_invitation(conn, &probe, Utc::now())?;
            let provider = skillstream_app::sso::provider(conn, row.organization_id)?;
            Ok((row.organization_id.get(), row.email, provider))
        })
        .await?;
    let provider = provider.ok_or_else(not_configured)?;
    redirect(&state, org, provider, Purpose::Invitation(hash), &email).await
}

#[utoipa::path(post, path = "/api/v1/auth/sso", tag = "Auth", request_body = StartSsoSignIn,
    responses(
        (status = 200, description = "Where to send the browser; sets the `skillstream_sso` cookie. The same answer for every address at a domain whose organization signs in through an identity provider, member or not: who is a member is decided after the provider has said who signed in", body = SsoRedirect),
        (status = 422, description = "`sso_unavailable`: no organization with single sign-on has members at this address's domain; `organization_required` when several have", body = ErrorBody),
        (status = 502, description = "`sso_provider_unavailable`", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn start_sign_in_sso(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<StartSsoSignIn>,
) -> ApiResult<HttpResponse> {
    crate::rate_limit::check_sign_in(&state, &req).await?;
    let body = body.into_inner();
    let email = body.email.as_deref().map(str::trim).unwrap_or_default();
    if email.is_empty() {
        return Err(ApiError::field("email", "required", "Email is required."));
    }
    let unavailable = || {
        ApiError::field(
            "email",
            "sso_unavailable",
            "Single sign-on is not available for this address. Sign in with your password.",
        )
    };
    let folded = fold(email);
    let domain = email_domain(&folded).ok_or_else(unavailable)?;
    let org_filter = body.organization_id;
    let candidates = state
        .db(move |conn| sso_organizations(conn, &domain, org_filter))
        .await?;
    let (org, provider) = match candidates.len() {
        0 => return Err(unavailable()),
        1 => candidates.into_iter().next().ok_or_else(unavailable)?,
        _ => {
            return Err(ApiError::field(
                "organization_id",
                "organization_required",
                "Several organizations sign in with this address's domain: say which one to sign in to.",
            ))
        }
    };
    redirect(&state, org, provider, Purpose::Organization, email).await
}

/// The domain of a folded address, when it is a plain host name (letters, digits, dots and
/// hyphens), which is safe inside a LIKE pattern.
fn email_domain(folded: &str) -> Option<String> {
    let (_, domain) = folded.rsplit_once('@')?;
    let plain = !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    plain.then(|| domain.to_string())
}

/// Organizations with an identity provider that have active members at `domain`. The answer
/// depends on the domain only, never on whether this exact address is a member.
fn sso_organizations(
    conn: &mut DbConnection,
    domain: &str,
    org_filter: Option<i64>,
) -> ApiResult<Vec<(i64, StoredProvider)>> {
    Ok(skillstream_app::sso::organizations_at_domain(
        conn, domain, org_filter,
    )?)
}

async fn redirect(
    state: &AppState,
    org: i64,
    stored: StoredProvider,
    purpose: Purpose,
    email: &str,
) -> ApiResult<HttpResponse> {
    let provider = state
        .oidc
        .provider(&stored.issuer)
        .await
        .map_err(provider_error)?;
    let sign_in_state = random_token(32);
    let nonce = random_token(32);
    let browser_key = random_token(32);
    let (verifier, challenge) = pkce();
    let redirect_uri = redirect_uri(state);
    let url = provider
        .authorization_url(&AuthorizationRequest {
            client_id: &stored.client_id,
            redirect_uri: &redirect_uri,
            state: &sign_in_state,
            nonce: &nonce,
            code_challenge: &challenge,
            login_hint: Some(email),
        })
        .map_err(provider_error)?;
    let invitation = match purpose {
        Purpose::Invitation(hash) => Some(hash),
        Purpose::Organization => None,
    };
    let (state_hash, key_hash) = (hash_token(&sign_in_state), hash_token(&browser_key));
    state
        .db(move |conn| {
            // Requests nobody came back for are cleared by the scheduler's hourly sweep.
            let now = Utc::now();
            let request = skillstream_app::sso::NewRequest {
                state_hash,
                organization_id: org,
                invitation_token_hash: invitation,
                browser_key_hash: key_hash,
                nonce,
                code_verifier: verifier,
                expires_at: now + Duration::minutes(REQUEST_TTL_MINUTES),
            };
            Ok(skillstream_app::sso::record_request(conn, request, now)?)
        })
        .await?;
    let secure = state.settings.public_url.starts_with("https://");
    Ok(HttpResponse::Ok()
        .cookie(
            Cookie::build(BROWSER_KEY_COOKIE, browser_key)
                .path("/api/v1/auth/sso")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure)
                .max_age(time::Duration::minutes(REQUEST_TTL_MINUTES))
                .finish(),
        )
        .insert_header(("Cache-Control", "no-store"))
        .json(SsoRedirect {
            authorization_url: url,
        }))
}
