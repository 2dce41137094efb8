use super::view::{views, Invitation};
use crate::auth::AdminRequest;
use crate::count_cache::{Key, Lookup};
use crate::db::{like_contains, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use skillstream_app::invitations::query::{self, ListFilter};
use skillstream_domain::{InvitationStatus, OrganizationId};
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilters {
    /// `scheduled`, `pending`, `expired`, `accepted` or `cancelled` (case is ignored).
    #[param(
        pattern = r"^\s*([Ss][Cc][Hh][Ee][Dd][Uu][Ll][Ee][Dd]|[Pp][Ee][Nn][Dd][Ii][Nn][Gg]|[Ee][Xx][Pp][Ii][Rr][Ee][Dd]|[Aa][Cc][Cc][Ee][Pp][Tt][Ee][Dd]|[Cc][Aa][Nn][Cc][Ee][Ll][Ll][Ee][Dd])?\s*$"
    )]
    pub status: Option<String>,
    /// Text to find in the email address (case-insensitive).
    pub q: Option<String>,
    /// Same as `q`.
    pub email: Option<String>,
    /// Only the invitations this import created.
    pub import_id: Option<i64>,
}

fn filter_of((_, status, pattern): &Key) -> ListFilter {
    ListFilter {
        status: *status,
        pattern: pattern.clone(),
        ..ListFilter::default()
    }
}

/// How many invitations match the filters of a cached total, over all pages.
fn count_matching(
    conn: &mut DbConnection,
    key: &Key,
    now: DateTime<Utc>,
) -> skillstream_app::AppResult<i64> {
    query::count(conn, OrganizationId(key.0), &filter_of(key), now)
}

/// Newest first.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "Invitations",
    params(InvitationFilters, PageParams),
    responses((status = 200, body = inline(Page<Invitation>)), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_invitations(
    request: AdminRequest,
    state: web::Data<AppState>,
    filters: web::Query<InvitationFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let params = page.into_inner();
    // A bad filter is answered after the caller is checked, as with every admin request.
    let status = match filters
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(raw) => InvitationStatus::parse(&raw.to_lowercase())
            .map(Some)
            .ok_or_else(|| {
                ApiError::field(
                    "status",
                    "invalid_status",
                    format!(
                        "Status \"{raw}\" is not valid. Use scheduled, pending, expired, accepted or cancelled."
                    ),
                )
            }),
    };
    let pattern = filters
        .q
        .as_deref()
        .or(filters.email.as_deref())
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| like_contains(&q.to_lowercase()));
    let import = filters.import_id.map(skillstream_domain::ImportId);
    let now = Utc::now();
    let counts = state.clone();
    // The caller's check, the page and its courses and deliveries share one connection.
    let (items, total, key, cached) = request
        .db(move |admin, conn| {
            let status = status?;
            let org = admin.organization_id;
            let key = (org, status, pattern.clone());
            let mut filter = filter_of(&key);
            filter.import_id = import;
            // One import's invitations are counted as they are (the cache holds the lists
            // without that filter).
            let cached = match import {
                Some(_) => Lookup::Fresh(query::count(conn, OrganizationId(org), &filter, now)?),
                None => counts.counts.get(&key),
            };
            let total = match cached {
                Lookup::Fresh(total) | Lookup::Refresh(total) => total,
                Lookup::Missing => count_matching(conn, &key, now)?,
            };
            let rows = query::page(
                conn,
                OrganizationId(org),
                &filter,
                now,
                (params.offset(), params.per_page()),
            )?;
            Ok((
                views(conn, OrganizationId(org), rows, now)?,
                total,
                key,
                cached,
            ))
        })
        .await?;
    match cached {
        Lookup::Missing => state.counts.put(key, total),
        Lookup::Fresh(_) => {}
        // The stale total answered this request; the count runs after it, off its path.
        Lookup::Refresh(_) => {
            let state = state.clone();
            actix_web::rt::spawn(async move {
                let counting = key.clone();
                let counted = state
                    .db(move |conn| Ok(count_matching(conn, &counting, now)?))
                    .await;
                match counted {
                    Ok(total) => state.counts.put(key, total),
                    Err(error) => {
                        tracing::warn!(code = %error.code().as_str(), "counting invitations failed")
                    }
                }
            });
        }
    }
    Ok(HttpResponse::Ok().json(Page::new(items, &params, total)))
}
