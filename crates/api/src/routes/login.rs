//! Sign-in with email and password.

use crate::auth::cookie::{clear_session, set_session};
use crate::auth::password::{burn_verification_time, verify_password};
use crate::auth::session::{self, SignInMethod};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::users::User;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use skillstream_domain::email::fold;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(
        example = "admin@example.com",
        required = true,
        nullable = false,
        min_length = 1,
        pattern = r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub email: Option<String>,
    #[schema(required = true, nullable = false, min_length = 1)]
    pub password: Option<String>,
    /// Only needed when one address belongs to members of several organizations.
    #[serde(default, deserialize_with = "crate::routes::json_int::option")]
    pub organization_id: Option<i64>,
}

/// A signed-in session: a bearer token and who it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub user: User,
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "Auth", request_body = LoginRequest,
    responses((status = 200, body = Session), (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 403, description = "`sso_required`: the organization enforces single sign-on", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody)))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let limits = state.settings.rate_limits;
    crate::rate_limit::check_sign_in(&state, &req).await?;
    let mut missing = Vec::new();
    let email = body
        .email
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let password = body.password.unwrap_or_default();
    if email.is_empty() {
        missing.push(crate::error::FieldError::new(
            "email",
            "required",
            "Email is required.",
        ));
    }
    if password.is_empty() {
        missing.push(crate::error::FieldError::new(
            "password",
            "required",
            "Password is required.",
        ));
    }
    if !missing.is_empty() {
        return Err(ApiError::validation(missing));
    }
    let org_filter = body.organization_id;
    let folded = fold(&email);
    // Wrong passwords are counted per address *and* client: a guesser is slowed down, but
    // cannot lock the real person out from where they sign in.
    let failures_key = format!("login-fail:{folded}:{}", crate::rate_limit::client_ip(&req));
    state
        .limiter
        .refuse_if_spent(&failures_key, limits.login_per_email)
        .await?;
    // Each candidate with whether their organization enforces single sign-on.
    let candidates = state
        .db(move |conn| {
            Ok(skillstream_app::members::sign_in_candidates(
                conn, &folded, org_filter,
            )?)
        })
        .await?;
    let matched = web::block(move || {
        // Every path does the work of one verification at least: an unknown address and a
        // member without a password (single sign-on only) answer as slowly as a wrong
        // password, so timing does not tell accounts apart.
        if !candidates.iter().any(|(_, _, hash, _)| hash.is_some()) {
            burn_verification_time(&password);
        }
        candidates
            .into_iter()
            .filter(|(_, _, hash, _)| {
                hash.as_deref()
                    .is_some_and(|h| verify_password(&password, h))
            })
            .map(|(id, org, _, enforced)| (id, org, enforced))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(ApiError::internal)?;
    let (user_id, org, enforced) = match matched.as_slice() {
        [one] => *one,
        [] => {
            // Counted only now, on a failure.
            let _ = state
                .limiter
                .check(&failures_key, limits.login_per_email)
                .await;
            return Err(ApiError::unauthorized(
                "The email or password is not correct.",
            ));
        }
        _ => {
            return Err(ApiError::field(
                "organization_id",
                "organization_required",
                "This email belongs to several organizations: say which one to sign in to.",
            ))
        }
    };
    // Only after the password matched, so the answer reveals nothing to a guesser.
    if enforced {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            crate::error::ErrorCode::SsoRequired,
            "Your organization signs in with single sign-on: use \"Continue with SSO\".",
        ));
    }
    let session = start_session(&state, user_id, org, SignInMethod::Password).await?;
    Ok(session_response(&state, session))
}

/// 200 with the session in the body (for API clients) and in cookies (for the browser).
pub fn session_response(state: &AppState, started: StartedSession) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    let secure = state.settings.public_url.starts_with("https://");
    let csrf = session::csrf_token(&state.settings.jwt_secret, &started.session_id);
    set_session(
        &mut response,
        &started.session.access_token,
        &csrf,
        started.session.expires_in,
        secure,
    );
    response.insert_header(("Cache-Control", "no-store"));
    response.json(started.session)
}

/// The session of the request (bearer token or cookie), if its token is genuine: the hash of
/// its id. Expired or revoked sessions are still named, so signing out twice is harmless.
fn presented_session(state: &AppState, req: &HttpRequest) -> Option<String> {
    let token =
        crate::auth::extractor::bearer(req).or_else(|| crate::auth::cookie::session_cookie(req))?;
    let claims = state.jwt.verify(&token)?;
    Some(crate::tokens::hash_token(&claims.sid))
}

/// Signs out: the session ends on the server (its token stops working everywhere it was
/// copied) and both cookies are cleared. API tokens are revoked through their endpoint.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "Auth",
    responses((status = 204, description = "Signed out; the session token no longer works")))]
pub async fn logout(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    if let Some(hash) = presented_session(&state, &req) {
        state
            .db(move |conn| session::revoke(conn, &hash, Utc::now()))
            .await?;
    }
    let mut response = HttpResponse::NoContent();
    clear_session(
        &mut response,
        state.settings.public_url.starts_with("https://"),
    );
    Ok(response.finish())
}

/// Signs the caller out of every session they have, on every device.
#[utoipa::path(post, path = "/api/v1/auth/logout-everywhere", tag = "Auth",
    responses((status = 204, description = "Every session of the caller has ended"),
        (status = 401, body = ErrorBody), (status = 403, description = "`csrf_failed`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let (org, user) = (caller.organization_id, caller.user_id);
    let ctx = caller.ctx(&state);
    let ended = state
        .db(move |conn| {
            Ok(skillstream_app::members::sign_out_everywhere(
                conn,
                &ctx,
                skillstream_domain::MemberId(user),
            )?)
        })
        .await?;
    tracing::info!(org, user, ended, "signed out everywhere");
    let mut response = HttpResponse::NoContent();
    clear_session(
        &mut response,
        state.settings.public_url.starts_with("https://"),
    );
    Ok(response.finish())
}

/// A session that has just started: what the client gets, and the id its CSRF token is
/// derived from.
pub struct StartedSession {
    pub session: Session,
    pub session_id: String,
}

/// Starts a server-side session for a member who has just proved who they are.
pub async fn start_session(
    state: &AppState,
    user_id: i64,
    organization_id: i64,
    method: SignInMethod,
) -> ApiResult<StartedSession> {
    let ttl = state.jwt.ttl();
    let (session_id, user) = state
        .db(move |conn| {
            let user = skillstream_app::members::view(conn, skillstream_domain::MemberId(user_id))?
                .map(User::from)
                .ok_or_else(|| ApiError::unauthorized("The account no longer exists."))?;
            let id = session::create(conn, user_id, organization_id, method, Utc::now(), ttl)?;
            Ok((id, user))
        })
        .await?;
    let (access_token, expires_in) = state
        .jwt
        .issue(user_id, organization_id, &session_id, Utc::now())
        .map_err(ApiError::internal)?;
    Ok(StartedSession {
        session: Session {
            access_token,
            token_type: "Bearer",
            expires_in,
            user,
        },
        session_id,
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/auth/login", web::post().to(login))
        .route("/api/v1/auth/logout", web::post().to(logout))
        .route(
            "/api/v1/auth/logout-everywhere",
            web::post().to(logout_everywhere),
        );
}
