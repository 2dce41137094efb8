import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { DataTable } from "../../../components/DataTable";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { formatDate } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { SecretDialog } from "../../../components/SecretDialog";
import { useToast } from "../../../components/Toast";
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from "../api/api-tokens";

type Token = Schemas["ApiToken"];
const column = createColumnHelper<Token>();

/** Lifetimes offered for a new token, in days ("" = does not expire). */
const LIFETIMES = ["30", "90", "365", ""] as const;

function tokenState(token: Token): "revoked" | "expired" | "active" {
  if (token.revoked_at) return "revoked";
  if (token.expires_at && new Date(token.expires_at) <= new Date()) return "expired";
  return "active";
}

/** Admin → Organization → API tokens: tokens for integrators, created (secret shown once) and revoked. */
export function ApiTokensPage() {
  const { t } = useTranslation();
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const toast = useToast();
  const [name, setName] = useState("");
  const [lifetime, setLifetime] = useState<(typeof LIFETIMES)[number]>("90");
  const [readOnly, setReadOnly] = useState(false);
  const [created, setCreated] = useState<Schemas["CreatedApiToken"] | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const createError = create.error instanceof ApiError ? create.error : undefined;

  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: t("apiTokens.columns.name"),
        cell: ({ row: { original: token } }) => (
          <>
            <span className="strong">{token.name}</span>{" "}
            <code className="muted">{token.prefix}…</code>
          </>
        ),
      }),
      column.accessor("read_only", {
        header: t("apiTokens.columns.access"),
        cell: (info) => (info.getValue() ? t("apiTokens.readOnly") : t("apiTokens.readWrite")),
      }),
      column.accessor("created_at", { header: t("apiTokens.columns.created"), cell: (info) => formatDate(info.getValue()), meta: { className: "secondary date" } }),
      column.accessor("last_used_at", {
        header: t("apiTokens.columns.lastUsed"),
        cell: (info) => (info.getValue() ? formatDate(info.getValue()) : t("apiTokens.never")),
        meta: { className: "secondary date" },
      }),
      column.accessor("expires_at", {
        header: t("apiTokens.columns.expires"),
        cell: (info) => (info.getValue() ? formatDate(info.getValue()) : t("apiTokens.noExpiry")),
        meta: { className: "secondary date" },
      }),
      column.display({
        id: "status",
        header: t("apiTokens.columns.status"),
        cell: ({ row: { original: token } }) => {
          const state = tokenState(token);
          return <span className={state === "active" ? "badge good" : "badge bad"}>{t(`apiTokens.state.${state}`)}</span>;
        },
      }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">{t("apiTokens.columns.actions")}</span>,
        cell: ({ row: { original: token } }) =>
          tokenState(token) === "revoked" ? null : (
            <Menu label={t("common.actionsFor", { name: token.name })} items={[{ label: t("apiTokens.revoke"), danger: true, onSelect: () => setRevoking(token) }]} />
          ),
      }),
    ],
    [t],
  );

  return (
    <main>
      <h1>{t("apiTokens.title")}</h1>
      <p>{t("apiTokens.intro")}</p>
      <section aria-labelledby="new-token" className="panel">
        <h2 id="new-token">{t("apiTokens.new.heading")}</h2>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name, read_only: readOnly, expires_in_days: lifetime ? Number(lifetime) : null },
              {
                onSuccess: (token) => {
                  setCreated(token);
                  setName("");
                },
              },
            );
          }}
        >
          <Field label={t("apiTokens.new.name")} hint={t("apiTokens.new.nameHint")} error={createError?.field("name")?.message}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}
          </Field>
          <Field label={t("apiTokens.new.lifetime")} error={createError?.field("expires_in_days")?.message}>
            {(p) => (
              <select {...p} value={lifetime} onChange={(e) => setLifetime(e.target.value as (typeof LIFETIMES)[number])}>
                {LIFETIMES.map((days) => (
                  <option key={days} value={days}>
                    {days ? t("apiTokens.new.days", { count: Number(days) }) : t("apiTokens.noExpiry")}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <label className="check">
            <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
            {t("apiTokens.new.readOnly")}
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={create.isPending}>
              {t("apiTokens.new.submit")}
            </button>
          </div>
        </form>
      </section>

      {tokens.isError && (
        <p role="alert" className="alert">
          {t("common.somethingWrong")}
        </p>
      )}
      {tokens.isSuccess && tokens.data.length === 0 ? (
        <div className="empty-state">
          <h2>{t("apiTokens.emptyTitle")}</h2>
          <p>{t("apiTokens.emptyBody")}</p>
        </div>
      ) : (
        <DataTable
          data={tokens.data ?? []}
          columns={columns}
          label={t("apiTokens.table")}
          caption={t("apiTokens.title")}
          getRowId={(token) => String(token.id)}
          rowClassName={(token) => (tokenState(token) === "active" ? undefined : "muted-row")}
        />
      )}

      {created && (
        <SecretDialog title={t("apiTokens.createdTitle", { name: created.name })} label={t("apiTokens.secretLabel")} secret={created.token} onClose={() => setCreated(null)}>
          <p>{t("apiTokens.createdBody")}</p>
        </SecretDialog>
      )}
      {revoking && (
        <Dialog title={t("apiTokens.revokeTitle", { name: revoking.name })} onClose={() => setRevoking(null)}>
          <p>{t("apiTokens.revokeBody")}</p>
          <div className="actions">
            <button type="button" onClick={() => setRevoking(null)}>
              {t("apiTokens.keep")}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() =>
                revoke.mutate(revoking.id, {
                  onSuccess: () => {
                    toast(t("apiTokens.revokedToast", { name: revoking.name }));
                    setRevoking(null);
                  },
                })
              }
            >
              {t("apiTokens.revoke")}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
