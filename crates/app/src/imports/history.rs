//! Admin → People → Imports: every upload and batch of the organization, newest first, with
//! who made it, its mode and counts, and how the emails of what it sent are getting on (from
//! the outbox, so the page follows them live).

use crate::error::AppResult;
use skillstream_domain::{full_name, ImportId, OrganizationId};
use skillstream_store::imports::history::{self, EmailProgress};
use skillstream_store::imports::ImportRecord;
use skillstream_store::DbConnection;

/// One import as the history lists it.
#[derive(Debug, Clone)]
pub struct HistoryItem {
    pub record: ImportRecord,
    /// Who made it: their id and name (their address when they have no name).
    pub created_by: Option<(i64, String)>,
    pub emails: EmailProgress,
}

/// A page of the history and how many imports there are.
pub fn history(
    conn: &mut DbConnection,
    org: OrganizationId,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<HistoryItem>, i64)> {
    let (records, total) = history::page(conn, org, offset, limit)?;
    let creators: Vec<i64> = records.iter().filter_map(|r| r.created_by).collect();
    let names = history::creators(conn, &creators)?;
    let ids: Vec<ImportId> = records.iter().map(|r| r.id).collect();
    let mut progress = history::email_progress(conn, &ids)?;
    let items = records
        .into_iter()
        .map(|record| {
            let created_by = record.created_by.and_then(|id| {
                names.get(&id).map(|(first, last, email)| {
                    let name = full_name(first.as_deref(), last.as_deref())
                        .unwrap_or_else(|| email.clone());
                    (id, name)
                })
            });
            let emails = progress.remove(&record.id).unwrap_or_default();
            HistoryItem {
                record,
                created_by,
                emails,
            }
        })
        .collect();
    Ok((items, total))
}
