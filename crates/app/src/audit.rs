//! The activity log as admins read it: the organization's events, filtered, newest first.

use crate::error::{AppError, AppResult, FieldError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use skillstream_domain::{Action, ActorType, OrganizationId, TargetType};
use skillstream_store::events::{self as store, EventFilter, EventRow};
use skillstream_store::{from_db, DbConnection};
use utoipa::ToSchema;

/// Filters as given in the query string; [`parse_filter`] checks them.
#[derive(Debug, Clone, Default)]
pub struct FilterInput {
    pub action: Option<String>,
    pub actor_type: Option<String>,
    pub actor_id: Option<i64>,
    pub target_email: Option<String>,
    pub invitation_id: Option<i64>,
    pub import_id: Option<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A filter instant: absent, or an RFC 3339 date-time exactly — `T` between date and time
/// (chrono also takes a space, which the document's `date-time` format does not), nothing
/// around it.
fn instant(
    field: &str,
    value: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    let value = value?;
    let separated = matches!(value.as_bytes().get(10), Some(b'T' | b't'));
    match DateTime::parse_from_rfc3339(value)
        .ok()
        .filter(|_| separated)
    {
        Some(at) => Some(at.with_timezone(&Utc)),
        None => {
            errors.push(FieldError::new(
                field,
                "invalid_datetime",
                format!("{field} must be an RFC 3339 date and time, such as 2026-12-01T09:00:00Z."),
            ));
            None
        }
    }
}

/// Checks the filters, reporting every problem at once (422).
pub fn parse_filter(input: &FilterInput) -> AppResult<EventFilter> {
    let mut errors = Vec::new();
    let mut actions = Vec::new();
    for name in input
        .action
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match Action::from_stored(name) {
            Some(action) => actions.push(action),
            None => errors.push(FieldError::new(
                "action",
                "invalid_action",
                format!("\"{name}\" is not an action of the activity log (for example invitation.created)."),
            )),
        }
    }
    // Exactly one of the names, as the document's enum says.
    let actor_type = match input.actor_type.as_deref() {
        None => None,
        Some(raw) => {
            let found = ActorType::from_stored(raw);
            if found.is_none() {
                errors.push(FieldError::new(
                    "actor_type",
                    "invalid_actor_type",
                    format!("\"{raw}\" is not an actor type. Use member, api_token, scim, invitee or system."),
                ));
            }
            found
        }
    };
    let from = instant("from", input.from.as_deref(), &mut errors);
    let to = instant("to", input.to.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    Ok(EventFilter {
        actions,
        actor_type,
        actor_id: input.actor_id,
        target_email_folded: input
            .target_email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(skillstream_domain::email::fold),
        invitation_id: input.invitation_id,
        import_id: input.import_id,
        from,
        to,
    })
}

/// Who caused an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventActor {
    #[serde(rename = "type")]
    pub kind: ActorType,
    pub id: Option<i64>,
    pub name: Option<String>,
}

/// What an event happened to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventTarget {
    #[serde(rename = "type")]
    pub kind: Option<TargetType>,
    pub id: Option<i64>,
    pub email: Option<String>,
}

/// One entry of the activity log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub action: Action,
    pub actor: EventActor,
    pub target: EventTarget,
    pub import_id: Option<i64>,
    pub request_id: Option<String>,
    /// What changed, specific to the action (never a link token, password or secret).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<EventRow> for AuditEvent {
    fn from(row: EventRow) -> Self {
        Self {
            id: row.id,
            occurred_at: from_db(row.occurred_at),
            action: row.action,
            actor: EventActor {
                kind: row.actor_type,
                id: row.actor_id,
                name: row.actor_name,
            },
            target: EventTarget {
                kind: row.target_type,
                id: row.target_id,
                email: row.target_email,
            },
            import_id: row.import_id,
            request_id: row.request_id,
            details: serde_json::from_str(&row.details)
                .unwrap_or_else(|_| serde_json::Value::Object(Default::default())),
        }
    }
}

/// A page of the organization's events and how many match.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &EventFilter,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<AuditEvent>, i64)> {
    let (rows, total) = store::page(conn, org, filter, offset, limit)?;
    Ok((rows.into_iter().map(AuditEvent::from).collect(), total))
}

/// At most this many events go into one CSV download.
pub const CSV_LIMIT: i64 = 100_000;

/// The matching events, newest first, up to [`CSV_LIMIT`].
pub fn all(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &EventFilter,
) -> AppResult<Vec<AuditEvent>> {
    Ok(store::all(conn, org, filter, CSV_LIMIT)?
        .into_iter()
        .map(AuditEvent::from)
        .collect())
}

/// Deletes events older than the retention period; answers how many.
pub fn sweep(conn: &mut DbConnection, now: DateTime<Utc>, retention_days: i64) -> AppResult<usize> {
    Ok(store::delete_older_than(
        conn,
        now - chrono::Duration::days(retention_days),
    )?)
}
