//! Scheduled sends and reminders: an admin's changes to one invitation (send time, reminders
//! on or off, send now, copy link) and the scheduler's due work (scheduled sends, reminders),
//! each due item handled once whichever instance runs it.

use super::change::find;
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult};
use crate::events::{rfc3339, Event};
use chrono::{DateTime, Utc};
use skillstream_domain::settings::OrganizationSettings;
use skillstream_domain::{
    Action, EmailStatus, ImportId, InvitationId, InvitationTtl, OrganizationId, StoredStatus,
};
use skillstream_store::events::NewEvent;
use skillstream_store::invitations::{self as store, Due};
use skillstream_store::outbox::{self, NewEmail};
use skillstream_store::{organizations, write_transaction, DbConnection};
use std::collections::HashMap;

/// An admin's change to one invitation; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct InvitationChange {
    /// A new send time (while scheduled), as given.
    pub send_at: Option<String>,
    pub reminders_enabled: Option<bool>,
}

/// Changes a scheduled invitation's send time and/or turns its reminders on or off, with an
/// `invitation.updated` event naming what changed.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: InvitationId,
    change: &InvitationChange,
) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        let settings = organizations::settings(conn, org)?;
        let mut changes = serde_json::Map::new();
        if let Some(text) = &change.send_at {
            row.rules()
                .reschedule()
                .map_err(AppError::invitation_state)?;
            let input = super::InvitationInput {
                send_at: Some(text.clone()),
                ..Default::default()
            };
            let send_at = super::validate::schedule(conn, org, &input, ctx.now)?
                .map_err(|e| AppError::validation(vec![e]))?
                .ok_or_else(|| {
                    AppError::field(
                        "send_at",
                        "required",
                        "send_at cannot be empty; use Send now to send at once.",
                    )
                })?;
            let ttl = InvitationTtl::from_days(settings.invitation_ttl_days).unwrap_or_default();
            store::reschedule(conn, id, send_at, ttl.expiry_from(send_at), ctx.now)?;
            let before = row
                .send_at
                .map(|at| rfc3339(skillstream_store::from_db(at)));
            changes.insert(
                "send_at".into(),
                serde_json::json!({ "from": before, "to": rfc3339(send_at) }),
            );
        }
        if let Some(enabled) = change.reminders_enabled {
            if enabled != row.reminders_enabled {
                let next = if enabled && row.send_at.is_none() {
                    let sent = skillstream_store::from_db(row.sent_at);
                    let expires = skillstream_store::from_db(row.expires_at);
                    let after = row
                        .last_reminded_at
                        .map(skillstream_store::from_db)
                        .unwrap_or(sent)
                        .max(ctx.now);
                    settings.reminders.next_after(
                        sent,
                        expires,
                        after,
                        row.reminders_sent.max(0) as usize,
                    )
                } else {
                    None
                };
                let next = next.filter(|_| row.status == StoredStatus::Pending);
                store::set_reminders(conn, id, enabled, next, ctx.now)?;
                changes.insert(
                    "reminders_enabled".into(),
                    serde_json::json!({ "from": row.reminders_enabled, "to": enabled }),
                );
            }
        }
        if !changes.is_empty() {
            let event = Event::new(ctx, org, Action::InvitationUpdated)
                .invitation(id, &row.email)
                .import(row.import_id.map(ImportId))
                .details(details! { "changes": serde_json::Value::Object(changes) });
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
        Ok(())
    })
}

/// Sends a scheduled invitation now.
pub fn send_now(conn: &mut DbConnection, ctx: &Ctx, id: InvitationId) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        row.rules()
            .reschedule()
            .map_err(AppError::invitation_state)?;
        let settings = organizations::settings(conn, org)?;
        let sealed = store::sealed_token(conn, org, id)?;
        dispatch(conn, ctx.now, id, org, &row.email, sealed, &settings)?;
        let event = Event::new(ctx, org, Action::InvitationUpdated)
            .invitation(id, &row.email)
            .import(row.import_id.map(ImportId))
            .details(details! { "send_now": true });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}

/// The real send of a scheduled invitation: pending from `now`, expiring a lifetime later, its
/// email queued with the link sealed at creation.
fn dispatch(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    id: InvitationId,
    org: OrganizationId,
    email: &str,
    sealed: Option<String>,
    settings: &OrganizationSettings,
) -> AppResult<()> {
    let sealed = sealed.ok_or_else(|| {
        AppError::internal(anyhow::anyhow!(
            "scheduled invitation {id} has no sealed link"
        ))
    })?;
    let ttl = InvitationTtl::from_days(settings.invitation_ttl_days).unwrap_or_default();
    let expires_at = ttl.expiry_from(now);
    let next = settings.reminders.next_after(now, expires_at, now, 0);
    store::mark_sent(conn, id, expires_at, next, now)?;
    outbox::enqueue(conn, vec![NewEmail::queued(org, id, email, sealed, now)])?;
    Ok(())
}

/// Settings read once per organization in one batch of due work.
#[derive(Default)]
struct SettingsCache(HashMap<OrganizationId, OrganizationSettings>);

impl SettingsCache {
    fn get(
        &mut self,
        conn: &mut DbConnection,
        org: OrganizationId,
    ) -> AppResult<&OrganizationSettings> {
        match self.0.entry(org) {
            std::collections::hash_map::Entry::Occupied(entry) => Ok(entry.into_mut()),
            std::collections::hash_map::Entry::Vacant(entry) => {
                Ok(entry.insert(organizations::settings(conn, org)?))
            }
        }
    }
}

/// The scheduler: sends up to `limit` scheduled invitations whose time has come, in one
/// transaction. Safe with several instances: each is sent once.
pub fn send_due(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64) -> AppResult<usize> {
    write_transaction(conn, |conn| {
        let due: Vec<Due> = store::due_scheduled(conn, now, limit)?;
        let mut settings = SettingsCache::default();
        for item in &due {
            let org_settings = settings.get(conn, item.organization_id)?.clone();
            dispatch(
                conn,
                now,
                item.id,
                item.organization_id,
                &item.email,
                item.sealed_token.clone(),
                &org_settings,
            )?;
        }
        Ok(due.len())
    })
}

/// The scheduler: sends up to `limit` due reminders in one transaction, each through the
/// outbox with the invitation's current link and an `invitation.reminded` event, and places
/// the next one. Safe with several instances: each reminder goes out once. A reminder is
/// dropped (and no other follows) for an invitation no longer pending, with reminders turned
/// off (for it or its organization), or whose last email failed for good.
pub fn remind_due(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64) -> AppResult<usize> {
    let system = Ctx::system("scheduler").at(now);
    write_transaction(conn, |conn| {
        let due: Vec<Due> = store::due_reminders(conn, now, limit)?;
        if due.is_empty() {
            return Ok(0);
        }
        let ids: Vec<InvitationId> = due.iter().map(|d| d.id).collect();
        let times: HashMap<InvitationId, _> = store::sent_and_expiry(conn, &ids)?
            .into_iter()
            .map(|(id, sent, expires, enabled, status)| (id, (sent, expires, enabled, status)))
            .collect();
        let latest = store::latest_emails_of_any(conn, &ids)?;
        let mut settings = SettingsCache::default();
        let (mut emails, mut events) = (Vec::new(), Vec::<NewEvent>::new());
        for item in &due {
            let org_settings = settings.get(conn, item.organization_id)?;
            let Some(&(sent, expires, enabled, status)) = times.get(&item.id) else {
                continue;
            };
            let failed = latest
                .get(&item.id)
                .is_some_and(|email| email.status == EmailStatus::Failed);
            let remind = status == StoredStatus::Pending
                && expires > now
                && enabled
                && org_settings.reminders.enabled
                && !failed;
            match (remind, item.sealed_token.clone()) {
                (true, Some(sealed)) => {
                    let used = usize::try_from(item.reminders_sent + 1).unwrap_or(usize::MAX);
                    let next = org_settings.reminders.next_after(sent, expires, now, used);
                    store::mark_reminded(conn, item.id, true, next, now)?;
                    emails.push(NewEmail::reminder(
                        item.organization_id,
                        item.id,
                        &item.email,
                        sealed,
                        now,
                    ));
                    events.push(
                        Event::new(&system, item.organization_id, Action::InvitationReminded)
                            .invitation(item.id, &item.email)
                            .import(item.import_id.map(ImportId))
                            .details(details! { "reminder": item.reminders_sent + 1 })
                            .into_row(),
                    );
                }
                _ => store::mark_reminded(conn, item.id, false, None, now)?,
            }
        }
        let sent = emails.len();
        outbox::enqueue(conn, emails)?;
        skillstream_store::events::append(conn, events)?;
        Ok(sent)
    })
}

/// The accept URL of a pending invitation, for the admin to hand over (an
/// `invitation.link_copied` event records who took it).
pub fn copy_link(conn: &mut DbConnection, ctx: &Ctx, id: InvitationId) -> AppResult<String> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        row.rules()
            .share_link(ctx.now)
            .map_err(AppError::invitation_state)?;
        let token = store::sealed_token(conn, org, id)?
            .and_then(|sealed| crate::tokens::unseal(&ctx.seal_secret, &sealed))
            .ok_or_else(|| {
                AppError::new(
                    crate::error::ErrorCode::Conflict,
                    "This invitation's link can no longer be recovered (it was sent before links were kept, or the server secret changed). Resend it to get a new link.",
                )
            })?;
        let event = Event::new(ctx, org, Action::InvitationLinkCopied)
            .invitation(id, &row.email)
            .import(row.import_id.map(ImportId));
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(token)
    })
}
