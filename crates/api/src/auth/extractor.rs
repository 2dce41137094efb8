use crate::db::{from_db, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tokens::{hash_token, API_TOKEN_PREFIX};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::{Duration, Utc};
use skillstream_domain::Role;
use std::future::Future;
use std::pin::Pin;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Session,
    ApiToken(i64),
}

/// A signed-in, active member. Every request re-reads the member, so a removed or suspended
/// account loses access at once, whatever its token says.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub organization_id: i64,
    pub role: Role,
    pub email: String,
    pub credential: Credential,
    /// The hash of the session id, for a session credential (sign-out revokes it).
    pub session_hash: Option<String>,
    /// The name of the API token the caller presented.
    pub token_name: Option<String>,
    /// The request's `X-Request-Id`, for the events it causes.
    pub request_id: Option<String>,
}

impl Caller {
    /// The context of the use cases this caller runs: actor, organization, request, now.
    pub fn ctx(&self, state: &AppState) -> skillstream_app::Ctx {
        use skillstream_domain::{MemberId, OrganizationId};
        let (org, member) = (OrganizationId(self.organization_id), MemberId(self.user_id));
        let ctx = match self.credential {
            Credential::Session => skillstream_app::Ctx::member(org, member, self.email.clone()),
            Credential::ApiToken(id) => skillstream_app::Ctx::api_token(
                org,
                member,
                id,
                self.token_name
                    .clone()
                    .unwrap_or_else(|| format!("API token {id}")),
            ),
        };
        ctx.with_request_id(self.request_id.clone())
            .with_seal_secret(state.settings.jwt_secret.expose())
    }
}

/// A caller who is an admin of their organization; anyone else gets 403.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

impl std::ops::Deref for Admin {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.0
    }
}

/// The token of an `Authorization: Bearer …` header (the scheme in any case).
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A credential whose signature or shape is checked, not yet looked up in the database.
#[derive(Debug, Clone)]
enum Presented {
    Session {
        user_id: i64,
        organization_id: i64,
        session_hash: String,
    },
    ApiToken {
        hash: String,
        /// GET, HEAD or OPTIONS: what a read-only token may do.
        safe_method: bool,
    },
}

fn invalid() -> ApiError {
    ApiError::unauthorized("Your session is not valid or has expired. Sign in again.")
}

/// Reads the credential of a request: a bearer token, else the session cookie. A JWT's
/// signature and expiry are checked here; nothing touches the database yet.
fn presented(req: &HttpRequest) -> ApiResult<(web::Data<AppState>, Presented)> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
    let (token, from_cookie) = match bearer(req) {
        Some(token) => (token, false),
        None => (
            super::cookie::session_cookie(req)
                .ok_or_else(|| ApiError::unauthorized("Sign in to continue."))?,
            true,
        ),
    };
    let presented = if token.starts_with(API_TOKEN_PREFIX) && !from_cookie {
        Presented::ApiToken {
            hash: hash_token(&token),
            safe_method: matches!(
                *req.method(),
                actix_web::http::Method::GET
                    | actix_web::http::Method::HEAD
                    | actix_web::http::Method::OPTIONS
            ),
        }
    } else {
        let claims = state.jwt.verify(&token).ok_or_else(invalid)?;
        if from_cookie {
            let expected = super::session::csrf_token(&state.settings.jwt_secret, &claims.sid);
            super::cookie::check_csrf(req, &expected)?;
        }
        Presented::Session {
            user_id: claims.sub.parse().map_err(|_| invalid())?,
            organization_id: claims.org,
            session_hash: hash_token(&claims.sid),
        }
    };
    Ok((state, presented))
}

/// The active member behind a credential, re-read on every request.
fn look_up(conn: &mut DbConnection, presented: &Presented) -> ApiResult<Caller> {
    match presented {
        Presented::ApiToken { hash, safe_method } => caller_by_api_token(conn, hash, *safe_method),
        Presented::Session {
            user_id,
            organization_id,
            session_hash,
        } => caller_by_session(conn, *user_id, *organization_id, session_hash),
    }?
    .ok_or_else(invalid)
}

async fn authenticate(req: HttpRequest) -> ApiResult<Caller> {
    let (state, presented) = presented(&req)?;
    let mut caller = state.db(move |conn| look_up(conn, &presented)).await?;
    caller.request_id = crate::request_id::of(&req);
    Ok(caller)
}

fn admin_only(caller: Caller) -> ApiResult<Admin> {
    if caller.role == Role::Admin {
        Ok(Admin(caller))
    } else {
        Err(ApiError::forbidden())
    }
}

/// An admin request whose member is re-read inside the handler's own database work
/// ([`AdminRequest::db`]) rather than before it: the check and the work share one pooled
/// connection and one trip to the blocking pool. The answers are the same as [`Admin`]'s
/// (401 for a bad or stale credential, 403 for a non-admin), given before the work runs.
/// For the busiest read paths.
pub struct AdminRequest {
    state: web::Data<AppState>,
    presented: Presented,
}

impl AdminRequest {
    /// Checks the caller, then runs `f` on the same connection.
    pub async fn db<T, F>(self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&Admin, &mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let presented = self.presented;
        self.state
            .db(move |conn| {
                let admin = admin_only(look_up(conn, &presented)?)?;
                f(&admin, conn)
            })
            .await
    }
}

impl FromRequest for AdminRequest {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(presented(req).map(|(state, presented)| Self { state, presented }))
    }
}

/// The member behind a live session: not revoked, not expired, still active.
fn caller_by_session(
    conn: &mut DbConnection,
    user_id: i64,
    organization_id: i64,
    session_hash: &str,
) -> ApiResult<Option<Caller>> {
    let row =
        crate::db::sessions::live_member(conn, session_hash, user_id, organization_id, Utc::now())?;
    Ok(row.map(|(role, email)| Caller {
        session_hash: Some(session_hash.to_string()),
        ..caller(user_id, organization_id, role, email, Credential::Session)
    }))
}

fn caller(
    user_id: i64,
    organization_id: i64,
    role: Role,
    email: String,
    credential: Credential,
) -> Caller {
    Caller {
        user_id,
        organization_id,
        role,
        email,
        credential,
        session_hash: None,
        token_name: None,
        request_id: None,
    }
}

/// The caller behind an API token: the active member who created it.
fn caller_by_api_token(
    conn: &mut DbConnection,
    hash: &str,
    safe_method: bool,
) -> ApiResult<Option<Caller>> {
    let now = Utc::now();
    let Some(token) = crate::db::api_tokens::live_by_hash(conn, hash, now)? else {
        return Ok(None);
    };
    if token.read_only && !safe_method {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            crate::error::ErrorCode::ReadOnlyToken,
            "This API token is read-only: it can read, not change anything.",
        ));
    }
    // Record use at most once a minute: a write per request would serialise SQLite.
    if token
        .last_used_at
        .is_none_or(|at| now - from_db(at) > Duration::minutes(1))
    {
        crate::db::api_tokens::touch(conn, token.id, now)?;
    }
    let member = crate::db::api_tokens::active_member(conn, token.user_id, token.organization_id)?;
    Ok(member.map(|(role, email)| Caller {
        token_name: Some(token.name),
        ..caller(
            token.user_id,
            token.organization_id,
            role,
            email,
            Credential::ApiToken(token.id),
        )
    }))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { admin_only(authenticate(req).await?) })
    }
}
