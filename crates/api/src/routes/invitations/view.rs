//! The invitation as admins see it, with its courses and the state of its email.

use crate::db::{from_db, DbConnection};
use crate::error::{AppError, AppResult, FieldError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use skillstream_app::invitations::query::{self, InviterColumns, PageRow};
use skillstream_domain::{EmailStatus, InvitationId, InvitationStatus, OrganizationId, Role};
use utoipa::ToSchema;

/// An invitation to join the organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invitation {
    pub id: i64,
    /// The address as entered.
    #[schema(example = "ada@example.com")]
    pub email: String,
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
    /// When a `scheduled` invitation will be sent (null once sent).
    #[serde(serialize_with = "crate::json_time::optional")]
    pub send_at: Option<DateTime<Utc>>,
    /// Automatic reminders for this invitation (the organization's `reminders` settings).
    pub reminders_enabled: bool,
    pub reminders_sent: i32,
    #[serde(serialize_with = "crate::json_time::optional")]
    pub last_reminded_at: Option<DateTime<Utc>>,
    /// When the next reminder goes out (null: none planned).
    #[serde(serialize_with = "crate::json_time::optional")]
    pub next_reminder_at: Option<DateTime<Utc>>,
    /// When the holder of the expired link asked for a new invitation (`ask_admin`); cleared
    /// by a resend.
    #[serde(serialize_with = "crate::json_time::optional")]
    pub renewal_requested_at: Option<DateTime<Utc>>,
    /// Only in the answer to a send with `send_email: false`: the link to hand over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_url: Option<String>,
    /// Only in the answer to a send: hints that did not stop it, such as `possible_typo` on
    /// `email` with the address probably meant (`bob@gmial.com` → `bob@gmail.com`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<FieldError>,
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
    pub status: EmailStatus,
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

/// Loads one invitation of the organization; another organization's id is "not found".
pub fn load_one(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
    now: DateTime<Utc>,
) -> AppResult<Invitation> {
    let row = query::find(conn, org, id)?.ok_or_else(|| AppError::not_found("Invitation"))?;
    views(conn, org, vec![row], now)?
        .pop()
        .ok_or_else(|| AppError::not_found("Invitation"))
}

fn inviter(columns: Option<InviterColumns>) -> Option<Inviter> {
    columns.map(|(id, email, first, last)| Inviter {
        id,
        email,
        name: skillstream_domain::full_name(first.as_deref(), last.as_deref()),
    })
}

/// Views of rows whose names are joined: two more queries (courses, deliveries) whatever the
/// number of rows.
pub fn views(
    conn: &mut DbConnection,
    org: OrganizationId,
    rows: Vec<PageRow>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Invitation>> {
    let ids: Vec<InvitationId> = rows.iter().map(|(r, ..)| r.id).collect();
    let (mut courses, mut emails) = query::extras(conn, org, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, department, group, invited_by)| {
            let status = row.rules().status(now);
            Invitation {
                id: row.id.get(),
                role: row.role,
                department,
                department_id: row.department_id,
                group,
                group_id: row.group_id,
                first_name: row.first_name,
                last_name: row.last_name,
                status,
                expires_at: from_db(row.expires_at),
                sent_at: from_db(row.sent_at),
                send_count: row.send_count,
                invited_by: inviter(invited_by),
                courses: courses
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(id, title)| CourseRef { id, title })
                    .collect(),
                email_delivery: emails.remove(&row.id).map(|email| EmailDelivery {
                    next_attempt_at: EmailStatus::UNSENT
                        .contains(&email.status)
                        .then(|| from_db(email.next_attempt_at)),
                    status: email.status,
                    attempts: email.attempts,
                    last_error: email.last_error,
                    sent_at: email.sent_at.map(from_db),
                    queued_at: from_db(email.created_at),
                }),
                accepted_at: row.accepted_at.map(from_db),
                accepted_user_id: row.accepted_user_id,
                cancelled_at: row.cancelled_at.map(from_db),
                created_at: from_db(row.created_at),
                updated_at: from_db(row.updated_at),
                warnings: Vec::new(),
                send_at: row.send_at.map(from_db),
                reminders_enabled: row.reminders_enabled,
                reminders_sent: row.reminders_sent,
                last_reminded_at: row.last_reminded_at.map(from_db),
                next_reminder_at: row.next_reminder_at.map(from_db),
                renewal_requested_at: row.renewal_requested_at.map(from_db),
                accept_url: None,
                email: row.email,
            }
        })
        .collect())
}
