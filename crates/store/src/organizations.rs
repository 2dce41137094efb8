//! Organizations: the tenants, with the settings the use cases read.

use crate::schema::{organizations, sso_providers};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{InvitationTtl, OrganizationId};

/// The organization's invitation lifetime.
pub fn invitation_ttl(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<InvitationTtl> {
    let days: i32 = organizations::table
        .find(org)
        .select(organizations::invitation_ttl_days)
        .first(conn)?;
    Ok(InvitationTtl::from_days(i64::from(days)).unwrap_or_default())
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
