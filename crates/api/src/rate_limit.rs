//! Fixed-window rate limits kept in memory, per instance (see `RateLimits`).

use crate::error::ApiError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The client's address as the connection shows it. Forwarding headers are not trusted: a
/// client could set them to dodge its limit.
pub fn client_ip(req: &actix_web::HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

/// Counts requests per key in one-minute windows.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);
/// Above this many keys, expired windows are swept so memory stays bounded.
const SWEEP_AT: usize = 10_000;

impl RateLimiter {
    /// Counts one request for `key`; refuses with 429 and `Retry-After` once `limit` requests
    /// were made in the current window. A limit of 0 disables the check.
    pub fn check(&self, key: &str, limit: u32) -> Result<(), ApiError> {
        if limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            let retry = WINDOW.saturating_sub(now.duration_since(entry.0)).as_secs() + 1;
            return Err(ApiError::too_many_requests(retry));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The per-address limit shared by every way of signing in (password, single sign-on).
pub fn check_sign_in(
    state: &crate::state::AppState,
    req: &actix_web::HttpRequest,
) -> Result<(), crate::error::ApiError> {
    let ip = client_ip(req);
    state.limiter.check(
        &format!("login-ip:{ip}"),
        state.settings.rate_limits.login_per_ip,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_key() {
        let limiter = RateLimiter::default();
        for _ in 0..3 {
            assert!(limiter.check("a", 3).is_ok());
        }
        let refused = limiter.check("a", 3).unwrap_err();
        assert_eq!(refused.code(), "rate_limited");
        assert!(limiter.check("b", 3).is_ok());
        assert!(limiter.check("c", 0).is_ok());
    }
}
