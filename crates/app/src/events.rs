//! Building the events a use case appends, with the actor and request of its context.

use crate::context::Ctx;
use serde_json::{Map, Value};
use skillstream_domain::{Action, ImportId, InvitationId, OrganizationId, TargetType};
use skillstream_store::events::NewEvent;
use skillstream_store::to_db;

/// An event about to be appended.
pub struct Event(NewEvent);

impl Event {
    pub fn new(ctx: &Ctx, org: OrganizationId, action: Action) -> Self {
        Self(NewEvent {
            organization_id: org,
            occurred_at: to_db(ctx.now),
            action,
            actor_type: ctx.actor.kind,
            actor_id: ctx.actor.id,
            actor_name: ctx.actor.name.clone(),
            target_type: None,
            target_id: None,
            target_email: None,
            target_email_folded: None,
            invitation_id: None,
            import_id: None,
            request_id: ctx.request_id.clone(),
            details: "{}".into(),
        })
    }

    /// About an invitation (it joins the invitation's timeline). The address is shown, not
    /// indexed: the activity log finds an invitation's events by address through the invitation.
    pub fn invitation(mut self, id: InvitationId, email: &str) -> Self {
        self.0.target_type = Some(TargetType::Invitation);
        self.0.target_id = Some(id.get());
        self.0.invitation_id = Some(id.get());
        self.0.target_email = Some(email.to_string());
        self
    }

    pub fn target(mut self, kind: TargetType, id: i64) -> Self {
        self.0.target_type = Some(kind);
        self.0.target_id = Some(id);
        self
    }

    /// The address of a target without an invitation (a member), indexed for the address filter.
    pub fn target_email(mut self, email: &str) -> Self {
        self.0.target_email = Some(email.to_string());
        self.0.target_email_folded = Some(skillstream_domain::email::fold(email));
        self
    }

    pub fn import(mut self, id: Option<ImportId>) -> Self {
        self.0.import_id = id.map(ImportId::get);
        self
    }

    /// Details as a JSON object. Never a link token, a password or a secret.
    pub fn details(mut self, details: Map<String, Value>) -> Self {
        self.0.details = Value::Object(details).to_string();
        self
    }

    pub fn into_row(self) -> NewEvent {
        self.0
    }
}

/// `{"key": value, ...}` for [`Event::details`].
#[macro_export]
macro_rules! details {
    ($($key:literal : $value:expr),* $(,)?) => {{
        let mut map = serde_json::Map::new();
        $( map.insert($key.to_string(), serde_json::json!($value)); )*
        map
    }};
}

/// An instant as events' details write it (RFC 3339, UTC, seconds).
pub fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
