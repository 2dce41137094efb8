//! Bulk resend or cancel of every invitation a filter matches (up to 10,000 at once), with a
//! dry run that counts first, each skipped invitation with its reason, and `Idempotency-Key`.

use super::change::{cancel_many, resend_many};
use super::validate::resolve_name;
use crate::context::Ctx;
use crate::error::FieldError;
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_domain::{ImportId, InvitationId, InvitationStatus, OrganizationId};
use skillstream_domain::{InvitationTtl, StoredStatus};
use skillstream_store::catalog::Kind;
use skillstream_store::invitations::{self as store, InvitationRow, ListFilter};
use skillstream_store::{idempotency, members, organizations, write_transaction, DbConnection};
use skillstream_store::{like_contains, to_db};
use std::collections::HashSet;
use utoipa::ToSchema;

/// The most invitations one bulk action changes.
pub const MAX_BULK: i64 = 10_000;

/// Which invitations: every filter given must match (none: all of the organization's).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkFilter {
    /// `scheduled`, `pending`, `expired`, `accepted` or `cancelled`.
    #[schema(example = "pending")]
    pub status: Option<String>,
    /// A department's exact name.
    pub department: Option<String>,
    /// A user group's exact name.
    pub group: Option<String>,
    pub import_id: Option<i64>,
    /// Text in the email address (case-insensitive).
    pub q: Option<String>,
    /// Last (re)sent before this instant (RFC 3339).
    #[schema(format = DateTime)]
    pub sent_before: Option<String>,
    /// Last (re)sent at or after this instant (RFC 3339).
    #[schema(format = DateTime)]
    pub sent_after: Option<String>,
    /// Only these invitations.
    pub ids: Option<Vec<i64>>,
}

fn instant(text: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            errors.push(FieldError::new(
                field,
                "invalid_time",
                format!("{field} must be an RFC 3339 instant such as 2026-12-01T00:00:00Z."),
            ))
        })
        .ok()
}

/// The store's filter of a request's (names resolved in the organization, like a send's), with
/// every problem reported at once as `filter.*` field errors.
fn resolve_filter(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &BulkFilter,
) -> AppResult<ListFilter> {
    let mut errors = Vec::new();
    let status = filter
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let status = status.and_then(|raw| {
        InvitationStatus::parse(&raw.to_lowercase()).or_else(|| {
            errors.push(FieldError::new(
                "filter.status",
                "invalid_status",
                format!("Status \"{raw}\" is not valid. Use scheduled, pending, expired, accepted or cancelled."),
            ));
            None
        })
    });
    let mut resolve = |kind, name: Option<&str>| -> AppResult<Option<i64>> {
        Ok(resolve_name(conn, kind, org, name)?
            .map_err(|mut e| {
                e.field = format!("filter.{}", e.field);
                errors.push(e)
            })
            .ok()
            .flatten())
    };
    let department_id = resolve(Kind::Department, filter.department.as_deref())?;
    let group_id = resolve(Kind::Group, filter.group.as_deref())?;
    let sent_before = filter
        .sent_before
        .as_deref()
        .and_then(|t| instant(t, "filter.sent_before", &mut errors));
    let sent_after = filter
        .sent_after
        .as_deref()
        .and_then(|t| instant(t, "filter.sent_after", &mut errors));
    if filter
        .ids
        .as_ref()
        .is_some_and(|ids| ids.len() as i64 > MAX_BULK)
    {
        errors.push(FieldError::new(
            "filter.ids",
            "too_many",
            format!("At most {MAX_BULK} ids at once."),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    Ok(ListFilter {
        status,
        pattern: filter
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| like_contains(&q.to_lowercase())),
        import_id: filter.import_id.map(ImportId),
        department_id,
        group_id,
        sent_before: sent_before.map(to_db),
        sent_after: sent_after.map(to_db),
        ids: filter
            .ids
            .as_ref()
            .map(|ids| ids.iter().copied().map(InvitationId).collect()),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    Resend,
    Cancel,
}

/// An invitation the action left alone, and why (an error code: `invitation_already_accepted`,
/// `invitation_cancelled`, `invitation_scheduled`, `already_a_member`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Skipped {
    pub id: i64,
    pub reason: String,
}

/// What a bulk action did, or (dry run) would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BulkOutcome {
    pub action: BulkAction,
    pub dry_run: bool,
    /// Invitations the filter matches.
    pub matched: i64,
    /// Invitations resent or cancelled (or that would be).
    pub affected: i64,
    pub skipped: Vec<Skipped>,
}

/// A retried request: its `Idempotency-Key` and a hash of what it asked.
#[derive(Debug, Clone)]
pub struct Idempotency<'a> {
    pub key: &'a str,
    pub request_hash: &'a str,
}

/// Runs (or, dry, counts) a bulk action in one transaction. With an `Idempotency-Key` seen
/// before for the same request, answers the first outcome and changes nothing; for another
/// request, 422 `idempotency_key_reused`.
pub fn bulk(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: BulkAction,
    filter: &BulkFilter,
    dry_run: bool,
    idempotency: Option<Idempotency<'_>>,
) -> AppResult<BulkOutcome> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let filter = &resolve_filter(conn, org, filter)?;
        if let Some(key) = idempotency.as_ref().filter(|_| !dry_run) {
            if let Some((hash, response)) = idempotency::find(conn, org, key.key)? {
                if hash != key.request_hash {
                    return Err(AppError::new(
                        ErrorCode::IdempotencyKeyReused,
                        "This Idempotency-Key was used for a different request. Use a new key for a new request.",
                    ));
                }
                return serde_json::from_str(&response)
                    .map_err(|e| AppError::internal(anyhow::anyhow!("stored answer: {e}")));
            }
        }
        let rows = store::matching(conn, org, filter, ctx.now, MAX_BULK + 1)?;
        let matched = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        if matched > MAX_BULK {
            let total = store::count(conn, org, filter, ctx.now)?;
            return Err(AppError::new(
                ErrorCode::BulkLimitExceeded,
                format!("The filter matches {total} invitations; one bulk action changes at most {MAX_BULK}. Narrow the filter (for example by department or sent date) and repeat."),
            ));
        }
        let outcome = if dry_run {
            dry(conn, ctx, action, &rows)?
        } else {
            apply(conn, ctx, action, &rows)?
        };
        if let Some(key) = idempotency.filter(|_| !dry_run) {
            let response = serde_json::to_string(&outcome)
                .map_err(|e| AppError::internal(anyhow::anyhow!("answer: {e}")))?;
            idempotency::insert(conn, org, key.key, key.request_hash, &response, ctx.now)?;
        }
        Ok(outcome)
    })
}

/// What the action does to each invitation: the rules of each, and for a resend whether the
/// address became a member meanwhile or a newer invitation is pending for it (reviving this
/// one would collide). Answers the rows to change and the outcome so far.
fn sort_out<'r>(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: BulkAction,
    rows: &'r [InvitationRow],
    dry_run: bool,
) -> AppResult<(Vec<&'r InvitationRow>, BulkOutcome)> {
    let org = ctx.org()?;
    let (members, pending): (HashSet<String>, HashSet<String>) = match action {
        BulkAction::Resend => (
            members::addresses(conn, org)?.into_iter().collect(),
            store::pending_addresses(conn, org)?.into_iter().collect(),
        ),
        BulkAction::Cancel => (HashSet::new(), HashSet::new()),
    };
    let mut outcome = BulkOutcome {
        action,
        dry_run,
        matched: rows.len() as i64,
        affected: 0,
        skipped: Vec::new(),
    };
    let mut chosen = Vec::with_capacity(rows.len());
    for row in rows {
        let verdict = match action {
            BulkAction::Resend => row
                .rules()
                .resend(ctx.now, InvitationTtl::default())
                .map(|_| ())
                .map_err(|e| AppError::invitation_state(e).code())
                .and_then(|()| {
                    if members.contains(&row.email_folded) {
                        Err(ErrorCode::AlreadyAMember)
                    } else if row.status != StoredStatus::Pending
                        && pending.contains(&row.email_folded)
                    {
                        Err(ErrorCode::InvitationAlreadyPending)
                    } else {
                        Ok(())
                    }
                }),
            BulkAction::Cancel => row
                .rules()
                .cancel(ctx.now)
                .map_err(|e| AppError::invitation_state(e).code()),
        };
        match verdict {
            Ok(()) => {
                outcome.affected += 1;
                chosen.push(row);
            }
            Err(code) => outcome.skipped.push(Skipped {
                id: row.id.get(),
                reason: code.as_str(),
            }),
        }
    }
    Ok((chosen, outcome))
}

/// What the action would do, without changing anything.
fn dry(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: BulkAction,
    rows: &[InvitationRow],
) -> AppResult<BulkOutcome> {
    Ok(sort_out(conn, ctx, action, rows, true)?.1)
}

/// Applies the action to every invitation the rules allow, in a few statements for all; the
/// others are skipped with their reason.
fn apply(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: BulkAction,
    rows: &[InvitationRow],
) -> AppResult<BulkOutcome> {
    let (chosen, outcome) = sort_out(conn, ctx, action, rows, false)?;
    match action {
        BulkAction::Resend => {
            let settings = organizations::settings(conn, ctx.org()?)?;
            resend_many(conn, ctx, &chosen, &settings, "bulk")?;
        }
        BulkAction::Cancel => cancel_many(conn, ctx, &chosen)?,
    }
    Ok(outcome)
}
