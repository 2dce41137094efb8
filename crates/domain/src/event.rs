//! The event catalogue: every change appends one or more events, in the same transaction as
//! the change. Events are the single source of the activity log and of webhooks.

use crate::states::stored_names;

stored_names!(
    /// What happened. The names are a public contract (`action` of the activity log).
    Action {
        InvitationCreated => "invitation.created",
        InvitationScheduled => "invitation.scheduled",
        InvitationEmailSent => "invitation.email_sent",
        InvitationEmailFailed => "invitation.email_failed",
        InvitationReminded => "invitation.reminded",
        InvitationResent => "invitation.resent",
        InvitationCancelled => "invitation.cancelled",
        InvitationExpired => "invitation.expired",
        InvitationAccepted => "invitation.accepted",
        InvitationRenewalRequested => "invitation.renewal_requested",
        InvitationLinkCopied => "invitation.link_copied",
        InvitationUpdated => "invitation.updated",
        ImportUploaded => "import.uploaded",
        ImportSent => "import.sent",
        MemberDeactivated => "member.deactivated",
        MemberReactivated => "member.reactivated",
        MemberUpdated => "member.updated",
        /// Every session of a member ended, by the member or by an admin.
        MemberSignedOutEverywhere => "member.signed_out_everywhere",
        /// A member created at once by SCIM provisioning (`scim_provisioning: activate`).
        MemberCreated => "member.created",
        /// User groups created, changed (name, members) and deleted, by an admin or by SCIM
        /// provisioning.
        GroupCreated => "group.created",
        GroupUpdated => "group.updated",
        GroupDeleted => "group.deleted",
        /// Departments an admin created, renamed and deleted.
        DepartmentCreated => "department.created",
        DepartmentUpdated => "department.updated",
        DepartmentDeleted => "department.deleted",
        /// Courses an admin added to the catalogue and changed (renamed, described, archived,
        /// restored).
        CourseCreated => "course.created",
        CourseUpdated => "course.updated",
        OrganizationSettingsChanged => "organization.settings_changed",
        SsoSettingsChanged => "sso.settings_changed",
        ApiTokenCreated => "api_token.created",
        ApiTokenRevoked => "api_token.revoked",
        WebhookCreated => "webhook.created",
        WebhookUpdated => "webhook.updated",
        WebhookDeleted => "webhook.deleted",
        /// Sent to one endpoint on an admin's request, to check the receiver.
        WebhookTest => "webhook.test",
        ScimTokenCreated => "scim_token.created",
        ScimTokenRevoked => "scim_token.revoked",
    }
);

stored_names!(
    /// Who caused it.
    ActorType {
        /// Someone signed in to the web app.
        Member => "member",
        /// An integration calling with an API token.
        ApiToken => "api_token",
        /// An identity provider provisioning through SCIM.
        Scim => "scim",
        /// The person holding an invitation link.
        Invitee => "invitee",
        /// A worker or the scheduler.
        System => "system",
    }
);

stored_names!(
    /// What it happened to.
    TargetType {
        Invitation => "invitation",
        Member => "member",
        Import => "import",
        Organization => "organization",
        ApiToken => "api_token",
        Webhook => "webhook",
        ScimToken => "scim_token",
        Group => "group",
        Department => "department",
        Course => "course",
    }
);

/// Who caused an event: its type, its id (a member, token or invitation id; none for the
/// system) and a name for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorType,
    pub id: Option<i64>,
    pub name: Option<String>,
}

impl Actor {
    pub fn system(name: &str) -> Self {
        Self {
            kind: ActorType::System,
            id: None,
            name: Some(name.to_string()),
        }
    }
}
