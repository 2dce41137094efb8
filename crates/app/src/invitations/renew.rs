//! An expired link is not a dead end: its holder gets a fresh link by email (`self_service`),
//! or asks the organization's admins for a new invitation (`ask_admin`), as the organization's
//! `expired_link` setting allows. Cancelled and accepted links never renew.

use super::change::resend_row;
use super::link::{gone, link_not_found};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use skillstream_domain::settings::ExpiredLink;
use skillstream_domain::{Action, ImportId, InvitationError, InvitationStatus};
use skillstream_store::invitations as store;
use skillstream_store::outbox::{self, NewEmail};
use skillstream_store::{members, organizations, write_transaction, DbConnection};

/// What a renewal did: a fresh link was emailed, or the admins were asked (once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    FreshLinkSent,
    AdminsAsked,
}

/// Renews the expired invitation whose current link has this hash. The fresh link goes only
/// to the invitation's own address.
pub fn renew(conn: &mut DbConnection, ctx: &Ctx, token_hash: &str) -> AppResult<Renewal> {
    write_transaction(conn, |conn| {
        let Some(row) = store::find_by_token(conn, token_hash)? else {
            return Err(match store::retired_token_inviter(conn, token_hash)? {
                Some(_) => gone(InvitationError::Superseded),
                None => link_not_found(),
            });
        };
        match row.rules().status(ctx.now) {
            InvitationStatus::Expired => {}
            InvitationStatus::Pending => {
                return Err(AppError::new(
                    ErrorCode::InvitationNotExpired,
                    "This invitation link still works: open it to accept the invitation.",
                ))
            }
            InvitationStatus::Scheduled => return Err(link_not_found()),
            InvitationStatus::Accepted => {
                return Err(gone(InvitationError::AlreadyAccepted("renewed")))
            }
            InvitationStatus::Cancelled => {
                return Err(gone(InvitationError::AlreadyCancelled("renewed")))
            }
        }
        let org = row.organization_id;
        let settings = organizations::settings(conn, org)?;
        let ctx = Ctx {
            organization_id: Some(org),
            actor: skillstream_domain::Actor {
                kind: skillstream_domain::ActorType::Invitee,
                id: None,
                name: Some(row.email.clone()),
            },
            ..ctx.clone()
        };
        let requested = |renewal: ExpiredLink| {
            Event::new(&ctx, org, Action::InvitationRenewalRequested)
                .invitation(row.id, &row.email)
                .import(row.import_id.map(ImportId))
                .details(details! { "renewal": renewal.as_str() })
                .into_row()
        };
        match settings.expired_link {
            ExpiredLink::SelfService => {
                skillstream_store::events::append(conn, vec![requested(ExpiredLink::SelfService)])?;
                resend_row(conn, &ctx, &row, &settings, Some("renewal"))?;
                Ok(Renewal::FreshLinkSent)
            }
            ExpiredLink::AskAdmin => {
                // Asking again changes nothing: the admins were told once.
                if row.renewal_requested_at.is_none() {
                    store::request_renewal(conn, row.id, ctx.now)?;
                    let emails: Vec<NewEmail> = members::admin_addresses(conn, org)?
                        .iter()
                        .map(|admin| NewEmail::renewal_request(org, row.id, admin, ctx.now))
                        .collect();
                    outbox::enqueue(conn, emails)?;
                    skillstream_store::events::append(conn, vec![requested(ExpiredLink::AskAdmin)])?;
                }
                Ok(Renewal::AdminsAsked)
            }
            ExpiredLink::ContactAdmin => Err(AppError::new(
                ErrorCode::RenewalNotAllowed,
                "This organization renews invitations only through its administrators: contact the person who invited you.",
            )),
        }
    })
}
