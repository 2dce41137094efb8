//! Who acts, when, and under which request: what every use case is given besides its input.

use chrono::{DateTime, Utc};
use skillstream_domain::{Actor, ActorType, MemberId, OrganizationId};

/// The caller of a use case.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    /// The actor's organization (none for a link holder before the link is looked up, or the
    /// system).
    pub organization_id: Option<OrganizationId>,
    /// The member on whose behalf an admin action runs (the signed-in admin, or the creator
    /// of the API token): recorded as the inviter.
    pub member_id: Option<MemberId>,
    pub now: DateTime<Utc>,
    /// The `X-Request-Id` of the request that caused this, for the events.
    pub request_id: Option<String>,
    /// The key that seals link tokens in the outbox (derived from the server secret).
    pub seal_secret: String,
}

impl Ctx {
    /// An admin signed in to the web app.
    pub fn member(org: OrganizationId, member: MemberId, name: String) -> Self {
        Self::new(
            Actor {
                kind: ActorType::Member,
                id: Some(member.get()),
                name: Some(name),
            },
            Some(org),
            Some(member),
        )
    }

    /// An integration calling with an API token, acting for the member who created it.
    pub fn api_token(org: OrganizationId, member: MemberId, token_id: i64, name: String) -> Self {
        Self::new(
            Actor {
                kind: ActorType::ApiToken,
                id: Some(token_id),
                name: Some(name),
            },
            Some(org),
            Some(member),
        )
    }

    /// An identity provider provisioning through SCIM with one of the organization's tokens.
    pub fn scim(org: OrganizationId, token_id: i64, name: String) -> Self {
        Self::new(
            Actor {
                kind: ActorType::Scim,
                id: Some(token_id),
                name: Some(name),
            },
            Some(org),
            None,
        )
    }

    /// The person holding an invitation link.
    pub fn invitee() -> Self {
        Self::new(
            Actor {
                kind: ActorType::Invitee,
                id: None,
                name: None,
            },
            None,
            None,
        )
    }

    /// A worker or the scheduler.
    pub fn system(name: &str) -> Self {
        Self::new(Actor::system(name), None, None)
    }

    fn new(actor: Actor, org: Option<OrganizationId>, member: Option<MemberId>) -> Self {
        Self {
            actor,
            organization_id: org,
            member_id: member,
            now: Utc::now(),
            request_id: None,
            seal_secret: String::new(),
        }
    }

    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    pub fn with_seal_secret(mut self, secret: &str) -> Self {
        self.seal_secret = secret.to_string();
        self
    }

    /// The admin's organization; a use case for admins called without one is a bug.
    pub fn org(&self) -> crate::AppResult<OrganizationId> {
        self.organization_id
            .ok_or_else(|| crate::AppError::internal(anyhow::anyhow!("no organization in context")))
    }
}
