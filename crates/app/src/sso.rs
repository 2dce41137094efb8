//! Single sign-on settings: saved or removed with their event (`sso.settings_changed`); making
//! SSO mandatory ends every password session of the organization.

use crate::context::Ctx;
use crate::details;
use crate::error::AppResult;
use crate::events::Event;
use skillstream_domain::{Action, TargetType};
use skillstream_store::sso::{self as store, StoredProvider};
use skillstream_store::{sessions, write_transaction, DbConnection};

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
