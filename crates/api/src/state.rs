use crate::auth::jwt::JwtKeys;
use crate::config::Settings;
use crate::db::{DbConnection, Pool};
use crate::error::{ApiError, ApiResult};
use crate::mail::worker::Wakeup;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use std::sync::Arc;

/// What every handler can reach: the pool, the settings and the signing keys.
pub struct AppState {
    pub pool: Pool,
    pub settings: Settings,
    pub jwt: JwtKeys,
    /// Wakes this instance's outbox worker after a request queued an email.
    pub wakeup: Wakeup,
    pub limiter: RateLimiter,
    pub metrics: Arc<Metrics>,
    pub counts: crate::count_cache::CountCache,
    /// The OpenID Connect client and its provider cache.
    pub oidc: crate::oidc::Oidc,
    /// The guarded outbound client, for checking webhook URLs as deliveries will see them.
    pub outbound: crate::outbound::OutboundClient,
}

impl AppState {
    /// Runs blocking database work off the async workers, on a pooled connection, inside the
    /// caller's tracing span. The closure owns any transaction it needs.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        actix_web::rt::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pool.get()?;
            let result = f(&mut conn);
            conn.record(&result, ApiError::lost_connection);
            result
        })
        .await
        .map_err(ApiError::internal)?
    }
}
