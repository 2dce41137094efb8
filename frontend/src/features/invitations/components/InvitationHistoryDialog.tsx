import type { Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { ACTION_LABELS, actorLabel, formatDateTime } from "../../../components/format";
import { useInvitationTimeline } from "../api/invitation-timeline";

/** The invitation's timeline, from the activity log. */
export function InvitationHistoryDialog({ invitation, onClose }: { invitation: Schemas["Invitation"]; onClose: () => void }) {
  const timeline = useInvitationTimeline(invitation.id);
  return (
    <Dialog title={`History of the invitation to ${invitation.email}`} onClose={onClose}>
      {timeline.isPending && <p aria-busy="true">Loading…</p>}
      {timeline.isError && (
        <p role="alert" className="alert">
          {timeline.error.message}
        </p>
      )}
      {timeline.data && (
        <ol className="timeline" aria-label="History">
          {timeline.data.map((event) => (
            <li key={event.id}>
              <strong>{ACTION_LABELS[event.action] ?? event.action}</strong>
              <span>
                {" "}
                · {formatDateTime(event.occurred_at)} · {actorLabel(event.actor)}
              </span>
            </li>
          ))}
        </ol>
      )}
      {timeline.data?.length === 0 && <p>No history is recorded for this invitation.</p>}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
