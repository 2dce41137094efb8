//! What SCIM provisioning keeps: the provisioned people (`scim_users`, found again by address
//! as pending invitation or member) and provisioned groups with the memberships of people who
//! have not accepted yet (see [`groups`]).

pub mod groups;

use crate::schema::scim_users;
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::OrganizationId;

/// A provisioned person.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scim_users)]
pub struct ScimUserRow {
    pub id: i64,
    pub organization_id: i64,
    pub email: String,
    pub email_folded: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The department's name (kept for when there is no member or invitation).
    pub department: Option<String>,
    /// What the identity provider last said (a member's own status wins when there is one).
    pub active: bool,
    pub deleted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The attributes of a provisioned person, written whole.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = scim_users, treat_none_as_null = true)]
pub struct ScimUserValues<'a> {
    pub email: &'a str,
    pub email_folded: &'a str,
    pub external_id: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub given_name: Option<&'a str>,
    pub family_name: Option<&'a str>,
    pub department: Option<&'a str>,
    pub active: bool,
    pub deleted_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    org: OrganizationId,
    values: &ScimUserValues<'_>,
    now: DateTime<Utc>,
) -> StoreResult<ScimUserRow> {
    diesel::insert_into(scim_users::table)
        .values((
            scim_users::organization_id.eq(org.get()),
            scim_users::created_at.eq(to_db(now)),
            values,
        ))
        .returning(scim_users::id)
        .get_result::<i64>(conn)
        .map(|id| ScimUserRow {
            id,
            organization_id: org.get(),
            email: values.email.to_string(),
            email_folded: values.email_folded.to_string(),
            external_id: values.external_id.map(str::to_string),
            display_name: values.display_name.map(str::to_string),
            given_name: values.given_name.map(str::to_string),
            family_name: values.family_name.map(str::to_string),
            department: values.department.map(str::to_string),
            active: values.active,
            deleted_at: values.deleted_at,
            created_at: to_db(now),
            updated_at: values.updated_at,
        })
}

pub fn update(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
    values: &ScimUserValues<'_>,
) -> StoreResult<()> {
    diesel::update(
        scim_users::table
            .find(id)
            .filter(scim_users::organization_id.eq(org.get())),
    )
    .set(values)
    .execute(conn)
    .map(|_| ())
}

/// A provisioned person of the organization, not deleted.
pub fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
) -> StoreResult<Option<ScimUserRow>> {
    scim_users::table
        .filter(scim_users::id.eq(id))
        .filter(scim_users::organization_id.eq(org.get()))
        .filter(scim_users::deleted_at.is_null())
        .select(ScimUserRow::as_select())
        .first(conn)
        .optional()
}

/// The provisioned person at this (folded) address, deleted or not.
pub fn find_by_address(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
) -> StoreResult<Option<ScimUserRow>> {
    scim_users::table
        .filter(scim_users::organization_id.eq(org.get()))
        .filter(scim_users::email_folded.eq(folded))
        .select(ScimUserRow::as_select())
        .first(conn)
        .optional()
}

/// What a list of users is narrowed to (every given condition holds).
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub id: Option<i64>,
    pub email_folded: Option<String>,
    pub external_id: Option<String>,
}

/// A page of the organization's provisioned people (not deleted), oldest first, and how many
/// match.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    query: &UserQuery,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<ScimUserRow>, i64)> {
    let filtered = || {
        let mut q = scim_users::table
            .filter(scim_users::organization_id.eq(org.get()))
            .filter(scim_users::deleted_at.is_null())
            .into_boxed();
        if let Some(id) = query.id {
            q = q.filter(scim_users::id.eq(id));
        }
        if let Some(folded) = &query.email_folded {
            q = q.filter(scim_users::email_folded.eq(folded.clone()));
        }
        if let Some(external) = &query.external_id {
            q = q.filter(scim_users::external_id.eq(external.clone()));
        }
        q
    };
    let rows: Vec<ScimUserRow> = if limit > 0 {
        filtered()
            .order(scim_users::id.asc())
            .offset(offset)
            .limit(limit)
            .select(ScimUserRow::as_select())
            .load(conn)?
    } else {
        Vec::new()
    };
    // A first page that is not full is everything (an identity provider's filter by userName
    // before each create): no count needed.
    let total = match i64::try_from(rows.len()) {
        Ok(n) if offset == 0 && n < limit => n,
        _ => filtered().count().get_result(conn)?,
    };
    Ok((rows, total))
}

/// True when another provisioned person of the organization has this address.
pub fn address_taken(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
    except: i64,
) -> StoreResult<bool> {
    Ok(scim_users::table
        .filter(scim_users::organization_id.eq(org.get()))
        .filter(scim_users::email_folded.eq(folded))
        .filter(scim_users::id.ne(except))
        .select(scim_users::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// Removes a provisioned person's record (the address moves to another person's record).
pub fn delete(conn: &mut DbConnection, org: OrganizationId, id: i64) -> StoreResult<()> {
    diesel::delete(
        scim_users::table
            .find(id)
            .filter(scim_users::organization_id.eq(org.get())),
    )
    .execute(conn)
    .map(|_| ())
}

/// The addresses of these provisioned people of the organization, by id.
pub fn addresses(
    conn: &mut DbConnection,
    org: OrganizationId,
    ids: &[i64],
) -> StoreResult<Vec<(i64, String)>> {
    scim_users::table
        .filter(scim_users::organization_id.eq(org.get()))
        .filter(scim_users::id.eq_any(ids))
        .filter(scim_users::deleted_at.is_null())
        .order(scim_users::id.asc())
        .select((scim_users::id, scim_users::email))
        .load(conn)
}
