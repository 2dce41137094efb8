import type { Schemas } from "../api/client";

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export const ROLE_LABELS: Record<string, string> = {
  learner: "Learner",
  instructor: "Instructor",
  admin: "Admin",
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** What each action of the activity log reads as. */
export const ACTION_LABELS: Record<Schemas["Action"], string> = {
  "invitation.created": "Invitation created",
  "invitation.scheduled": "Invitation scheduled",
  "invitation.email_sent": "Invitation email sent",
  "invitation.email_failed": "Invitation email failed",
  "invitation.reminded": "Reminder sent",
  "invitation.resent": "Invitation resent",
  "invitation.cancelled": "Invitation cancelled",
  "invitation.expired": "Invitation expired",
  "invitation.accepted": "Invitation accepted",
  "invitation.renewal_requested": "New link requested",
  "invitation.link_copied": "Invitation link copied",
  "import.uploaded": "File uploaded",
  "import.sent": "Import sent",
  "member.deactivated": "Member deactivated",
  "member.reactivated": "Member reactivated",
  "member.updated": "Member updated",
  "organization.settings_changed": "Organization settings changed",
  "sso.settings_changed": "Single sign-on settings changed",
  "api_token.created": "API token created",
  "api_token.revoked": "API token revoked",
  "webhook.created": "Webhook created",
  "webhook.updated": "Webhook updated",
  "webhook.deleted": "Webhook deleted",
  "scim_token.created": "SCIM token created",
  "scim_token.revoked": "SCIM token revoked",
};

const ACTOR_LABELS: Record<Schemas["ActorType"], string> = {
  member: "Admin",
  api_token: "API token",
  scim: "Identity provider (SCIM)",
  invitee: "Invitee",
  system: "System",
};

/** Who did it, for people: a name when there is one, else the kind of actor. */
export function actorLabel(actor: { type: Schemas["ActorType"]; name?: string | null }): string {
  const kind = ACTOR_LABELS[actor.type];
  if (!actor.name) return kind;
  return actor.type === "member" || actor.type === "invitee" ? actor.name : `${kind}: ${actor.name}`;
}
