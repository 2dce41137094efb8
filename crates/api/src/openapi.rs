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

/// The answers every operation can give, added where a handler's own list leaves them out, so
/// the document says every status the API can answer (and `schemathesis` holds it to that):
/// 400 for a query or body that cannot be read, 401 and 403 where a credential is needed,
/// 404 where the path names a resource, 413, 415 and 422 where a body is taken, 429 on the
/// rate-limited public and sign-in endpoints, 503 when the database is unreachable.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                add_common_responses(path, operation);
            }
        }
    }
}

fn add_common_responses(path: &str, operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    let needs_credential = operation.security.as_ref().is_some_and(|requirements| {
        requirements.iter().any(|r| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_object().map(|o| !o.is_empty()))
                .unwrap_or(false)
        })
    });
    let names_resource = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Path);
    let takes_body = operation.request_body.is_some();
    let operational = matches!(path, "/healthz" | "/readyz" | "/metrics");
    let rate_limited = path.starts_with("/api/v1/public/") || path.starts_with("/api/v1/auth/");
    let mut add = |status: &str, description: &str| {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(description));
    };
    if !operational {
        add(
            "400",
            "`invalid_query`, `invalid_json` or `invalid_body`: the request cannot be read",
        );
        add(
            "503",
            "`service_unavailable`: the database cannot be reached; retry after `Retry-After`",
        );
    }
    if needs_credential {
        add(
            "401",
            "`unauthorized`: no credential, or one that is invalid, expired or revoked",
        );
        add("403", "`forbidden`: the caller's role may not do this; `csrf_failed` for a browser session without its CSRF token");
    }
    if names_resource {
        add("404", "`not_found`: no such resource in your organization");
    }
    if takes_body {
        add(
            "413",
            "`payload_too_large`: the body is over the size limit",
        );
        add(
            "415",
            "`unsupported_media_type`: the body is not of a type this operation takes",
        );
        add(
            "422",
            "`validation_failed` or `invalid_body`: a field is missing or invalid (see `details`)",
        );
    }
    if rate_limited {
        add(
            "429",
            "`rate_limited`: too many attempts; retry after `Retry-After`",
        );
    }
}

fn error_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SkillStream invitations API",
        version = "1.0.0",
        description = "Invite people into a SkillStream LMS organization, one by one or in bulk, and let them accept.\n\nErrors share one shape: `{\"error\": {\"code\", \"message\", \"details\": [{\"field\", \"code\", \"message\", \"suggestion\"}]}}`. Lists are paginated with `page` and `per_page` and answer `{items, page, per_page, total, total_pages}`."
    ),
    modifiers(&BearerAuth, &CommonResponses),
    paths(
        routes::health::healthz,
        routes::audit::list_audit_events,
        routes::audit::audit_events_csv,
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
        routes::courses::update_course,
        routes::users::list_users,
        routes::users::update_user,
        routes::users::deactivate_user,
        routes::users::reactivate_user,
        routes::invitations::list::list_invitations,
        routes::invitations::create::send_invitation,
        routes::invitations::get::get_invitation,
        routes::invitations::resend::resend_invitation,
        routes::invitations::cancel::cancel_invitation,
        routes::invitations::update::change_invitation,
        routes::invitations::update::send_now,
        routes::invitations::update::copy_link,
        routes::invitations::bulk::bulk_action,
        routes::api_tokens::list_api_tokens,
        routes::api_tokens::create_api_token,
        routes::api_tokens::revoke_api_token,
        routes::imports::template::csv_template,
        routes::imports::upload::upload_import,
        routes::imports::history::list_imports,
        routes::imports::edit::edit_row,
        routes::imports::edit::apply_suggestion,
        routes::imports::show::show_import,
        routes::imports::send::send_import,
        routes::imports::errors_csv::error_report,
        routes::imports::batch::batch_invite,
        routes::public::show::show_invitation,
        routes::public::accept::accept_invitation,
        routes::public::renew::renew_invitation,
        routes::sso::start::start_invitation_sso,
        routes::sso::start::start_sign_in_sso,
        routes::sso::callback::sso_callback,
        routes::sso::settings::get_sso_settings,
        routes::sso::settings::update_sso_settings,
        routes::sso::settings::delete_sso_settings,
        routes::settings::get_settings,
        routes::settings::update_settings,
        routes::scim_tokens::list_scim_tokens,
        routes::scim_tokens::create_scim_token,
        routes::scim_tokens::revoke_scim_token,
        routes::webhooks::list_webhooks,
        routes::webhooks::create_webhook,
        routes::webhooks::get_webhook,
        routes::webhooks::update_webhook,
        routes::webhooks::delete_webhook,
        routes::webhooks::rotate_webhook_secret,
        routes::webhooks::test_webhook,
        routes::webhooks::list_deliveries,
        routes::webhooks::redeliver,
    ),
    components(schemas(
        ErrorBody,
        ErrorObject,
        FieldError,
        crate::error::ErrorCode,
        routes::webhooks::Delivery,
        routes::imports::history::ImportHistoryItem
    )),
    tags(
        (name = "Invitations", description = "Admin → People → Invitations"),
        (name = "Users", description = "Admin → People → Users"),
        (name = "Bulk invitations", description = "Import from CSV (template, upload → preview, send, error report) and the batch API"),
        (name = "Accept an invitation", description = "Public endpoints behind the link in the email (no sign-in; rate limited)"),
        (name = "Single sign-on", description = "Admin → Settings → Single sign-on: the organization's OpenID Connect provider"),
        (name = "Activity", description = "Admin → Activity: the organization's activity log (domain events)"),
        (name = "Provisioning", description = "Admin → Organization → Provisioning: SCIM tokens for identity providers"),
        (name = "Webhooks", description = "Admin → Organization → Webhooks: signed event deliveries to integrators (Standard Webhooks)"),
        (name = "Organization settings", description = "Admin → Organization → Settings: invitation lifetime, reminders, resend grace, expired links, seats, time zone"),
    )
)]
pub struct ApiDoc;

/// The document as YAML, exactly as checked in at the repository root.
pub fn yaml() -> anyhow::Result<String> {
    Ok(ApiDoc::openapi().to_yaml()?)
}
