//! Fixed-window rate limits (see `RateLimits`): in memory on SQLite (one process), in the
//! database on PostgreSQL, so that every instance behind a balancer counts against the same
//! window.

use crate::error::ApiError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The client's address. `X-Forwarded-For` is believed only from a peer inside
/// `TRUSTED_PROXIES`: the rightmost address in it that is not itself a trusted proxy is the
/// client (entries further left were written by the client and could be anything).
pub fn client_ip(req: &actix_web::HttpRequest) -> String {
    let trusted = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|state| state.settings.trusted_proxies.as_slice())
        .unwrap_or_default();
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    client_address(req.peer_addr().map(|a| a.ip()), &forwarded, trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded: &[&str],
    trusted: &[ipnet::IpNet],
) -> Option<std::net::IpAddr> {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer?;
    for hop in forwarded.iter().rev() {
        if !is_trusted(&client) {
            break;
        }
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) => client = ip,
            // A garbled entry: stop at the last address we could read.
            Err(_) => break,
        }
    }
    Some(client)
}

/// Counts requests per key in one-minute windows.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    /// PostgreSQL: the windows live in `rate_limit_windows`, shared by every instance.
    shared: Option<crate::db::Pool>,
}

const WINDOW: Duration = Duration::from_secs(60);
/// Above this many keys, expired windows are swept so memory stays bounded.
const SWEEP_AT: usize = 10_000;

impl RateLimiter {
    /// Windows in the database of `pool` when it is PostgreSQL, else in this process's memory.
    pub fn for_pool(pool: &crate::db::Pool, postgres: bool) -> Self {
        Self {
            windows: Mutex::default(),
            shared: postgres.then(|| pool.clone()),
        }
    }

    /// Counts one request for `key`; refuses with 429 and `Retry-After` once `limit` requests
    /// were made in the current window. A limit of 0 disables the check.
    pub async fn check(&self, key: &str, limit: u32) -> Result<(), ApiError> {
        if limit == 0 {
            return Ok(());
        }
        match &self.shared {
            None => self.check_in_memory(key, limit),
            Some(pool) => shared(pool, key, limit, true).await,
        }
    }

    /// 429 when `key` has used up `limit` in the current window, without counting this
    /// request (for limits that count only failures).
    pub async fn refuse_if_spent(&self, key: &str, limit: u32) -> Result<(), ApiError> {
        if limit == 0 {
            return Ok(());
        }
        match &self.shared {
            None => self.spent_in_memory(key, limit),
            Some(pool) => shared(pool, key, limit, false).await,
        }
    }

    fn check_in_memory(&self, key: &str, limit: u32) -> Result<(), ApiError> {
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

    fn spent_in_memory(&self, key: &str, limit: u32) -> Result<(), ApiError> {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        match windows.get(key) {
            Some((start, count)) if now.duration_since(*start) < WINDOW && *count >= limit => {
                let retry = WINDOW.saturating_sub(now.duration_since(*start)).as_secs() + 1;
                Err(ApiError::too_many_requests(retry))
            }
            _ => Ok(()),
        }
    }
}

use crate::db::rate_limits::Window;

/// One window in `rate_limit_windows`: counted (`count`) or only read. The upsert starts a
/// new window when the stored one is over a minute old; PostgreSQL serialises concurrent
/// upserts of one key, so instances never lose a count. If the database cannot be reached the
/// request is let through: it will meet the same database next and fail there.
async fn shared(
    pool: &crate::db::Pool,
    key: &str,
    limit: u32,
    count: bool,
) -> Result<(), ApiError> {
    let pool = pool.clone();
    let key_hash = crate::tokens::hash_token(key);
    let found = actix_web::rt::task::spawn_blocking(move || -> anyhow::Result<Option<Window>> {
        let mut conn = pool.get()?;
        let length = chrono::Duration::seconds(WINDOW.as_secs() as i64);
        let window = crate::db::rate_limits::window(
            &mut conn,
            &key_hash,
            count,
            length,
            chrono::Utc::now(),
        )?;
        // Reading only: the request itself is not counted.
        Ok(window.map(|w| Window {
            count: w.count + i32::from(!count),
            ..w
        }))
    })
    .await;
    let window = match found {
        Ok(Ok(window)) => window,
        Ok(Err(error)) => {
            tracing::warn!(%error, "rate limit not checked: the database did not answer");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "rate limit task failed");
            None
        }
    };
    match window {
        Some(window) if window.count > i32::try_from(limit).unwrap_or(i32::MAX) => {
            let age = chrono::Utc::now().naive_utc() - window.window_start;
            let retry = (WINDOW.as_secs() as i64 - age.num_seconds()).max(0) as u64 + 1;
            Err(ApiError::too_many_requests(retry))
        }
        _ => Ok(()),
    }
}

/// The per-address limit shared by every way of signing in (password, single sign-on).
pub async fn check_sign_in(
    state: &crate::state::AppState,
    req: &actix_web::HttpRequest,
) -> Result<(), crate::error::ApiError> {
    let ip = client_ip(req);
    state
        .limiter
        .check(
            &format!("login-ip:{ip}"),
            state.settings.rate_limits.login_per_ip,
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // Straight from the internet: the header is the client's own words.
        assert_eq!(
            client_address(Some(ip("203.0.113.9")), &["1.2.3.4"], &proxies),
            Some(ip("203.0.113.9"))
        );
        // Through our proxy: the address it saw.
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), &["1.2.3.4", "198.51.100.7"], &proxies),
            Some(ip("198.51.100.7"))
        );
        // Through two of our proxies.
        assert_eq!(
            client_address(
                Some(ip("10.0.0.2")),
                &["198.51.100.7", "10.0.0.3"],
                &proxies
            ),
            Some(ip("198.51.100.7"))
        );
        // Without trusted proxies nothing is believed.
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), &["198.51.100.7"], &[]),
            Some(ip("10.0.0.2"))
        );
    }

    #[test]
    fn the_limit_applies_per_key() {
        let limiter = RateLimiter::default();
        for _ in 0..3 {
            assert!(limiter.check_in_memory("a", 3).is_ok());
        }
        let refused = limiter.check_in_memory("a", 3).unwrap_err();
        assert_eq!(refused.code(), crate::error::ErrorCode::RateLimited);
        assert!(limiter.spent_in_memory("a", 3).is_err());
        assert!(limiter.check_in_memory("b", 3).is_ok());
        assert!(limiter.spent_in_memory("b", 3).is_ok());
    }
}
