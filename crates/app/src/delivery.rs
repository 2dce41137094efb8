//! The outcomes of email deliveries, recorded with their events (`invitation.email_sent` or
//! `invitation.email_failed`) in one transaction. A row a resend or cancel withdrew meanwhile
//! stays withdrawn and gets no event.

use crate::context::Ctx;
use crate::details;
use crate::error::AppResult;
use crate::events::Event;
use skillstream_domain::{Action, EmailKind};
use skillstream_store::outbox::{self, ClaimedEmail, Outcome};
use skillstream_store::{write_transaction, DbConnection};

/// Records many outcomes at once (the worker records those that finished while the previous
/// batch was being written): one transaction, one write of their events.
pub fn record(
    conn: &mut DbConnection,
    outcomes: Vec<(ClaimedEmail, Outcome)>,
    ctx: &Ctx,
) -> AppResult<()> {
    write_transaction(conn, |conn| {
        let mut events = Vec::new();
        for (email, outcome) in &outcomes {
            let event = match outcome {
                Outcome::Sent => Some((Action::InvitationEmailSent, None)),
                Outcome::Failed { error } => {
                    Some((Action::InvitationEmailFailed, Some(error.clone())))
                }
                _ => None,
            };
            let failed = matches!(outcome, Outcome::Failed { .. });
            let recorded = outbox::record(conn, &[(email.id, outcome.clone())], ctx.now)?;
            if recorded == 1 && failed && email.kind != EmailKind::RenewalRequest {
                // No reminder after an email that failed for good (the address does not work).
                skillstream_store::invitations::stop_reminders(conn, email.invitation_id)?;
            }
            if let (1, Some((action, error))) = (recorded, event) {
                let event = Event::new(ctx, email.organization_id, action)
                    .invitation(email.invitation_id, &email.recipient);
                events.push(
                    match error {
                        Some(error) => {
                            event.details(details! { "attempts": email.attempts, "error": error })
                        }
                        None => event.details(details! { "attempts": email.attempts }),
                    }
                    .into_row(),
                );
            }
        }
        skillstream_store::events::append(conn, events)?;
        Ok(())
    })
}
