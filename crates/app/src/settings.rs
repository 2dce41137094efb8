//! The organization's invitation lifecycle settings: read, and changed with their event
//! (`organization.settings_changed`, with each changed field's old and new value).

use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::Event;
use serde_json::{json, Map, Value};
use skillstream_domain::settings::{OrganizationSettings, ScimProvisioning, SettingsChange};
use skillstream_domain::{Action, TargetType};
use skillstream_store::{organizations, write_transaction, DbConnection};

pub fn get(conn: &mut DbConnection, ctx: &Ctx) -> AppResult<OrganizationSettings> {
    Ok(organizations::settings(conn, ctx.org()?)?)
}

/// Applies `change` to the caller's organization; every value it cannot take is a field error
/// (422) and nothing changes. A change that changes nothing writes no event.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    change: &SettingsChange,
) -> AppResult<OrganizationSettings> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let current = organizations::settings(conn, org)?;
        let next = current.apply(change).map_err(|errors| {
            AppError::validation(
                errors
                    .into_iter()
                    .map(|e| FieldError::new(e.field, e.code, e.message))
                    .collect(),
            )
        })?;
        // Activated users sign in through single sign-on: there must be a provider.
        if next.scim_provisioning == ScimProvisioning::Activate
            && current.scim_provisioning != ScimProvisioning::Activate
            && !skillstream_store::sso::configured(conn, org)?
        {
            return Err(AppError::validation(vec![FieldError::new(
                "scim_provisioning",
                "sso_not_configured",
                "Set up single sign-on first: activated users sign in through it.",
            )]));
        }
        let changes = differences(&flat(&current), &flat(&next));
        if !changes.is_empty() {
            organizations::save_settings(conn, org, &next)?;
            let event = Event::new(ctx, org, Action::OrganizationSettingsChanged)
                .target(TargetType::Organization, org.get())
                .details(Map::from_iter([(
                    "changes".to_string(),
                    Value::Object(changes),
                )]));
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
        Ok(next)
    })
}

/// The settings as field → value, nested fields dotted as in the API's field errors.
fn flat(settings: &OrganizationSettings) -> Map<String, Value> {
    Map::from_iter([
        (
            "invitation_ttl_days".into(),
            json!(settings.invitation_ttl_days),
        ),
        (
            "reminders.enabled".into(),
            json!(settings.reminders.enabled),
        ),
        (
            "reminders.after_days".into(),
            json!(settings.reminders.after_days),
        ),
        (
            "reminders.before_expiry_days".into(),
            json!(settings.reminders.before_expiry_days),
        ),
        (
            "resend_grace_hours".into(),
            json!(settings.resend_grace_hours),
        ),
        ("expired_link".into(), json!(settings.expired_link.as_str())),
        ("seat_limit".into(), json!(settings.seat_limit)),
        ("time_zone".into(), json!(settings.time_zone)),
        (
            "scim_provisioning".into(),
            json!(settings.scim_provisioning.as_str()),
        ),
    ])
}

/// `{field: {from, to}}` for each field whose value differs.
fn differences(before: &Map<String, Value>, after: &Map<String, Value>) -> Map<String, Value> {
    after
        .iter()
        .filter(|(field, value)| before.get(*field) != Some(value))
        .map(|(field, value)| {
            let from = before.get(field).cloned().unwrap_or(Value::Null);
            (field.clone(), json!({ "from": from, "to": value }))
        })
        .collect()
}
