//! `GET /api/v1/invitation-imports`: the import history (Admin → People → Imports).

use super::view::ImportSummary;
use crate::auth::Admin;
use crate::db::from_db;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use skillstream_app::imports::{self, HistoryItem};
use skillstream_domain::{ImportMode, ImportSource, ImportStatus};
use utoipa::ToSchema;

/// Who made an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct Creator {
    pub id: i64,
    /// Their name, or their address when they have none.
    pub name: String,
}

/// The emails of the invitations an import created (resends included): still to go out,
/// sent, failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmailCounts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

/// What a sent import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryResult {
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub reactivated: i64,
    pub skipped: i64,
    pub sent_at: DateTime<Utc>,
}

/// One upload or batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportHistoryItem {
    pub id: i64,
    /// The uploaded file's name; none for the batch API.
    pub file_name: Option<String>,
    pub source: ImportSource,
    /// None when the member who made it is gone.
    pub created_by: Option<Creator>,
    pub created_at: DateTime<Utc>,
    pub mode: ImportMode,
    pub status: ImportStatus,
    pub summary: ImportSummary,
    pub emails: EmailCounts,
    /// Present once sent.
    pub result: Option<HistoryResult>,
    /// While the file is read in the background, or after it could not be.
    pub progress: Option<super::view::CheckProgress>,
}

impl From<HistoryItem> for ImportHistoryItem {
    fn from(item: HistoryItem) -> Self {
        let r = item.record;
        let progress = super::view::CheckProgress::of(&r);
        let count = |n: Option<i32>| i64::from(n.unwrap_or(0));
        Self {
            id: r.id.get(),
            file_name: r.filename,
            source: r.source,
            created_by: item.created_by.map(|(id, name)| Creator { id, name }),
            created_at: from_db(r.created_at),
            mode: r.mode,
            status: r.status,
            summary: ImportSummary {
                total: i64::from(r.total),
                valid: i64::from(r.valid),
                invalid: i64::from(r.invalid),
            },
            emails: EmailCounts {
                queued: item.emails.queued,
                sent: item.emails.sent,
                failed: item.emails.failed,
            },
            result: r.sent_at.map(|sent_at| HistoryResult {
                created: count(r.created_count),
                updated: count(r.updated_count),
                deactivated: count(r.deactivated_count),
                reactivated: count(r.reactivated_count),
                skipped: count(r.skipped_count),
                sent_at: from_db(sent_at),
            }),
            progress,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/invitation-imports", tag = "Bulk invitations",
    params(PageParams),
    responses((status = 200, description = "The organization's imports, newest first", body = inline(Page<ImportHistoryItem>)), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_imports(
    admin: Admin,
    state: web::Data<AppState>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    let org = ctx.org()?;
    let params = page.into_inner();
    let (items, total) = state
        .db(move |conn| {
            Ok(imports::history(
                conn,
                org,
                params.offset(),
                params.per_page(),
            )?)
        })
        .await?;
    let items = items.into_iter().map(ImportHistoryItem::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, &params, total)))
}
