//! Organizations and admins made outside the API: on the first start with an empty database,
//! and by `skillstream create-admin`.

use crate::auth::password::{check_policy, hash_password};
use crate::db::{members, organizations, write_transaction, DbConnection, StoreError};
use crate::tokens::random_token;
use chrono::Utc;
use skillstream_domain::{EmailAddress, Role};

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] StoreError),
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
    Ok(organizations::stop_enforcing_sso(conn, org_name.trim())?)
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
    let now = Utc::now();
    write_transaction(conn, |conn| {
        let organization_id = organizations::find_or_create(conn, org_name, now)?;
        let user_id = match members::find_by_address(conn, organization_id, email.folded())? {
            Some(id) => {
                members::make_admin(conn, id, &hash)?;
                // A password reset ends every session signed in with the old one.
                crate::auth::session::revoke_member(conn, organization_id.get(), id.get(), now)
                    .map_err(|e| anyhow::anyhow!("ending the sessions failed: {e}"))?;
                id
            }
            None => members::insert(
                conn,
                &members::NewMember {
                    organization_id,
                    email: email.as_str(),
                    email_folded: email.folded(),
                    password_hash: Some(&hash),
                    first_name: None,
                    last_name: None,
                    role: Role::Admin,
                    department_id: None,
                    group_id: None,
                    sso_subject: None,
                },
                now,
            )?,
        };
        Ok(CreatedAdmin {
            organization_id: organization_id.get(),
            user_id: user_id.get(),
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
    if organizations::count(conn)? > 0 {
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
