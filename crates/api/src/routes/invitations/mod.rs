//! Admin → People → Invitations: one file per action.

pub mod bulk;
pub mod cancel;
pub mod create;
pub mod get;
pub mod list;
pub mod resend;
pub mod update;
pub mod view;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/invitations")
            .get(list::list_invitations)
            .post(create::send_invitation),
    )
    .route(
        "/api/v1/invitations/bulk",
        web::post().to(bulk::bulk_action),
    )
    .service(
        web::resource("/api/v1/invitations/{id}")
            .get(get::get_invitation)
            .patch(update::change_invitation),
    )
    .route(
        "/api/v1/invitations/{id}/send-now",
        web::post().to(update::send_now),
    )
    .route(
        "/api/v1/invitations/{id}/link",
        web::post().to(update::copy_link),
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
