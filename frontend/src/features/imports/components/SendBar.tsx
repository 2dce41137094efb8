import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { formatNumber } from "../../../i18n";
import { useSendImport } from "../api/send-import";

type Props = { data: Schemas["Import"] };

/** What a send did, in one sentence per kind of change. */
function Result({ result }: { result: Schemas["SendResult"] }) {
  const { t } = useTranslation();
  const parts = [
    t("imports.created", { count: result.created, formatted: formatNumber(result.created) }),
    result.updated > 0 && t("imports.result.updated", { count: result.updated, formatted: formatNumber(result.updated) }),
    result.reactivated > 0 && t("imports.result.reactivated", { count: result.reactivated, formatted: formatNumber(result.reactivated) }),
    result.deactivated > 0 && t("imports.result.deactivated", { count: result.deactivated, formatted: formatNumber(result.deactivated) }),
  ].filter(Boolean);
  return (
    <p role="status" className="success">
      {parts.join("; ")}
      {result.skipped > 0 && t("imports.skipped", { count: result.skipped, formatted: formatNumber(result.skipped) })}.{" "}
      {result.created > 0 && t("imports.onTheirWay")}
    </p>
  );
}

/**
 * The send bar, kept in view at the bottom of the screen: the counts, "skip the rows with
 * errors", the typed confirmation an import that deactivates more than 10 % of the members
 * needs, and Send; then what the send did.
 */
export function SendBar({ data }: Props) {
  const { t } = useTranslation();
  const send = useSendImport();
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [typed, setTyped] = useState("");
  const invalid = data.summary.invalid;
  const valid = data.summary.valid;
  const result = send.data ?? data.result ?? undefined;
  const error = send.error instanceof ApiError ? send.error : undefined;
  const updates = data.mode !== "invite_new";
  const changes = data.actions.invite + data.actions.update + data.actions.reactivate + data.actions.deactivate;
  const mass = data.mass_change?.needs_confirmation ? data.mass_change : undefined;
  const confirmed = !mass || typed.trim() === String(mass.deactivations);
  const nothing = updates ? changes === 0 : valid === 0;

  return (
    <section aria-labelledby="step-send" className="send-bar">
      <h2 id="step-send" className="visually-hidden">
        {t("imports.steps.send")}
      </h2>
      {result ? (
        <Result result={result} />
      ) : (
        <>
          <p className="send-bar-counts">
            <strong>{t("imports.ready", { count: valid, formatted: formatNumber(valid) })}</strong>
            {invalid > 0 && (
              <>
                {" · "}
                <strong className="bad-text">{t("imports.withErrors", { count: invalid, formatted: formatNumber(invalid) })}</strong>
              </>
            )}
          </p>
          {invalid > 0 && valid === 0 && <p className="send-bar-note">{t("imports.nothingValid")}</p>}
          {invalid > 0 && valid > 0 && (
            <label className="check">
              <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
              {t("imports.skipErrors", { count: invalid, formatted: formatNumber(invalid) })}
            </label>
          )}
          {mass && (
            <div className="mass-change" role="group" aria-labelledby="mass-change-text">
              <p id="mass-change-text" className="alert">
                {t("imports.mass.warning", {
                  count: mass.deactivations,
                  formatted: formatNumber(mass.deactivations),
                  members: formatNumber(mass.members),
                })}
              </p>
              <label className="inline-field">
                {t("imports.mass.type", { formatted: String(mass.deactivations) })}
                <input inputMode="numeric" value={typed} onChange={(e) => setTyped(e.target.value)} />
              </label>
            </div>
          )}
          {error && (
            <p role="alert" className="alert">
              {error.message}
            </p>
          )}
          <button
            type="button"
            className="primary"
            disabled={(invalid > 0 && !skipInvalid) || nothing || !confirmed || send.isPending}
            aria-describedby={invalid > 0 && !skipInvalid ? "send-needs" : undefined}
            onClick={() => send.mutate({ id: data.id, skipInvalid, allowMassChange: Boolean(mass) })}
          >
            {send.isPending
              ? t("imports.sending")
              : updates
                ? t("imports.applyCount", { count: changes, formatted: formatNumber(changes) })
                : t("imports.sendCount", { count: valid, formatted: formatNumber(valid) })}
          </button>
          {invalid > 0 && !skipInvalid && valid > 0 && (
            <p id="send-needs" className="send-bar-note">
              {t("imports.fixOrSkip")}
            </p>
          )}
        </>
      )}
    </section>
  );
}
