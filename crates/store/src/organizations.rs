//! Organizations: the tenants, with the settings the use cases read.

use crate::schema::{organizations, sso_providers};
use crate::{DbConnection, StoreResult};
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
