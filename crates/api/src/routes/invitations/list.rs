use super::view::{views, Invitation, InvitationRow, Names};
use crate::auth::AdminRequest;
use crate::count_cache::{Key, Lookup};
use crate::db::schema::{departments, invitations, user_groups, users};

/// The inviter's id, email, first and last name, as joined.
type Inviter = (i64, String, Option<String>, Option<String>);
/// A row of the page: the invitation, its department, its group and its inviter.
type PageRow = (
    InvitationRow,
    Option<String>,
    Option<String>,
    Option<Inviter>,
);
use crate::db::{like_contains, read_page, to_db, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use skillstream_domain::InvitationStatus;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilters {
    /// `pending`, `expired`, `accepted` or `cancelled` (case is ignored).
    #[param(
        pattern = r"^\s*([Pp][Ee][Nn][Dd][Ii][Nn][Gg]|[Ee][Xx][Pp][Ii][Rr][Ee][Dd]|[Aa][Cc][Cc][Ee][Pp][Tt][Ee][Dd]|[Cc][Aa][Nn][Cc][Ee][Ll][Ll][Ee][Dd])?\s*$"
    )]
    pub status: Option<String>,
    /// Text to find in the email address (case-insensitive).
    pub q: Option<String>,
    /// Same as `q`.
    pub email: Option<String>,
}

macro_rules! filter_invitations {
    ($source:expr, $org:expr, $status:expr, $pattern:expr, $now:expr) => {{
        let mut query = $source
            .filter(invitations::organization_id.eq($org))
            .into_boxed();
        match $status {
            Some(InvitationStatus::Pending) => {
                query = query
                    .filter(invitations::status.eq("pending"))
                    .filter(invitations::expires_at.gt($now))
            }
            Some(InvitationStatus::Expired) => {
                query = query.filter(
                    invitations::status.eq("expired").or(invitations::status
                        .eq("pending")
                        .and(invitations::expires_at.le($now))),
                )
            }
            Some(other) => query = query.filter(invitations::status.eq(other.as_str())),
            None => {}
        }
        if let Some(pattern) = $pattern {
            query = query.filter(invitations::email_folded.like(pattern.clone()).escape('\\'));
        }
        query
    }};
}

/// How many invitations match the filters of a cached total, over all pages.
fn count_matching(
    conn: &mut DbConnection,
    (org, status, pattern): &Key,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    filter_invitations!(invitations::table, *org, *status, pattern.as_ref(), at)
        .count()
        .get_result(conn)
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
                        "Status \"{raw}\" is not valid. Use pending, expired, accepted or cancelled."
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
    let now = Utc::now();
    let at = to_db(now);
    let counts = state.clone();
    // The caller's check, the page and its courses and deliveries share one connection.
    let (items, total, key, cached) = request
        .db(move |admin, conn| {
            let status = status?;
            let org = admin.organization_id;
            let key = (org, status, pattern.clone());
            let cached = counts.counts.get(&key);
            let total = match cached {
                Lookup::Fresh(total) | Lookup::Refresh(total) => total,
                Lookup::Missing => count_matching(conn, &key, at)?,
            };
            // The page with its department, group and inviter in one query; then its courses
            // and deliveries.
            let source = invitations::table
                .left_join(departments::table)
                .left_join(user_groups::table)
                .left_join(users::table);
            let rows = read_page(conn, pattern.is_some(), |conn| {
                filter_invitations!(source, org, status, pattern.as_ref(), at)
                    .order((invitations::created_at.desc(), invitations::id.desc()))
                    .limit(params.per_page())
                    .offset(params.offset())
                    .select((
                        InvitationRow::as_select(),
                        departments::name.nullable(),
                        user_groups::name.nullable(),
                        (users::id, users::email, users::first_name, users::last_name).nullable(),
                    ))
                    .load::<PageRow>(conn)
            })?;
            let named = rows
                .into_iter()
                .map(|(row, department, group, inviter)| {
                    (row, Names::joined(department, group, inviter))
                })
                .collect();
            Ok((views(conn, named, now)?, total, key, cached))
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
                    .db(move |conn| Ok(count_matching(conn, &counting, at)?))
                    .await;
                match counted {
                    Ok(total) => state.counts.put(key, total),
                    Err(error) => {
                        tracing::warn!(code = error.code(), "counting invitations failed")
                    }
                }
            });
        }
    }
    Ok(HttpResponse::Ok().json(Page::new(items, &params, total)))
}
