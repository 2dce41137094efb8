//! Single sign-on with OpenID Connect: the organization's provider settings, and the two ways
//! in through it (accepting an invitation, signing in later), which share one callback.

pub mod callback;
pub mod settings;
pub mod start;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/v1/organization/sso",
        web::get().to(settings::get_sso_settings),
    )
    .route(
        "/api/v1/organization/sso",
        web::put().to(settings::update_sso_settings),
    )
    .route(
        "/api/v1/organization/sso",
        web::delete().to(settings::delete_sso_settings),
    )
    .route(
        "/api/v1/public/invitations/{token}/sso",
        web::post().to(start::start_invitation_sso),
    )
    .route("/api/v1/auth/sso", web::post().to(start::start_sign_in_sso))
    .route(
        "/api/v1/auth/sso/callback",
        web::post().to(callback::sso_callback),
    );
}
