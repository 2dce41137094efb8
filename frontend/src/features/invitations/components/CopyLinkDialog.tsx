import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../../../components/Dialog";

/** The link of a pending invitation, to hand over by the admin's own means. */
export function CopyLinkDialog({ email, url, onClose }: { email: string; url: string; onClose: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => input.current?.select(), []);
  return (
    <Dialog title={t("copyLink.title")} onClose={onClose}>
      <p>{t("copyLink.body", { email })}</p>
      <label htmlFor="invitation-link">{t("copyLink.label")}</label>
      <div className="copy-row">
        <input id="invitation-link" ref={input} readOnly value={url} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className="primary"
          onClick={() =>
            navigator.clipboard
              .writeText(url)
              .then(() => setCopied("copied"))
              .catch(() => {
                input.current?.select();
                setCopied("failed");
              })
          }
        >
          {t("copyLink.copy")}
        </button>
      </div>
      <p role="status" className="hint">
        {copied === "copied" ? t("copyLink.copied") : copied === "failed" ? t("copyLink.copyFailed") : ""}
      </p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t("copyLink.close")}
        </button>
      </div>
    </Dialog>
  );
}
