//! Single sign-on settings: saved or removed with their event (`sso.settings_changed`); making
//! SSO mandatory ends every password session of the organization.

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use chrono::{DateTime, Utc};
use skillstream_domain::OrganizationId;
use skillstream_domain::{Action, TargetType};
use skillstream_store::sso::{self as store};
pub use skillstream_store::sso::{NewRequest, SignInRequest, StoredProvider};
use skillstream_store::{from_db, sessions, write_transaction, DbConnection};

/// The organization's identity provider, if it has one (its client secret still sealed).
pub fn provider(conn: &mut DbConnection, org: OrganizationId) -> AppResult<Option<StoredProvider>> {
    Ok(store::provider(conn, org.get())?)
}

/// Whether the organization has an identity provider set up.
pub fn uses_sso(conn: &mut DbConnection, org: OrganizationId) -> AppResult<bool> {
    Ok(provider(conn, org)?.is_some())
}

/// Whether the organization's members must sign in with its identity provider.
pub fn enforced(conn: &mut DbConnection, org: OrganizationId) -> AppResult<bool> {
    Ok(skillstream_store::organizations::sso_enforced(conn, org)?)
}

/// Organizations with an identity provider that have active members at `domain` (a plain host
/// name); the answer depends on the domain only, never on one address.
pub fn organizations_at_domain(
    conn: &mut DbConnection,
    domain: &str,
    org_filter: Option<i64>,
) -> AppResult<Vec<(i64, StoredProvider)>> {
    Ok(store::organizations_at_domain(conn, domain, org_filter)?)
}

/// Records a sign-in sent to the identity provider, until its callback takes it (or the
/// scheduler's hourly sweep clears it).
pub fn record_request(
    conn: &mut DbConnection,
    request: NewRequest,
    now: DateTime<Utc>,
) -> AppResult<()> {
    Ok(store::insert_request(conn, request, now)?)
}

pub fn save(
    conn: &mut DbConnection,
    ctx: &Ctx,
    provider: &StoredProvider,
    enforced: bool,
) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let before = store::provider(conn, org.get())?;
        store::save_provider(conn, org.get(), provider, enforced, ctx.now)?;
        let ended = if enforced {
            // Enforcement means signed in through the provider: password sessions end.
            sessions::revoke_password_sessions(conn, org.get(), ctx.now)?
        } else {
            0
        };
        let event = Event::new(ctx, org, Action::SsoSettingsChanged)
            .target(TargetType::Organization, org.get())
            .details(details! {
                "configured": true,
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "previous_issuer": before.map(|p| p.issuer),
                "enforced": enforced,
                "password_sessions_ended": ended,
            });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}

pub fn remove(conn: &mut DbConnection, ctx: &Ctx) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        if store::remove_provider(conn, org.get())? {
            let event = Event::new(ctx, org, Action::SsoSettingsChanged)
                .target(TargetType::Organization, org.get())
                .details(details! { "configured": false, "enforced": false });
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
        Ok(())
    })
}

/// Checks, then consumes, the sign-in request of a provider's callback: it is deleted only
/// when the callback comes from the browser that started it and in time, so an attacker's
/// callback with a stolen `state` cannot cancel the real sign-in. Of two genuine callbacks
/// with one state, only the one that deletes the row goes on.
pub fn take_request(
    conn: &mut DbConnection,
    state_hash: &str,
    browser_key_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<SignInRequest>> {
    write_transaction(conn, |conn| {
        let Some(row) = store::request_by_state(conn, state_hash)? else {
            return Ok(None);
        };
        let from_this_browser = crate::tokens::constant_time_eq(
            browser_key_hash.as_bytes(),
            row.browser_key_hash.as_bytes(),
        );
        if !from_this_browser || from_db(row.expires_at) < now {
            return Ok(None);
        }
        Ok(store::delete_request(conn, row.id)?.then_some(row))
    })
}

fn refused(code: ErrorCode, message: String) -> AppError {
    AppError::new(code, message)
}

/// A sign-in started from the sign-in page, once the provider has said who signed in: the
/// active member is found by the subject they signed in as before or, the first time, by
/// their verified address, which then links the subject to the account. Answers the member
/// and organization; refuses someone else's subject and an address that is not the account's.
pub fn sign_in(
    conn: &mut DbConnection,
    org: i64,
    email: &str,
    subject: &str,
) -> AppResult<(i64, i64)> {
    let folded = skillstream_domain::email::fold(email);
    write_transaction(conn, |conn| {
        let Some(user_id) = store::member_for_sign_in(conn, org, subject, &folded)? else {
            return Err(refused(
                ErrorCode::SsoNotAMember,
                format!("You signed in to your identity provider as {email}, but no active member of this organization has that address. Ask your administrator for an invitation."),
            ));
        };
        let Some((org, member_folded, linked)) = store::active_identity(conn, user_id)? else {
            return Err(AppError::unauthorized("The account is not active."));
        };
        match linked {
            Some(linked) if linked != subject => Err(refused(
                ErrorCode::SsoIdentityMismatch,
                "You signed in to your identity provider as someone else than the member of this account.".into(),
            )),
            Some(_) => Ok((user_id, org)),
            None if folded == member_folded => {
                store::set_subject(conn, user_id, subject)?;
                Ok((user_id, org))
            }
            None => Err(refused(
                ErrorCode::SsoEmailMismatch,
                format!("You signed in to your identity provider as {email}, which is not the address of this account."),
            )),
        }
    })
}
