//! Bulk invitations: the CSV template, upload → preview, send, the error report, and the batch
//! API for integrators. One file per action.

pub mod batch;
pub mod edit;
pub mod errors_csv;
pub mod history;
pub mod send;
pub mod show;
pub mod template;
pub mod upload;
pub mod view;

use actix_web::web;

/// Registered before `/api/v1/invitations/{id}`, whose `{id}` would otherwise take these paths.
pub fn configure_invitation_paths(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/v1/invitations/csv-template",
        web::get().to(template::csv_template),
    )
    .route(
        "/api/v1/invitations/batch",
        web::post().to(batch::batch_invite),
    );
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/v1/invitation-imports",
        web::post().to(upload::upload_import),
    )
    .route(
        "/api/v1/invitation-imports",
        web::get().to(history::list_imports),
    )
    .route(
        "/api/v1/invitation-imports/{id}/rows/{line}",
        web::patch().to(edit::edit_row),
    )
    .route(
        "/api/v1/invitation-imports/{id}/apply-suggestion",
        web::post().to(edit::apply_suggestion),
    )
    .route(
        "/api/v1/invitation-imports/{id}",
        web::get().to(show::show_import),
    )
    .route(
        "/api/v1/invitation-imports/{id}/send",
        web::post().to(send::send_import),
    )
    .route(
        "/api/v1/invitation-imports/{id}/errors.csv",
        web::get().to(errors_csv::error_report),
    );
}
