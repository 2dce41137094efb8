import { Trans, useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { useToast } from "../../../components/Toast";
import { useCancelInvitation } from "../api/cancel-invitation";

/** "Cancel this invitation?": the link stops working once confirmed. */
export function CancelInvitationDialog({ invitation, onClose }: { invitation: Schemas["Invitation"]; onClose: () => void }) {
  const { t } = useTranslation();
  const cancel = useCancelInvitation();
  const toast = useToast();
  return (
    <Dialog title={t("invitations.cancelTitle")} onClose={onClose}>
      <p>
        <Trans i18nKey="invitations.cancelBody" values={{ email: invitation.email }} components={{ strong: <strong /> }} />
      </p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t("invitations.keep")}
        </button>
        <button
          type="button"
          className="danger"
          disabled={cancel.isPending}
          onClick={() =>
            cancel.mutate(invitation.id, {
              onSuccess: () => {
                toast(t("invitations.cancelled", { email: invitation.email }));
                onClose();
              },
              onError: (error) => toast(error instanceof ApiError ? error.message : t("common.somethingWrong"), "error"),
            })
          }
        >
          {t("invitations.confirmCancel")}
        </button>
      </div>
    </Dialog>
  );
}
