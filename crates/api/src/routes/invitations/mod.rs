//! Admin → People → Invitations: one file per action.

pub mod cancel;
pub mod create;
pub mod get;
pub mod list;
pub mod resend;
pub mod view;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/invitations")
            .get(list::list_invitations)
            .post(create::send_invitation),
    )
    .route(
        "/api/v1/invitations/{id}",
        web::get().to(get::get_invitation),
    )
    .route(
        "/api/v1/invitations/{id}/resend",
        web::post().to(resend::resend_invitation),
    )
    .route(
        "/api/v1/invitations/{id}/cancel",
        web::post().to(cancel::cancel_invitation),
    );
}
