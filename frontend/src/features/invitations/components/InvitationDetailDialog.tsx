import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { actionLabel, actorLabel, formatDateTime } from "../../../components/format";
import { useInvitationTimeline } from "../api/invitation-timeline";

type Invitation = Schemas["Invitation"];

/** What the email did: queued, sent (when), failed (why), or withdrawn. */
function deliveryText(t: TFunction, delivery: Invitation["email_delivery"]): string {
  if (!delivery) return t("common.none");
  if (delivery.status === "failed") return t("delivery.failed", { error: delivery.last_error ?? "" });
  const state = t(`delivery.${delivery.status}`);
  return delivery.sent_at ? `${state} · ${formatDateTime(delivery.sent_at)}` : state;
}

/** Reminders sent so far and the next one, or that they are off. */
function remindersText(t: TFunction, invitation: Invitation): string {
  const sent = t("detail.remindersSent", { count: invitation.reminders_sent });
  if (!invitation.reminders_enabled) return `${sent} · ${t("detail.remindersOff")}`;
  return invitation.next_reminder_at ? `${sent} · ${t("detail.nextReminder", { date: formatDateTime(invitation.next_reminder_at) })}` : sent;
}

/** One invitation: its fields, its email's delivery, and its timeline from the activity log. */
export function InvitationDetailDialog({ invitation, onClose }: { invitation: Invitation; onClose: () => void }) {
  const { t } = useTranslation();
  const timeline = useInvitationTimeline(invitation.id);
  const name = [invitation.first_name, invitation.last_name].filter(Boolean).join(" ");
  const facts: [string, string][] = [
    [t("detail.name"), name || t("common.none")],
    [t("invitations.columns.role"), t(`roles.${invitation.role}`)],
    [t("invitations.columns.department"), invitation.department ?? t("common.none")],
    [t("invitations.columns.group"), invitation.group ?? t("common.none")],
    [t("detail.courses"), invitation.courses.map((c) => c.title).join(", ") || t("common.none")],
    [t("invitations.columns.status"), t(`invitationStatus.${invitation.status}`)],
    [t("detail.invitedBy"), invitation.invited_by ? (invitation.invited_by.name ?? invitation.invited_by.email) : t("common.none")],
    invitation.send_at
      ? [t("invitations.columns.sent"), t("invitations.scheduledFor", { date: formatDateTime(invitation.send_at) })]
      : [t("invitations.columns.sent"), `${formatDateTime(invitation.sent_at)} · ${t("detail.sends", { count: invitation.send_count })}`],
    [t("invitations.columns.expires"), formatDateTime(invitation.expires_at)],
    [t("invitations.columns.delivery"), deliveryText(t, invitation.email_delivery)],
    [t("detail.reminders"), remindersText(t, invitation)],
  ];
  if (invitation.renewal_requested_at) facts.push([t("invitations.renewalRequested"), formatDateTime(invitation.renewal_requested_at)]);
  return (
    <Dialog title={t("detail.title", { email: invitation.email })} onClose={onClose}>
      <dl className="facts">
        {facts.map(([term, value]) => (
          <div key={term} className="fact">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>{t("detail.history")}</h3>
      {timeline.isPending && <p aria-busy="true">{t("common.loading")}</p>}
      {timeline.isError && (
        <p role="alert" className="alert">
          {timeline.error.message}
        </p>
      )}
      {timeline.data && (
        <ol className="timeline" aria-label={t("detail.history")}>
          {timeline.data.map((event) => (
            <li key={event.id}>
              <strong>{actionLabel(t, event.action)}</strong>
              <span>
                {" "}
                · {formatDateTime(event.occurred_at)} · {actorLabel(t, event.actor)}
              </span>
            </li>
          ))}
        </ol>
      )}
      {timeline.data?.length === 0 && <p>{t("detail.noHistory")}</p>}
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t("detail.close")}
        </button>
      </div>
    </Dialog>
  );
}
