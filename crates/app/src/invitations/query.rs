//! Reading invitations for the admin's lists and views: a page or one invitation, with the
//! names it shows, its pre-assigned courses and its latest email. Every read is of one
//! organization.

use crate::error::AppResult;
use chrono::{DateTime, Utc};
use skillstream_domain::{InvitationId, OrganizationId};
use skillstream_store::invitations as store;
pub use skillstream_store::invitations::{InviterColumns, LatestEmail, ListFilter, PageRow};
use skillstream_store::DbConnection;
use std::collections::HashMap;

/// How many invitations match, over all pages.
pub fn count(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &ListFilter,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    Ok(store::count(conn, org, filter, now)?)
}

/// A page, newest first.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &ListFilter,
    now: DateTime<Utc>,
    (offset, limit): (i64, i64),
) -> AppResult<Vec<PageRow>> {
    Ok(store::page(conn, org, filter, now, offset, limit)?)
}

/// One invitation with its names; `None` for another organization's id.
pub fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
) -> AppResult<Option<PageRow>> {
    Ok(store::find_named(conn, org, id)?)
}

/// What the views of these invitations add: their courses (id, title) and latest emails.
pub type Extras = (
    HashMap<InvitationId, Vec<(i64, String)>>,
    HashMap<InvitationId, LatestEmail>,
);

/// The courses and latest emails of these invitations of the organization: two queries
/// whatever their number.
pub fn extras(
    conn: &mut DbConnection,
    org: OrganizationId,
    ids: &[InvitationId],
) -> AppResult<Extras> {
    Ok((
        store::courses_of(conn, org, ids)?,
        store::latest_emails(conn, org, ids)?,
    ))
}
