//! The import history: an organization's uploads and batches, newest first, with who made
//! them and how the emails of what they sent are getting on.

use super::ImportRecord;
use crate::schema::{email_outbox, invitation_imports, invitations, users};
use crate::{DbConnection, StoreResult};
use diesel::prelude::*;
use skillstream_domain::{EmailKind, EmailStatus, ImportId, OrganizationId};
use std::collections::HashMap;

/// A page of the organization's imports, newest first, and how many there are.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<ImportRecord>, i64)> {
    let total = invitation_imports::table
        .filter(invitation_imports::organization_id.eq(org))
        .count()
        .get_result(conn)?;
    let records = invitation_imports::table
        .filter(invitation_imports::organization_id.eq(org))
        .order(invitation_imports::id.desc())
        .offset(offset)
        .limit(limit)
        .select(ImportRecord::as_select())
        .load(conn)?;
    Ok((records, total))
}

/// A member's first name, last name and address.
pub type Names = (Option<String>, Option<String>, String);

/// Who made each import: member id → their names.
pub fn creators(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<HashMap<i64, Names>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::first_name, users::last_name, users::email))
        .load::<(i64, Option<String>, Option<String>, String)>(conn)?
        .into_iter()
        .map(|(id, first, last, email)| (id, (first, last, email)))
        .collect())
}

/// Emails of each import's invitations: queued (or being sent), sent, failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmailProgress {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

pub fn email_progress(
    conn: &mut DbConnection,
    imports: &[ImportId],
) -> StoreResult<HashMap<ImportId, EmailProgress>> {
    let ids: Vec<i64> = imports.iter().map(|i| i.get()).collect();
    let counts: Vec<(Option<i64>, EmailStatus, i64)> = email_outbox::table
        .inner_join(invitations::table.on(invitations::id.eq(email_outbox::invitation_id)))
        .filter(invitations::import_id.eq_any(&ids))
        .filter(email_outbox::kind.eq(EmailKind::Invitation))
        .group_by((invitations::import_id, email_outbox::status))
        .select((
            invitations::import_id,
            email_outbox::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut out: HashMap<ImportId, EmailProgress> = HashMap::new();
    for (import, status, n) in counts {
        let Some(import) = import else { continue };
        let progress = out.entry(ImportId(import)).or_default();
        match status {
            EmailStatus::Queued | EmailStatus::Sending => progress.queued += n,
            EmailStatus::Sent => progress.sent += n,
            EmailStatus::Failed => progress.failed += n,
            // Withdrawn before sending (the invitation was cancelled or replaced).
            EmailStatus::Superseded => {}
        }
    }
    Ok(out)
}
