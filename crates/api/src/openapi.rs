//! The OpenAPI 3.1 document, generated from the handlers and types. `openapi.yaml` at the
//! repository root is this document, checked in; a test fails when they drift.

use crate::error::{ErrorBody, ErrorObject, FieldError};
use crate::routes;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A session JWT from `POST /api/v1/auth/login`, or an API token (`sst_…`) from `POST /api/v1/api-tokens`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("`METRICS_TOKEN`, when the deployment sets one."))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SkillStream invitations API",
        version = "1.0.0",
        description = "Invite people into a SkillStream LMS organization, one by one or in bulk, and let them accept.\n\nErrors share one shape: `{\"error\": {\"code\", \"message\", \"details\": [{\"field\", \"code\", \"message\", \"suggestion\"}]}}`. Lists are paginated with `page` and `per_page` and answer `{items, page, per_page, total, total_pages}`."
    ),
    modifiers(&BearerAuth),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        routes::login::login,
        routes::login::logout,
        routes::login::logout_everywhere,
        routes::users::sign_out_everywhere,
        routes::me::me,
        routes::me::my_enrollments,
        routes::departments::list_departments,
        routes::departments::create_department,
        routes::departments::rename_department,
        routes::departments::delete_department,
        routes::groups::list_groups,
        routes::groups::create_group,
        routes::groups::rename_group,
        routes::groups::delete_group,
        routes::courses::list_courses,
        routes::courses::create_course,
        routes::users::list_users,
        routes::invitations::list::list_invitations,
        routes::invitations::create::send_invitation,
        routes::invitations::get::get_invitation,
        routes::invitations::resend::resend_invitation,
        routes::invitations::cancel::cancel_invitation,
        routes::api_tokens::list_api_tokens,
        routes::api_tokens::create_api_token,
        routes::api_tokens::revoke_api_token,
        routes::imports::template::csv_template,
        routes::imports::upload::upload_import,
        routes::imports::show::show_import,
        routes::imports::send::send_import,
        routes::imports::errors_csv::error_report,
        routes::imports::batch::batch_invite,
        routes::public::show::show_invitation,
        routes::public::accept::accept_invitation,
        routes::sso::start::start_invitation_sso,
        routes::sso::start::start_sign_in_sso,
        routes::sso::callback::sso_callback,
        routes::sso::settings::get_sso_settings,
        routes::sso::settings::update_sso_settings,
        routes::sso::settings::delete_sso_settings,
    ),
    components(schemas(ErrorBody, ErrorObject, FieldError)),
    tags(
        (name = "Invitations", description = "Admin → People → Invitations"),
        (name = "Users", description = "Admin → People → Users"),
        (name = "Bulk invitations", description = "Import from CSV (template, upload → preview, send, error report) and the batch API"),
        (name = "Accept an invitation", description = "Public endpoints behind the link in the email (no sign-in; rate limited)"),
        (name = "Single sign-on", description = "Admin → Settings → Single sign-on: the organization's OpenID Connect provider"),
    )
)]
pub struct ApiDoc;

/// The document as YAML, exactly as checked in at the repository root.
pub fn yaml() -> anyhow::Result<String> {
    Ok(ApiDoc::openapi().to_yaml()?)
}
