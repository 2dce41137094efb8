//! The admin list of invitations: filters, counts, pages with the names they show, courses and
//! the latest email of each.

use super::InvitationRow;
use crate::schema::{
    courses, departments, email_outbox, invitation_courses, invitations, user_groups, users,
};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{
    EmailKind, EmailStatus, ImportId, InvitationId, InvitationStatus, OrganizationId, StoredStatus,
};
use std::collections::HashMap;

/// The list's filters: status (as people see it), a LIKE pattern on the folded address, and
/// the bulk actions' narrower ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ListFilter {
    pub status: Option<InvitationStatus>,
    /// Already escaped for LIKE with `\`.
    pub pattern: Option<String>,
    pub import_id: Option<ImportId>,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
    /// Last (re)sent before / at or after.
    pub sent_before: Option<NaiveDateTime>,
    pub sent_after: Option<NaiveDateTime>,
    pub ids: Option<Vec<InvitationId>>,
}

macro_rules! filter_invitations {
    ($source:expr, $org:expr, $filter:expr, $now:expr) => {{
        let mut query = $source
            .filter(invitations::organization_id.eq($org))
            .into_boxed();
        match $filter.status {
            Some(InvitationStatus::Scheduled) => {
                query = query
                    .filter(invitations::status.eq(StoredStatus::Pending))
                    .filter(invitations::send_at.is_not_null())
            }
            Some(InvitationStatus::Pending) => {
                query = query
                    .filter(invitations::status.eq(StoredStatus::Pending))
                    .filter(invitations::send_at.is_null())
                    .filter(invitations::expires_at.gt($now))
            }
            Some(InvitationStatus::Expired) => {
                query = query.filter(
                    invitations::status
                        .eq(StoredStatus::Expired)
                        .or(invitations::status
                            .eq(StoredStatus::Pending)
                            .and(invitations::send_at.is_null())
                            .and(invitations::expires_at.le($now))),
                )
            }
            Some(InvitationStatus::Accepted) => {
                query = query.filter(invitations::status.eq(StoredStatus::Accepted))
            }
            Some(InvitationStatus::Cancelled) => {
                query = query.filter(invitations::status.eq(StoredStatus::Cancelled))
            }
            None => {}
        }
        if let Some(pattern) = &$filter.pattern {
            query = query.filter(invitations::email_folded.like(pattern.clone()).escape('\\'));
        }
        if let Some(import) = $filter.import_id {
            query = query.filter(invitations::import_id.eq(import.get()));
        }
        if let Some(department) = $filter.department_id {
            query = query.filter(invitations::department_id.eq(department));
        }
        if let Some(group) = $filter.group_id {
            query = query.filter(invitations::group_id.eq(group));
        }
        if let Some(before) = $filter.sent_before {
            query = query.filter(invitations::sent_at.lt(before));
        }
        if let Some(after) = $filter.sent_after {
            query = query.filter(invitations::sent_at.ge(after));
        }
        if let Some(ids) = &$filter.ids {
            query = query.filter(invitations::id.eq_any(ids.clone()));
        }
        query
    }};
}

/// How many invitations match, over all pages.
pub fn count(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &ListFilter,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let at = to_db(now);
    filter_invitations!(invitations::table, org, filter, at)
        .count()
        .get_result(conn)
}

/// The invitations that match, oldest first, up to `limit` (a bulk action's set).
pub fn matching(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &ListFilter,
    now: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<InvitationRow>> {
    let at = to_db(now);
    filter_invitations!(invitations::table, org, filter, at)
        .order(invitations::id.asc())
        .limit(limit)
        .select(InvitationRow::as_select())
        .load(conn)
}

/// The inviter's id, email, first and last name, as joined.
pub type InviterColumns = (i64, String, Option<String>, Option<String>);

/// A row of a page: the invitation, its department's and group's names and its inviter.
pub type PageRow = (
    InvitationRow,
    Option<String>,
    Option<String>,
    Option<InviterColumns>,
);

/// A page, newest first, with the names it shows in one query.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &ListFilter,
    now: DateTime<Utc>,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<PageRow>> {
    let at = to_db(now);
    let source = invitations::table
        .left_join(departments::table)
        .left_join(user_groups::table)
        .left_join(users::table);
    crate::read_page(conn, filter.pattern.is_some(), |conn| {
        filter_invitations!(source, org, filter, at)
            .order((invitations::created_at.desc(), invitations::id.desc()))
            .limit(limit)
            .offset(offset)
            .select((
                InvitationRow::as_select(),
                departments::name.nullable(),
                user_groups::name.nullable(),
                (users::id, users::email, users::first_name, users::last_name).nullable(),
            ))
            .load::<PageRow>(conn)
    })
}

/// One invitation with the names it shows.
pub fn find_named(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
) -> StoreResult<Option<PageRow>> {
    invitations::table
        .left_join(departments::table)
        .left_join(user_groups::table)
        .left_join(users::table)
        .filter(invitations::id.eq(id))
        .filter(invitations::organization_id.eq(org))
        .select((
            InvitationRow::as_select(),
            departments::name.nullable(),
            user_groups::name.nullable(),
            (users::id, users::email, users::first_name, users::last_name).nullable(),
        ))
        .first::<PageRow>(conn)
        .optional()
}

/// The courses of each invitation, by title.
pub fn courses_of(
    conn: &mut DbConnection,
    org: OrganizationId,
    ids: &[InvitationId],
) -> StoreResult<HashMap<InvitationId, Vec<(i64, String)>>> {
    let mut by_invitation: HashMap<InvitationId, Vec<(i64, String)>> = HashMap::new();
    for (invitation_id, id, title) in invitation_courses::table
        .inner_join(courses::table)
        .filter(invitation_courses::organization_id.eq(org))
        .filter(invitation_courses::invitation_id.eq_any(ids))
        .order((courses::title.asc(), courses::id.asc()))
        .select((
            invitation_courses::invitation_id,
            courses::id,
            courses::title,
        ))
        .load::<(InvitationId, i64, String)>(conn)?
    {
        by_invitation
            .entry(invitation_id)
            .or_default()
            .push((id, title));
    }
    Ok(by_invitation)
}

/// The newest email of an invitation: the one that matters (older ones were superseded).
#[derive(Debug, Clone, Queryable)]
pub struct LatestEmail {
    pub invitation_id: InvitationId,
    pub status: EmailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// The latest email of each of these invitations of the organization.
pub fn latest_emails(
    conn: &mut DbConnection,
    org: OrganizationId,
    ids: &[InvitationId],
) -> StoreResult<HashMap<InvitationId, LatestEmail>> {
    latest_emails_in(conn, Some(org), ids)
}

/// The latest email of each of these invitations, of whichever organizations (the scheduler,
/// which serves them all).
pub fn latest_emails_of_any(
    conn: &mut DbConnection,
    ids: &[InvitationId],
) -> StoreResult<HashMap<InvitationId, LatestEmail>> {
    latest_emails_in(conn, None, ids)
}

fn latest_emails_in(
    conn: &mut DbConnection,
    org: Option<OrganizationId>,
    ids: &[InvitationId],
) -> StoreResult<HashMap<InvitationId, LatestEmail>> {
    let mut query = email_outbox::table.into_boxed();
    if let Some(org) = org {
        query = query.filter(email_outbox::organization_id.eq(org));
    }
    let mut latest: HashMap<InvitationId, LatestEmail> = HashMap::new();
    for email in query
        .filter(email_outbox::invitation_id.eq_any(ids))
        .filter(email_outbox::kind.ne(EmailKind::RenewalRequest))
        // In the order of the (invitation_id, id) index: one short index range per invitation.
        .order((email_outbox::invitation_id.asc(), email_outbox::id.desc()))
        .select((
            email_outbox::invitation_id,
            email_outbox::status,
            email_outbox::attempts,
            email_outbox::next_attempt_at,
            email_outbox::last_error,
            email_outbox::sent_at,
            email_outbox::created_at,
        ))
        .load::<LatestEmail>(conn)?
    {
        latest.entry(email.invitation_id).or_insert(email);
    }
    Ok(latest)
}
