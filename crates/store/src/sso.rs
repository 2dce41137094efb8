//! Single sign-on: each organization's identity provider (its client secret sealed), the
//! sign-in requests waiting for the provider's callback, and members' SSO subjects.

use crate::schema::{organizations, sso_providers, sso_requests, users};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::MemberStatus;

/// The stored provider of an organization, with its sealed secret.
#[derive(Debug, Clone, Queryable)]
pub struct StoredProvider {
    pub issuer: String,
    pub client_id: String,
    pub client_secret_sealed: String,
}

pub fn provider(conn: &mut DbConnection, org: i64) -> StoreResult<Option<StoredProvider>> {
    sso_providers::table
        .find(org)
        .select((
            sso_providers::issuer,
            sso_providers::client_id,
            sso_providers::client_secret_sealed,
        ))
        .first(conn)
        .optional()
}

/// Replaces the organization's provider and sets whether it is mandatory.
/// Whether the organization has an identity provider set up.
pub fn configured(
    conn: &mut DbConnection,
    org: skillstream_domain::OrganizationId,
) -> StoreResult<bool> {
    Ok(provider(conn, org.get())?.is_some())
}

pub fn save_provider(
    conn: &mut DbConnection,
    org: i64,
    provider: &StoredProvider,
    enforced: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::delete(sso_providers::table.find(org)).execute(conn)?;
    diesel::insert_into(sso_providers::table)
        .values((
            sso_providers::organization_id.eq(org),
            sso_providers::issuer.eq(&provider.issuer),
            sso_providers::client_id.eq(&provider.client_id),
            sso_providers::client_secret_sealed.eq(&provider.client_secret_sealed),
            sso_providers::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    set_enforced(conn, org, enforced)
}

/// Removes the provider; members sign in with passwords again. Answers whether there was one.
pub fn remove_provider(conn: &mut DbConnection, org: i64) -> StoreResult<bool> {
    let removed = diesel::delete(sso_providers::table.find(org)).execute(conn)?;
    set_enforced(conn, org, false)?;
    Ok(removed > 0)
}

fn set_enforced(conn: &mut DbConnection, org: i64, enforced: bool) -> StoreResult<()> {
    diesel::update(organizations::table.find(org))
        .set(organizations::sso_enforced.eq(enforced))
        .execute(conn)
        .map(|_| ())
}

/// Organizations with an identity provider that have active members at `domain` (at most
/// ten). The answer depends on the domain only, never on one address.
pub fn organizations_at_domain(
    conn: &mut DbConnection,
    domain: &str,
    org_filter: Option<i64>,
) -> StoreResult<Vec<(i64, StoredProvider)>> {
    let mut query = sso_providers::table
        .filter(diesel::dsl::exists(
            users::table
                .filter(users::organization_id.eq(sso_providers::organization_id))
                .filter(users::email_folded.like(format!("%@{domain}")))
                .filter(users::status.eq(MemberStatus::Active)),
        ))
        .select((
            sso_providers::organization_id,
            (
                sso_providers::issuer,
                sso_providers::client_id,
                sso_providers::client_secret_sealed,
            ),
        ))
        .into_boxed();
    if let Some(org) = org_filter {
        query = query.filter(sso_providers::organization_id.eq(org));
    }
    query
        .order(sso_providers::organization_id.asc())
        .limit(10)
        .load(conn)
}

/// A sign-in waiting for the provider's callback. Only hashes of `state` and of the browser
/// key are kept.
pub struct NewRequest {
    pub state_hash: String,
    pub organization_id: i64,
    pub invitation_token_hash: Option<String>,
    pub browser_key_hash: String,
    pub nonce: String,
    pub code_verifier: String,
    pub expires_at: DateTime<Utc>,
}

pub fn insert_request(
    conn: &mut DbConnection,
    new: NewRequest,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(sso_requests::table)
        .values((
            sso_requests::state_hash.eq(new.state_hash),
            sso_requests::organization_id.eq(new.organization_id),
            sso_requests::invitation_token_hash.eq(new.invitation_token_hash),
            sso_requests::browser_key_hash.eq(new.browser_key_hash),
            sso_requests::nonce.eq(new.nonce),
            sso_requests::code_verifier.eq(new.code_verifier),
            sso_requests::created_at.eq(to_db(now)),
            sso_requests::expires_at.eq(to_db(new.expires_at)),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sso_requests)]
pub struct SignInRequest {
    pub id: i64,
    pub organization_id: i64,
    pub invitation_token_hash: Option<String>,
    pub browser_key_hash: String,
    pub nonce: String,
    pub code_verifier: String,
    pub expires_at: NaiveDateTime,
}

pub fn request_by_state(
    conn: &mut DbConnection,
    state_hash: &str,
) -> StoreResult<Option<SignInRequest>> {
    sso_requests::table
        .filter(sso_requests::state_hash.eq(state_hash))
        .select(SignInRequest::as_select())
        .first(conn)
        .optional()
}

/// Consumes a request; answers whether this call deleted it (of two, one does).
pub fn delete_request(conn: &mut DbConnection, id: i64) -> StoreResult<bool> {
    Ok(diesel::delete(sso_requests::table.find(id)).execute(conn)? == 1)
}

/// The active member of the organization who signed in as this subject before, else the one
/// with this (folded) address.
pub fn member_for_sign_in(
    conn: &mut DbConnection,
    org: i64,
    subject: &str,
    folded: &str,
) -> StoreResult<Option<i64>> {
    let by_subject: Option<i64> = users::table
        .filter(users::organization_id.eq(org))
        .filter(users::sso_subject.eq(subject))
        .filter(users::status.eq(MemberStatus::Active))
        .select(users::id)
        .first(conn)
        .optional()?;
    if by_subject.is_some() {
        return Ok(by_subject);
    }
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::email_folded.eq(folded))
        .filter(users::status.eq(MemberStatus::Active))
        .select(users::id)
        .first(conn)
        .optional()
}

/// An active member's organization, folded address and SSO subject.
pub fn active_identity(
    conn: &mut DbConnection,
    user_id: i64,
) -> StoreResult<Option<(i64, String, Option<String>)>> {
    users::table
        .find(user_id)
        .filter(users::status.eq(MemberStatus::Active))
        .select((
            users::organization_id,
            users::email_folded,
            users::sso_subject,
        ))
        .first(conn)
        .optional()
}

pub fn set_subject(conn: &mut DbConnection, user_id: i64, subject: &str) -> StoreResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::sso_subject.eq(subject))
        .execute(conn)
        .map(|_| ())
}
