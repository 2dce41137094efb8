//! Admin → Activity: the organization's activity log, as a page of JSON or a CSV download.

use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::imports::errors_csv::neutralise;
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use skillstream_app::audit::{self, AuditEvent, FilterInput};
use skillstream_domain::{ActorType, OrganizationId};
use utoipa::IntoParams;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilters {
    /// Actions, comma-separated (for example `invitation.created,invitation.accepted`).
    #[param(
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(invitation\.created|invitation\.scheduled|invitation\.email_sent|invitation\.email_failed|invitation\.reminded|invitation\.resent|invitation\.cancelled|invitation\.expired|invitation\.accepted|invitation\.renewal_requested|invitation\.link_copied|import\.uploaded|import\.sent|member\.deactivated|member\.reactivated|member\.updated|organization\.settings_changed|sso\.settings_changed|api_token\.created|api_token\.revoked|webhook\.created|webhook\.updated|webhook\.deleted|scim_token\.created|scim_token\.revoked)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(,[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(invitation\.created|invitation\.scheduled|invitation\.email_sent|invitation\.email_failed|invitation\.reminded|invitation\.resent|invitation\.cancelled|invitation\.expired|invitation\.accepted|invitation\.renewal_requested|invitation\.link_copied|import\.uploaded|import\.sent|member\.deactivated|member\.reactivated|member\.updated|organization\.settings_changed|sso\.settings_changed|api_token\.created|api_token\.revoked|webhook\.created|webhook\.updated|webhook\.deleted|scim_token\.created|scim_token\.revoked)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)*$"
    )]
    pub action: Option<String>,
    /// Who caused the events.
    #[param(value_type = Option<ActorType>)]
    pub actor_type: Option<String>,
    pub actor_id: Option<i64>,
    /// The address the event is about (case is ignored).
    pub target_email: Option<String>,
    pub invitation_id: Option<i64>,
    pub import_id: Option<i64>,
    /// From this instant (RFC 3339), inclusive.
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Up to this instant (RFC 3339), inclusive.
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
}

impl From<AuditFilters> for FilterInput {
    fn from(f: AuditFilters) -> Self {
        Self {
            action: f.action,
            actor_type: f.actor_type,
            actor_id: f.actor_id,
            target_email: f.target_email,
            invitation_id: f.invitation_id,
            import_id: f.import_id,
            from: f.from,
            to: f.to,
        }
    }
}

/// Newest first.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "Activity",
    params(AuditFilters, PageParams),
    responses((status = 200, body = inline(Page<AuditEvent>)), (status = 422, description = "An unknown action or actor type, or a date that is not RFC 3339", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_audit_events(
    admin: Admin,
    state: web::Data<AppState>,
    filters: web::Query<AuditFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let filter = audit::parse_filter(&filters.into_inner().into())?;
    let (org, params) = (OrganizationId(admin.organization_id), page.into_inner());
    let (items, total) = state
        .db(move |conn| {
            Ok(audit::page(
                conn,
                org,
                &filter,
                params.offset(),
                params.per_page(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::new(items, &params, total)))
}

/// The same filters as a CSV file (newest first, at most 100,000 events). Cells a spreadsheet
/// would run as a formula are neutralised.
#[utoipa::path(get, path = "/api/v1/audit-events.csv", tag = "Activity",
    params(AuditFilters),
    responses((status = 200, description = "The events as CSV", content_type = "text/csv", body = String),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit_events_csv(
    admin: Admin,
    state: web::Data<AppState>,
    filters: web::Query<AuditFilters>,
) -> ApiResult<HttpResponse> {
    let filter = audit::parse_filter(&filters.into_inner().into())?;
    let org = OrganizationId(admin.organization_id);
    let events = state
        .db(move |conn| Ok(audit::all(conn, org, &filter)?))
        .await?;
    let body = web::block(move || csv_of(&events))
        .await
        .map_err(crate::error::ApiError::internal)?
        .map_err(crate::error::ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"activity.csv\"",
        ))
        .body(body))
}

/// UTF-8 with a BOM, so Excel reads accents right.
fn csv_of(events: &[AuditEvent]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record([
        "occurred_at",
        "action",
        "actor_type",
        "actor_id",
        "actor_name",
        "target_type",
        "target_id",
        "target_email",
        "import_id",
        "request_id",
        "details",
    ])?;
    let text = |v: Option<String>| neutralise(&v.unwrap_or_default());
    let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    for event in events {
        writer.write_record([
            event
                .occurred_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            event.action.as_str().to_string(),
            event.actor.kind.as_str().to_string(),
            number(event.actor.id),
            text(event.actor.name.clone()),
            event
                .target
                .kind
                .map(|k| k.as_str().to_string())
                .unwrap_or_default(),
            number(event.target.id),
            text(event.target.email.clone()),
            number(event.import_id),
            text(event.request_id.clone()),
            neutralise(&event.details.to_string()),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/audit-events", web::get().to(list_audit_events))
        .route("/api/v1/audit-events.csv", web::get().to(audit_events_csv));
}
