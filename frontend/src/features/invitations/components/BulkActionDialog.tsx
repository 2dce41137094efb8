import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { useToast } from "../../../components/Toast";
import { formatNumber } from "../../../i18n";
import { useBulkAction, type BulkRequest } from "../api/lifecycle";

type Action = BulkRequest["action"];

/**
 * "Resend or cancel all N matching": a dry run counts what would happen, the admin confirms
 * with that count, and the real run carries an Idempotency-Key (a double click changes nothing).
 */
export function BulkActionDialog({
  filter,
  total,
  onClose,
}: {
  filter: { status?: string; q?: string };
  total: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [action, setAction] = useState<Action>("resend");
  const { mutate: count, data: dry, reset, error: dryError } = useBulkAction();
  const run = useBulkAction();
  const key = useMemo(() => crypto.randomUUID(), []);
  const body = useMemo(
    () => ({ action, filter: { status: filter.status || undefined, q: filter.q || undefined } }),
    [action, filter.status, filter.q],
  );
  useEffect(() => {
    reset();
    count({ body: { ...body, dry_run: true } });
  }, [body, count, reset]);
  const counted = dry && dry.action === action ? dry : undefined;
  const n = (value: number) => ({ count: value, formatted: formatNumber(value) });
  const error = (run.error ?? dryError) instanceof ApiError ? ((run.error ?? dryError) as ApiError) : undefined;

  return (
    <Dialog title={t("bulk.title")} onClose={onClose}>
      <p>{t("bulk.intro", n(total))}</p>
      <fieldset>
        <legend>{t("bulk.action")}</legend>
        {(["resend", "cancel"] as const).map((choice) => (
          <label key={choice} className="check">
            <input type="radio" name="bulk-action" checked={action === choice} onChange={() => setAction(choice)} />
            {t(`bulk.${choice}`)}
          </label>
        ))}
      </fieldset>
      <div aria-live="polite">
        {!counted && !error && <p aria-busy="true">{t("bulk.counting")}</p>}
        {counted && (
          <>
            <p>
              <strong>{t(action === "resend" ? "bulk.willResend" : "bulk.willCancel", n(counted.affected))}</strong>
            </p>
            {counted.skipped.length > 0 && <p className="hint">{t("bulk.skipped", n(counted.skipped.length))}</p>}
          </>
        )}
        {error && (
          <p role="alert" className="alert">
            {error.code === "bulk_limit_exceeded" ? t("bulk.tooMany") : error.message}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t("bulk.back")}
        </button>
        <button
          type="button"
          className={action === "cancel" ? "danger" : "primary"}
          disabled={!counted || counted.affected === 0 || run.isPending}
          onClick={() =>
            run.mutate(
              { body: { ...body, dry_run: false }, key: `${key}-${action}` },
              {
                onSuccess: (outcome) => {
                  toast(t(action === "resend" ? "bulk.doneResend" : "bulk.doneCancel", n(outcome.affected)));
                  onClose();
                },
              },
            )
          }
        >
          {run.isPending
            ? t("bulk.working")
            : t(action === "resend" ? "bulk.confirmResend" : "bulk.confirmCancel", n(counted?.affected ?? 0))}
        </button>
      </div>
    </Dialog>
  );
}
