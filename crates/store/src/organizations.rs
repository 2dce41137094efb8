//! Organizations: the tenants, with the settings the use cases read.

use crate::schema::{organizations, sso_providers};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::settings::{
    ExpiredLink, OrganizationSettings, Reminders, ScimProvisioning,
};
use skillstream_domain::{InvitationTtl, OrganizationId};

/// The organization's invitation lifetime.
pub fn invitation_ttl(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<InvitationTtl> {
    let days: i32 = organizations::table
        .find(org)
        .select(organizations::invitation_ttl_days)
        .first(conn)?;
    Ok(InvitationTtl::from_days(i64::from(days)).unwrap_or_default())
}

type SettingsColumns = (
    i32,
    bool,
    String,
    Option<i32>,
    i32,
    ExpiredLink,
    Option<i64>,
    String,
    ScimProvisioning,
);

/// The organization's invitation lifecycle settings.
pub fn settings(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<OrganizationSettings> {
    let (
        ttl,
        enabled,
        after,
        before,
        grace,
        expired_link,
        seat_limit,
        time_zone,
        scim_provisioning,
    ): SettingsColumns = organizations::table
        .find(org)
        .select((
            organizations::invitation_ttl_days,
            organizations::reminders_enabled,
            organizations::reminder_after_days,
            organizations::reminder_before_expiry_days,
            organizations::resend_grace_hours,
            organizations::expired_link,
            organizations::seat_limit,
            organizations::time_zone,
            organizations::scim_provisioning,
        ))
        .first(conn)?;
    Ok(OrganizationSettings {
        invitation_ttl_days: i64::from(ttl),
        reminders: Reminders {
            enabled,
            // Written by `save_settings` only; a part that is not a number cannot occur.
            after_days: after
                .split(',')
                .filter_map(|d| d.trim().parse().ok())
                .collect(),
            before_expiry_days: before.map(i64::from),
        },
        resend_grace_hours: i64::from(grace),
        expired_link,
        seat_limit,
        time_zone,
        scim_provisioning,
    })
}

/// Stores settings the domain has checked (every number is within its range).
pub fn save_settings(
    conn: &mut DbConnection,
    org: OrganizationId,
    settings: &OrganizationSettings,
) -> StoreResult<()> {
    let small = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    let after = settings
        .reminders
        .after_days
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    diesel::update(organizations::table.find(org))
        .set((
            organizations::invitation_ttl_days.eq(small(settings.invitation_ttl_days)),
            organizations::reminders_enabled.eq(settings.reminders.enabled),
            organizations::reminder_after_days.eq(after),
            organizations::reminder_before_expiry_days
                .eq(settings.reminders.before_expiry_days.map(small)),
            organizations::resend_grace_hours.eq(small(settings.resend_grace_hours)),
            organizations::expired_link.eq(settings.expired_link),
            organizations::seat_limit.eq(settings.seat_limit),
            organizations::time_zone.eq(&settings.time_zone),
            organizations::scim_provisioning.eq(settings.scim_provisioning),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether the organization makes its members sign in through its identity provider.
pub fn sso_enforced(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<bool> {
    organizations::table
        .find(org)
        .select(organizations::sso_enforced)
        .first(conn)
}

/// Name, enforcement and whether an identity provider is set up, in one query.
pub fn landing(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<(String, bool, bool)> {
    let (name, enforced, provider): (String, bool, Option<i64>) = organizations::table
        .left_join(sso_providers::table)
        .filter(organizations::id.eq(org))
        .select((
            organizations::name,
            organizations::sso_enforced,
            sso_providers::organization_id.nullable(),
        ))
        .first(conn)?;
    Ok((name, enforced, provider.is_some()))
}

/// How many organizations exist.
pub fn count(conn: &mut DbConnection) -> StoreResult<i64> {
    organizations::table.count().get_result(conn)
}

/// The organization with this name, created (TTL 7 days, SSO not enforced) when missing.
pub fn find_or_create(
    conn: &mut DbConnection,
    name: &str,
    now: DateTime<Utc>,
) -> StoreResult<OrganizationId> {
    let existing: Option<OrganizationId> = organizations::table
        .filter(organizations::name.eq(name))
        .select(organizations::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => Ok(id),
        None => diesel::insert_into(organizations::table)
            .values((
                organizations::name.eq(name),
                organizations::invitation_ttl_days.eq(7),
                organizations::sso_enforced.eq(false),
                organizations::created_at.eq(to_db(now)),
            ))
            .returning(organizations::id)
            .get_result(conn),
    }
}

/// Password sign-in works again for the organization of this name; answers whether it exists.
pub fn stop_enforcing_sso(conn: &mut DbConnection, name: &str) -> StoreResult<bool> {
    Ok(
        diesel::update(organizations::table.filter(organizations::name.eq(name)))
            .set(organizations::sso_enforced.eq(false))
            .execute(conn)?
            > 0,
    )
}
