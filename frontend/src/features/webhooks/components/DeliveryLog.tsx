import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { DataTable } from "../../../components/DataTable";
import { Dialog } from "../../../components/Dialog";
import { actionLabel, formatDateTime } from "../../../components/format";
import { Pager } from "../../../components/Pager";
import { useToast } from "../../../components/Toast";
import { useDeliveries, useRedeliver, type Delivery, type Webhook } from "../api/webhooks";

const column = createColumnHelper<Delivery>();

/** One endpoint's messages, newest first: each attempt's status code, latency and answer, the next retry, and Redeliver. */
export function DeliveryLog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const deliveries = useDeliveries(webhook.id, page);
  const redeliver = useRedeliver();
  const toast = useToast();

  const columns = useMemo(
    () => [
      column.accessor("event_type", {
        header: t("webhooks.log.event"),
        cell: ({ row: { original: d } }) => (
          <>
            <span className="strong">{d.event_type ? actionLabel(t, d.event_type) : t("common.none")}</span>
            <br />
            <code className="muted">{d.message_id}</code>
          </>
        ),
      }),
      column.accessor("status", {
        header: t("webhooks.log.status"),
        cell: ({ row: { original: d } }) => (
          <>
            <span className={d.status === "delivered" ? "badge good" : d.status === "failed" ? "badge bad" : "badge"}>{t(`webhooks.messageStatus.${d.status}`)}</span>
            {d.status === "pending" && d.next_retry_at && d.attempts.length > 0 && (
              <div className="hint">{t("webhooks.log.nextRetry", { at: formatDateTime(d.next_retry_at) })}</div>
            )}
          </>
        ),
      }),
      column.display({
        id: "attempts",
        header: t("webhooks.log.attempts"),
        cell: ({ row: { original: d } }) => (
          <>
            {t("webhooks.log.attemptCount", { count: d.attempts.length })}
            {d.attempts.length > 0 && (
              <div className="hint">
                {d.status_code ? t("webhooks.log.answered", { code: d.status_code }) : (d.error ?? t("common.none"))}
                {d.latency_ms != null && ` · ${t("webhooks.log.latency", { ms: d.latency_ms })}`}
              </div>
            )}
          </>
        ),
      }),
      column.accessor("response_excerpt", {
        header: t("webhooks.log.answer"),
        cell: (info) => <span className="excerpt">{info.getValue() || t("common.none")}</span>,
      }),
      column.accessor("created_at", { header: t("webhooks.log.created"), cell: (info) => formatDateTime(info.getValue()), meta: { className: "secondary date" } }),
      column.display({
        id: "redeliver",
        header: () => <span className="visually-hidden">{t("webhooks.log.actions")}</span>,
        cell: ({ row: { original: d } }) =>
          d.status === "delivering" ? null : (
            <button
              type="button"
              disabled={!webhook.enabled || redeliver.isPending}
              onClick={() =>
                redeliver.mutate(
                  { id: webhook.id, deliveryId: d.id },
                  {
                    onSuccess: () => {
                      toast(t("webhooks.log.redelivered", { id: d.message_id }));
                      void deliveries.refetch();
                    },
                  },
                )
              }
            >
              {t("webhooks.log.redeliver")}
            </button>
          ),
      }),
    ],
    [t, webhook, redeliver, toast, deliveries],
  );

  return (
    <Dialog title={t("webhooks.log.title", { url: webhook.url })} onClose={onClose} wide>
      {!webhook.enabled && <p className="hint">{t("webhooks.log.disabledHint")}</p>}
      {deliveries.isError && (
        <p role="alert" className="alert">
          {t("common.somethingWrong")}
        </p>
      )}
      {deliveries.isSuccess && deliveries.data.total === 0 ? (
        <p>{t("webhooks.log.empty")}</p>
      ) : (
        <DataTable data={deliveries.data?.items ?? []} columns={columns} label={t("webhooks.log.table")} caption={t("webhooks.log.table")} getRowId={(d) => String(d.id)} />
      )}
      <Pager page={page} totalPages={deliveries.data?.total_pages ?? 1} onPage={setPage} />
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          {t("secret.done")}
        </button>
      </div>
    </Dialog>
  );
}
