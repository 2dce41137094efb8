import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { formatDateTime } from "../../../components/format";
import { useToast } from "../../../components/Toast";
import { useChangeInvitation } from "../api/lifecycle";

/** An instant as a datetime-local input shows it, in the browser's zone. */
function localInput(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** "Change send time" of a scheduled invitation. */
export function RescheduleDialog({ invitation, onClose }: { invitation: Schemas["Invitation"]; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const change = useChangeInvitation();
  const [sendAt, setSendAt] = useState(invitation.send_at ? localInput(invitation.send_at) : "");
  const error = change.error instanceof ApiError ? change.error : undefined;
  return (
    <Dialog title={t("reschedule.title", { email: invitation.email })} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate(
            { id: invitation.id, body: { send_at: sendAt ? new Date(sendAt).toISOString() : "" } },
            {
              onSuccess: (changed) => {
                toast(t("reschedule.done", { email: changed.email, date: changed.send_at ? formatDateTime(changed.send_at) : "" }));
                onClose();
              },
            },
          );
        }}
      >
        {error && !error.details.length && (
          <p role="alert" className="alert">
            {error.message}
          </p>
        )}
        <Field
          label={t("send.sendAt")}
          error={error?.field("send_at")?.message}
          hint={t("send.sendAtHint", { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
        >
          {(p) => <input {...p} type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} required />}
        </Field>
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t("send.cancel")}
          </button>
          <button type="submit" className="primary" disabled={change.isPending}>
            {t("reschedule.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
