import { useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "./Dialog";

/** A secret shown this once (an API token, a SCIM token, a webhook's signing secret), with a copy button. */
export function SecretDialog({ title, label, secret, onClose, children }: { title: string; label: string; secret: string; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <label htmlFor={id}>{label}</label>
      <input id={id} className="secret" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
      <div className="actions">
        <button type="button" onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}>
          {copied ? t("secret.copied") : t("secret.copy")}
        </button>
        <button type="button" className="primary" onClick={onClose}>
          {t("secret.done")}
        </button>
      </div>
    </Dialog>
  );
}
