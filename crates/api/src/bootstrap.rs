//! Organizations and admins made outside the API: on the first start with an empty database,
//! and by `skillstream create-admin`.

use crate::auth::password::{check_policy, hash_password};
use crate::db::schema::{organizations, users};
use crate::db::{to_db, write_transaction, DbConnection};
use crate::tokens::random_token;
use chrono::Utc;
use diesel::prelude::*;
use skillstream_domain::EmailAddress;

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The admin made by `create_admin`.
#[derive(Debug, Clone)]
pub struct CreatedAdmin {
    pub organization_id: i64,
    pub user_id: i64,
    pub email: String,
}

/// Makes `email` an admin of the organization named `org_name` with `password`, creating the
/// organization if it does not exist. An existing member of it becomes an admin with the new
/// password (so the command also recovers a lost admin password).
/// The way back in when the identity provider is down or misconfigured while SSO is enforced:
/// password sign-in works again for organization `org_name` (the provider stays set up, so
/// "Continue with SSO" keeps working). Returns false when there is no such organization.
pub fn stop_enforcing_sso(conn: &mut DbConnection, org_name: &str) -> Result<bool, BootstrapError> {
    let changed =
        diesel::update(organizations::table.filter(organizations::name.eq(org_name.trim())))
            .set(organizations::sso_enforced.eq(false))
            .execute(conn)?;
    Ok(changed > 0)
}

pub fn create_admin(
    conn: &mut DbConnection,
    org_name: &str,
    email: &str,
    password: &str,
) -> Result<CreatedAdmin, BootstrapError> {
    let org_name = org_name.trim();
    if org_name.is_empty() || org_name.chars().count() > 200 {
        return Err(BootstrapError::Invalid(
            "The organization name must be 1 to 200 characters.".into(),
        ));
    }
    let email = EmailAddress::parse(email).map_err(|e| BootstrapError::Invalid(e.to_string()))?;
    check_policy(password).map_err(|e| BootstrapError::Invalid(e.to_string()))?;
    let hash = hash_password(password)?;
    let now = to_db(Utc::now());
    write_transaction(conn, |conn| {
        let existing: Option<i64> = organizations::table
            .filter(organizations::name.eq(org_name))
            .select(organizations::id)
            .first(conn)
            .optional()?;
        let organization_id = match existing {
            Some(id) => id,
            None => diesel::insert_into(organizations::table)
                .values((
                    organizations::name.eq(org_name),
                    organizations::invitation_ttl_days.eq(7),
                    organizations::sso_enforced.eq(false),
                    organizations::created_at.eq(now),
                ))
                .returning(organizations::id)
                .get_result(conn)?,
        };
        let member: Option<i64> = users::table
            .filter(users::organization_id.eq(organization_id))
            .filter(users::email_folded.eq(email.folded()))
            .select(users::id)
            .first(conn)
            .optional()?;
        let user_id = match member {
            Some(id) => {
                diesel::update(users::table.find(id))
                    .set((
                        users::role.eq("admin"),
                        users::status.eq("active"),
                        users::password_hash.eq(&hash),
                    ))
                    .execute(conn)?;
                // A password reset ends every session signed in with the old one.
                crate::auth::session::revoke_member(conn, organization_id, id, chrono::Utc::now())
                    .map_err(|e| anyhow::anyhow!("ending the sessions failed: {e}"))?;
                id
            }
            None => diesel::insert_into(users::table)
                .values((
                    users::organization_id.eq(organization_id),
                    users::email.eq(email.as_str()),
                    users::email_folded.eq(email.folded()),
                    users::password_hash.eq(&hash),
                    users::role.eq("admin"),
                    users::status.eq("active"),
                    users::created_at.eq(now),
                ))
                .returning(users::id)
                .get_result(conn)?,
        };
        Ok(CreatedAdmin {
            organization_id,
            user_id,
            email: email.as_str().to_string(),
        })
    })
}

/// What the first start made, to print.
#[derive(Debug, Clone)]
pub struct FirstStart {
    pub organization: String,
    pub email: String,
    /// Set when the password was generated (not given in `ADMIN_PASSWORD`).
    pub generated_password: Option<String>,
}

/// On an empty database, creates an organization and its first admin. Does nothing when any
/// organization exists.
pub fn first_start(
    conn: &mut DbConnection,
    org_name: &str,
    email: &str,
    password: Option<&str>,
) -> Result<Option<FirstStart>, BootstrapError> {
    let organizations: i64 = organizations::table.count().get_result(conn)?;
    if organizations > 0 {
        return Ok(None);
    }
    let generated = password.is_none().then(|| random_token(12));
    let password = password.or(generated.as_deref()).unwrap_or_default();
    let admin = match create_admin(conn, org_name, email, password) {
        Ok(admin) => admin,
        // Another instance starting at the same moment made it first.
        Err(BootstrapError::Database(e)) if crate::db::is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(FirstStart {
        organization: org_name.to_string(),
        email: admin.email,
        generated_password: generated,
    }))
}
