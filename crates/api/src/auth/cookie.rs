//! The browser session: the SPA keeps no token in script-readable storage. Sign-in also sets
//! the session JWT as an `HttpOnly`, `SameSite=Strict` cookie (`Secure` over https), accepted
//! beside bearer tokens. State-changing requests authenticated by that cookie must echo the
//! `skillstream_csrf` cookie in an `X-CSRF-Token` header; its value is derived from the
//! session id (`session::csrf_token`), so a made-up cookie and header pair is refused.

use crate::error::ApiError;
use crate::tokens::constant_time_eq;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponseBuilder};

pub const SESSION_COOKIE: &str = "skillstream_session";
pub const CSRF_COOKIE: &str = "skillstream_csrf";
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// Adds the session and CSRF cookies to a sign-in response.
pub fn set_session(
    response: &mut HttpResponseBuilder,
    jwt: &str,
    csrf: &str,
    max_age_secs: i64,
    secure: bool,
) {
    let age = time::Duration::seconds(max_age_secs);
    response.cookie(
        Cookie::build(SESSION_COOKIE, jwt.to_string())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure)
            .max_age(age)
            .finish(),
    );
    response.cookie(
        Cookie::build(CSRF_COOKIE, csrf.to_string())
            .path("/")
            .http_only(false)
            .same_site(SameSite::Strict)
            .secure(secure)
            .max_age(age)
            .finish(),
    );
}

/// Expires both cookies.
pub fn clear_session(response: &mut HttpResponseBuilder, secure: bool) {
    for (name, http_only) in [(SESSION_COOKIE, true), (CSRF_COOKIE, false)] {
        let mut cookie = Cookie::build(name, "")
            .path("/")
            .http_only(http_only)
            .same_site(SameSite::Strict)
            .secure(secure)
            .finish();
        cookie.make_removal();
        response.cookie(cookie);
    }
}

/// The session JWT from the cookie, if any.
pub fn session_cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

/// For a state-changing request authenticated by the session cookie: the `X-CSRF-Token`
/// header must be the token derived from that session's id.
pub fn check_csrf(req: &HttpRequest, expected: &str) -> Result<(), ApiError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let given = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            crate::error::ErrorCode::CsrfFailed,
            "This request is missing its CSRF token. Reload the page and try again.",
        ));
    }
    Ok(())
}
