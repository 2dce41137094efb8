import type { TFunction } from "i18next";
import type { Schemas } from "../api/client";

// One formatter each, made once: building an Intl formatter per call (what toLocale*String
// does) cost a 25-row table a third of its render.
const day = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
const moment = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** A day, as the browser's locale writes it. */
export function formatDate(iso: string | null | undefined): string {
  return iso ? day.format(new Date(iso)) : "—";
}

/** A moment, as the browser's locale writes it. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? moment.format(new Date(iso)) : "—";
}

/** Every action of the activity log, in the catalogue's order (labels: `actions.*` of the locale). */
export const ACTIONS: Schemas["Action"][] = [
  "invitation.created",
  "invitation.scheduled",
  "invitation.email_sent",
  "invitation.email_failed",
  "invitation.reminded",
  "invitation.resent",
  "invitation.cancelled",
  "invitation.expired",
  "invitation.accepted",
  "invitation.renewal_requested",
  "invitation.link_copied",
  "invitation.updated",
  "import.uploaded",
  "import.sent",
  "member.deactivated",
  "member.reactivated",
  "member.updated",
  "member.signed_out_everywhere",
  "member.created",
  "group.created",
  "group.updated",
  "group.deleted",
  "department.created",
  "department.updated",
  "department.deleted",
  "course.created",
  "course.updated",
  "organization.settings_changed",
  "sso.settings_changed",
  "api_token.created",
  "api_token.revoked",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "scim_token.created",
  "scim_token.revoked",
];

/** The actions of the activity log's filter: the catalogue and the test events sent to webhooks
 * (which no endpoint subscribes to, so the webhook form offers `ACTIONS` alone). */
export const LOGGED_ACTIONS: Schemas["Action"][] = [...ACTIONS, "webhook.test"];

/** What an action reads as. */
export const actionLabel = (t: TFunction, action: Schemas["Action"]) => t(`actions.${action}`, { defaultValue: action });

/** Who did it, for people: a name when there is one, else the kind of actor. */
export function actorLabel(t: TFunction, actor: { type: Schemas["ActorType"]; name?: string | null }): string {
  const kind = t(`actors.${actor.type}`);
  if (!actor.name) return kind;
  return actor.type === "member" || actor.type === "invitee" ? actor.name : t("actors.named", { kind, name: actor.name });
}
