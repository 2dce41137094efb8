import { run as suggestEmail } from "@zootools/email-spell-checker";
import { useTranslation } from "react-i18next";

/** The address probably meant when `email`'s domain looks mistyped (`bob@gmial.com` → `bob@gmail.com`). */
export function likelyAddress(email: string): string | undefined {
  const trimmed = email.trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(trimmed)) return undefined;
  const suggestion = suggestEmail({ email: trimmed });
  return suggestion && suggestion.full.toLowerCase() !== trimmed.toLowerCase() ? suggestion.full : undefined;
}

/**
 * "Did you mean bob@gmail.com?" under an email field, with a button that takes the suggestion.
 * A hint, never a block: the address as typed can still be sent.
 */
export function EmailTypoHint({ suggestion, onAccept }: { suggestion: string | undefined; onAccept?: (s: string) => void }) {
  const { t } = useTranslation();
  if (!suggestion) return null;
  return (
    <p className="typo-hint" role="status">
      {t("typo.didYouMean", { suggestion })}
      {onAccept && (
        <>
          {" "}
          <button type="button" className="link-button" onClick={() => onAccept(suggestion)}>
            {t("typo.use", { suggestion })}
          </button>
        </>
      )}
    </p>
  );
}
