import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { DataTable } from "../../../components/DataTable";
import { Dialog } from "../../../components/Dialog";
import { actionLabel, formatDateTime } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { SecretDialog } from "../../../components/SecretDialog";
import { useToast } from "../../../components/Toast";
import {
  useCreateWebhook,
  useDeleteWebhook,
  useRotateWebhookSecret,
  useTestWebhook,
  useUpdateWebhook,
  useWebhooks,
  type Webhook,
} from "../api/webhooks";
import { DeliveryLog } from "./DeliveryLog";
import { EndpointForm, valuesOf } from "./EndpointForm";

const column = createColumnHelper<Webhook>();
const EMPTY = { url: "", description: "", events: ["*"] };

/** The signing secret of a new or rotated endpoint, shown this once with a copy button. */
function NewSecret({ shown, rotated, onClose }: { shown: Schemas["WebhookWithSecret"]; rotated: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <SecretDialog title={rotated ? t("webhooks.secret.rotatedTitle") : t("webhooks.secret.createdTitle")} label={t("webhooks.secret.label")} secret={shown.secret} onClose={onClose}>
      <p>{rotated ? t("webhooks.secret.rotatedBody") : t("webhooks.secret.createdBody")}</p>
    </SecretDialog>
  );
}

function StatusBadge({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation();
  if (!webhook.enabled) {
    return <span className="badge bad">{t(`webhooks.disabled.${webhook.disabled_reason ?? "manual"}`)}</span>;
  }
  if (webhook.failing_since) {
    return (
      <>
        <span className="badge warn">{t("webhooks.state.failing")}</span>
        <div className="hint">{t("webhooks.state.failingSince", { at: formatDateTime(webhook.failing_since) })}</div>
      </>
    );
  }
  return <span className="badge good">{t("webhooks.state.enabled")}</span>;
}

/** Admin → Organization → Webhooks: endpoints that receive signed events, with their delivery logs. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const webhooks = useWebhooks();
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const rotate = useRotateWebhookSecret();
  const test = useTestWebhook();
  const toast = useToast();
  const [formKey, setFormKey] = useState(0);
  const [secret, setSecret] = useState<{ shown: Schemas["WebhookWithSecret"]; rotated: boolean } | null>(null);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [logOf, setLogOf] = useState<Webhook | null>(null);
  const asError = (e: unknown) => (e instanceof ApiError ? e : undefined);

  const columns = useMemo(
    () => [
      column.accessor("url", {
        header: t("webhooks.columns.endpoint"),
        cell: ({ row: { original: w } }) => (
          <>
            <span className="strong excerpt">{w.url}</span>
            {w.description && <div className="hint">{w.description}</div>}
          </>
        ),
      }),
      column.accessor("events", {
        header: t("webhooks.columns.events"),
        cell: ({ row: { original: w } }) =>
          w.events.includes("*") ? (
            t("webhooks.allEvents")
          ) : (
            <span title={w.events.join(", ")}>
              {w.events.length === 1 ? actionLabel(t, w.events[0] as Schemas["Action"]) : t("webhooks.someEvents", { count: w.events.length })}
            </span>
          ),
      }),
      column.display({ id: "status", header: t("webhooks.columns.status"), cell: ({ row: { original: w } }) => <StatusBadge webhook={w} /> }),
      column.accessor("last_success_at", {
        header: t("webhooks.columns.lastSuccess"),
        cell: (info) => (info.getValue() ? formatDateTime(info.getValue()) : t("webhooks.never")),
        meta: { className: "secondary date" },
      }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">{t("webhooks.columns.actions")}</span>,
        cell: ({ row: { original: w } }) => (
          <Menu
            label={t("common.actionsFor", { name: w.url })}
            items={[
              { label: t("webhooks.menu.log"), onSelect: () => setLogOf(w) },
              ...(w.enabled
                ? [
                    {
                      label: t("webhooks.menu.test"),
                      onSelect: () =>
                        test.mutate(w.id, {
                          onSuccess: () => toast(t("webhooks.testQueued")),
                          onError: () => toast(t("common.somethingWrong"), "error"),
                        }),
                    },
                  ]
                : []),
              { label: t("webhooks.menu.edit"), onSelect: () => setEditing(w) },
              {
                label: w.enabled ? t("webhooks.menu.disable") : t("webhooks.menu.enable"),
                onSelect: () =>
                  update.mutate(
                    { id: w.id, body: { enabled: !w.enabled } },
                    { onSuccess: () => toast(w.enabled ? t("webhooks.disabledToast") : t("webhooks.enabledToast")) },
                  ),
              },
              { label: t("webhooks.menu.rotate"), onSelect: () => setRotating(w) },
              { label: t("webhooks.menu.delete"), danger: true, onSelect: () => setDeleting(w) },
            ]}
          />
        ),
      }),
    ],
    [t, test, update, toast],
  );

  return (
    <main>
      <h1>{t("webhooks.title")}</h1>
      <p>{t("webhooks.intro")}</p>
      <section aria-labelledby="new-webhook" className="panel">
        <h2 id="new-webhook">{t("webhooks.new.heading")}</h2>
        <EndpointForm
          key={formKey}
          initial={EMPTY}
          submitLabel={t("webhooks.new.submit")}
          pending={create.isPending}
          error={asError(create.error)}
          onSubmit={(values) =>
            create.mutate(values, {
              onSuccess: (shown) => {
                setSecret({ shown, rotated: false });
                setFormKey((k) => k + 1);
                create.reset();
              },
            })
          }
        />
      </section>

      {webhooks.isError && (
        <p role="alert" className="alert">
          {t("common.somethingWrong")}
        </p>
      )}
      {webhooks.isSuccess && webhooks.data.length === 0 ? (
        <div className="empty-state">
          <h2>{t("webhooks.emptyTitle")}</h2>
          <p>{t("webhooks.emptyBody")}</p>
        </div>
      ) : (
        <DataTable
          data={webhooks.data ?? []}
          columns={columns}
          label={t("webhooks.table")}
          caption={t("webhooks.title")}
          getRowId={(w) => String(w.id)}
          rowClassName={(w) => (w.enabled ? undefined : "muted-row")}
        />
      )}

      {secret && <NewSecret shown={secret.shown} rotated={secret.rotated} onClose={() => setSecret(null)} />}
      {logOf && <DeliveryLog webhook={webhooks.data?.find((w) => w.id === logOf.id) ?? logOf} onClose={() => setLogOf(null)} />}
      {editing && (
        <Dialog title={t("webhooks.editTitle")} onClose={() => setEditing(null)}>
          <EndpointForm
            initial={valuesOf(editing)}
            submitLabel={t("webhooks.save")}
            pending={update.isPending}
            error={asError(update.error)}
            onCancel={() => setEditing(null)}
            onSubmit={(values) =>
              update.mutate(
                { id: editing.id, body: values },
                {
                  onSuccess: () => {
                    toast(t("webhooks.savedToast"));
                    setEditing(null);
                    update.reset();
                  },
                },
              )
            }
          />
        </Dialog>
      )}
      {rotating && (
        <Dialog title={t("webhooks.rotateTitle")} onClose={() => setRotating(null)}>
          <p>{t("webhooks.rotateBody")}</p>
          <div className="actions">
            <button type="button" onClick={() => setRotating(null)}>
              {t("common.cancel")}
            </button>
            <button
              type="button"
              className="primary"
              disabled={rotate.isPending}
              onClick={() =>
                rotate.mutate(rotating.id, {
                  onSuccess: (shown) => {
                    setRotating(null);
                    setSecret({ shown, rotated: true });
                  },
                })
              }
            >
              {t("webhooks.menu.rotate")}
            </button>
          </div>
        </Dialog>
      )}
      {deleting && (
        <Dialog title={t("webhooks.deleteTitle")} onClose={() => setDeleting(null)}>
          <p>{t("webhooks.deleteBody", { url: deleting.url })}</p>
          <div className="actions">
            <button type="button" onClick={() => setDeleting(null)}>
              {t("webhooks.keep")}
            </button>
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(deleting.id, {
                  onSuccess: () => {
                    toast(t("webhooks.deletedToast"));
                    setDeleting(null);
                  },
                })
              }
            >
              {t("webhooks.menu.delete")}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}

