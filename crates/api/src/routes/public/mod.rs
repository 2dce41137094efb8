//! What anyone holding an invitation link may do: look at it and accept it. Nothing here
//! reveals whether an arbitrary email address is known.

pub mod accept;
pub mod lookup;
pub mod renew;
pub mod show;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/v1/public/invitations/{token}",
        web::get().to(show::show_invitation),
    )
    .route(
        "/api/v1/public/invitations/{token}/accept",
        web::post().to(accept::accept_invitation),
    )
    .route(
        "/api/v1/public/invitations/{token}/renew",
        web::post().to(renew::renew_invitation),
    );
}
