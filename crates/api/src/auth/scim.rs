//! The identity provider calling `/scim/v2`, by its organization's SCIM token (an API token or
//! a session is refused there), with the context its use cases run in.

use crate::auth::bearer;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::routes::scim::Scim;
use crate::state::AppState;
use actix_web::{web, FromRequest, HttpRequest};
use skillstream_app::scim::ScimResult;
use skillstream_app::Ctx;
use skillstream_domain::scim::ScimError;
use std::future::Future;
use std::pin::Pin;

/// The identity provider calling, by its organization's SCIM token.
pub struct ScimCaller {
    state: web::Data<AppState>,
    ctx: Ctx,
}

fn unauthorized() -> Scim {
    Scim(ScimError {
        status: 401,
        scim_type: None,
        detail: "Authenticate with the organization's SCIM token (Admin → Organization → Provisioning) as a bearer token.".into(),
    })
}

async fn scim_caller(req: HttpRequest) -> Result<ScimCaller, Scim> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| {
            Scim::from(ApiError::internal(anyhow::anyhow!(
                "AppState is not registered"
            )))
        })?;
    let secret = bearer(&req).ok_or_else(unauthorized)?;
    let now = chrono::Utc::now();
    let caller = state
        .db(move |conn| {
            Ok(skillstream_app::scim_tokens::authenticate(
                conn, &secret, now,
            )?)
        })
        .await?
        .ok_or_else(unauthorized)?;
    let ctx = Ctx::scim(caller.organization_id, caller.token_id, caller.name)
        .with_request_id(crate::request_id::of(&req))
        .with_seal_secret(state.settings.jwt_secret.expose());
    Ok(ScimCaller { state, ctx })
}

impl FromRequest for ScimCaller {
    type Error = Scim;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        Box::pin(scim_caller(req.clone()))
    }
}

impl ScimCaller {
    /// Runs a use case on a pooled connection with this caller's context.
    pub(crate) async fn run<T, F>(self, f: F) -> Result<T, Scim>
    where
        F: FnOnce(&mut DbConnection, &Ctx) -> ScimResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let ctx = self.ctx;
        Ok(self.state.db(move |conn| Ok(f(conn, &ctx))).await??)
    }

    pub(crate) fn base(&self) -> String {
        crate::routes::scim::base_url(&self.state)
    }
}
