//! The invitation as admins see it, with its courses and the state of its email.

use crate::db::schema::{
    courses, departments, email_outbox, invitation_courses, invitations, user_groups,
};
use crate::db::{from_db, DbConnection};
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use skillstream_domain::{Invitation as Rules, InvitationStatus, Role, StoredStatus};
use std::collections::HashMap;
use utoipa::ToSchema;

/// An invitation to join the organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invitation {
    pub id: i64,
    /// The address as entered.
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[schema(value_type = String, example = "learner")]
    pub role: Role,
    /// The department's name, if one was assigned.
    #[schema(example = "Sales")]
    pub department: Option<String>,
    pub department_id: Option<i64>,
    /// The user group's name, if one was assigned.
    pub group: Option<String>,
    pub group_id: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `pending`, `expired`, `accepted` or `cancelled`.
    #[schema(value_type = String, example = "pending")]
    pub status: InvitationStatus,
    #[serde(serialize_with = "crate::json_time::serialize")]
    pub expires_at: DateTime<Utc>,
    /// When the email was last (re)sent.
    #[serde(serialize_with = "crate::json_time::serialize")]
    pub sent_at: DateTime<Utc>,
    /// How many times it was sent (1 + resends).
    pub send_count: i32,
    pub invited_by: Option<Inviter>,
    /// Courses the invitee will be enrolled in on acceptance.
    pub courses: Vec<CourseRef>,
    /// The state of the latest email for this invitation.
    pub email_delivery: Option<EmailDelivery>,
    #[serde(serialize_with = "crate::json_time::optional")]
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_user_id: Option<i64>,
    #[serde(serialize_with = "crate::json_time::optional")]
    pub cancelled_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::json_time::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::json_time::serialize")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Inviter {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CourseRef {
    pub id: i64,
    pub title: String,
}

/// Where the invitation email is: `queued`, `sending`, `sent` or `failed` (`superseded` when
/// the invitation was cancelled before the email went out).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmailDelivery {
    #[schema(example = "queued")]
    pub status: String,
    pub attempts: i32,
    #[serde(serialize_with = "crate::json_time::optional")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
    #[serde(serialize_with = "crate::json_time::optional")]
    pub sent_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::json_time::serialize")]
    pub queued_at: DateTime<Utc>,
}

/// The stored columns the view needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: i64,
    pub organization_id: i64,
    pub email: String,
    pub email_folded: String,
    pub role: String,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token_hash: String,
    pub status: String,
    pub expires_at: NaiveDateTime,
    pub invited_by: Option<i64>,
    pub sent_at: NaiveDateTime,
    pub send_count: i32,
    pub accepted_at: Option<NaiveDateTime>,
    pub accepted_user_id: Option<i64>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl InvitationRow {
    /// The rules' view of this row. A status outside the CHECK constraint cannot be stored.
    pub fn rules(&self) -> ApiResult<Rules> {
        let stored = StoredStatus::parse(&self.status).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "invitation {} has status {:?}",
                self.id,
                self.status
            ))
        })?;
        Ok(Rules {
            stored,
            expires_at: from_db(self.expires_at),
        })
    }
}

/// Loads one invitation of the organization; another organization's id is "not found".
pub fn find_row(conn: &mut DbConnection, org: i64, id: i64) -> ApiResult<InvitationRow> {
    invitations::table
        .filter(invitations::id.eq(id))
        .filter(invitations::organization_id.eq(org))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("Invitation"))
}

pub fn load_one(
    conn: &mut DbConnection,
    org: i64,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<Invitation> {
    let row = find_row(conn, org, id)?;
    load_views(conn, vec![row], now)?
        .pop()
        .ok_or_else(|| ApiError::not_found("Invitation"))
}

/// What a view shows by name rather than by id.
#[derive(Debug, Default)]
pub struct Names {
    pub department: Option<String>,
    pub group: Option<String>,
    pub inviter: Option<Inviter>,
}

impl Names {
    /// From the columns of a join with the department, the group and the inviter.
    pub fn joined(
        department: Option<String>,
        group: Option<String>,
        inviter: Option<(i64, String, Option<String>, Option<String>)>,
    ) -> Self {
        Self {
            department,
            group,
            inviter: inviter.map(|(id, email, first, last)| Inviter {
                id,
                email,
                name: skillstream_domain::full_name(first.as_deref(), last.as_deref()),
            }),
        }
    }
}

/// Turns rows into views with up to five queries whatever the number of rows.
pub fn load_views(
    conn: &mut DbConnection,
    rows: Vec<InvitationRow>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Invitation>> {
    // Distinct ids; a lookup with nothing to look up is skipped (a page of CSV invitations
    // often has no department or group at all).
    let distinct = |ids: Vec<i64>| {
        ids.into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    };
    let department_ids = distinct(rows.iter().filter_map(|r| r.department_id).collect());
    let group_ids = distinct(rows.iter().filter_map(|r| r.group_id).collect());
    let inviter_ids = distinct(rows.iter().filter_map(|r| r.invited_by).collect());

    let mut departments: HashMap<i64, String> = HashMap::new();
    if !department_ids.is_empty() {
        departments.extend(
            departments::table
                .filter(departments::id.eq_any(&department_ids))
                .select((departments::id, departments::name))
                .load::<(i64, String)>(conn)?,
        );
    }
    let mut groups: HashMap<i64, String> = HashMap::new();
    if !group_ids.is_empty() {
        groups.extend(
            user_groups::table
                .filter(user_groups::id.eq_any(&group_ids))
                .select((user_groups::id, user_groups::name))
                .load::<(i64, String)>(conn)?,
        );
    }
    let inviters: HashMap<i64, Inviter> = if inviter_ids.is_empty() {
        HashMap::new()
    } else {
        crate::routes::users::display_names(conn, &inviter_ids)?
            .into_iter()
            .map(|(id, (email, name))| (id, Inviter { id, email, name }))
            .collect()
    };
    let named = rows
        .into_iter()
        .map(|row| {
            let names = Names {
                department: row
                    .department_id
                    .and_then(|id| departments.get(&id).cloned()),
                group: row.group_id.and_then(|id| groups.get(&id).cloned()),
                inviter: row.invited_by.and_then(|id| inviters.get(&id).cloned()),
            };
            (row, names)
        })
        .collect();
    views(conn, named, now)
}

/// Views of rows whose names are known: two queries (courses, deliveries).
pub fn views(
    conn: &mut DbConnection,
    rows: Vec<(InvitationRow, Names)>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Invitation>> {
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();

    let mut courses_by_invitation: HashMap<i64, Vec<CourseRef>> = HashMap::new();
    for (invitation_id, id, title) in invitation_courses::table
        .inner_join(courses::table)
        .filter(invitation_courses::invitation_id.eq_any(&ids))
        .order((courses::title.asc(), courses::id.asc()))
        .select((
            invitation_courses::invitation_id,
            courses::id,
            courses::title,
        ))
        .load::<(i64, i64, String)>(conn)?
    {
        courses_by_invitation
            .entry(invitation_id)
            .or_default()
            .push(CourseRef { id, title });
    }
    // The newest email of each invitation is the one that matters; older ones were superseded
    // (and the newest reads `superseded` when a cancel withdrew it before it went out).
    let mut deliveries: HashMap<i64, EmailDelivery> = HashMap::new();
    type OutboxRow = (
        i64,
        String,
        i32,
        NaiveDateTime,
        Option<String>,
        Option<NaiveDateTime>,
        NaiveDateTime,
    );
    for (invitation_id, status, attempts, next, last_error, sent_at, created_at) in
        email_outbox::table
            .filter(email_outbox::invitation_id.eq_any(&ids))
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
            .load::<OutboxRow>(conn)?
    {
        deliveries
            .entry(invitation_id)
            .or_insert_with(|| EmailDelivery {
                next_attempt_at: matches!(status.as_str(), "queued" | "sending")
                    .then(|| from_db(next)),
                status,
                attempts,
                last_error,
                sent_at: sent_at.map(from_db),
                queued_at: from_db(created_at),
            });
    }

    rows.into_iter()
        .map(|(row, names)| {
            let status = row.rules()?.status(now);
            Ok(Invitation {
                id: row.id,
                role: Role::parse(&row.role).unwrap_or_default(),
                department: names.department,
                department_id: row.department_id,
                group: names.group,
                group_id: row.group_id,
                first_name: row.first_name,
                last_name: row.last_name,
                status,
                expires_at: from_db(row.expires_at),
                sent_at: from_db(row.sent_at),
                send_count: row.send_count,
                invited_by: names.inviter,
                courses: courses_by_invitation.remove(&row.id).unwrap_or_default(),
                email_delivery: deliveries.remove(&row.id),
                accepted_at: row.accepted_at.map(from_db),
                accepted_user_id: row.accepted_user_id,
                cancelled_at: row.cancelled_at.map(from_db),
                created_at: from_db(row.created_at),
                updated_at: from_db(row.updated_at),
                email: row.email,
            })
        })
        .collect()
}
