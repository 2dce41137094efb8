import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { useOrganizationSettings, useSaveSettings } from "../../../api/organization-settings";
import { useSsoSettings } from "../../../api/sso";
import { DataTable } from "../../../components/DataTable";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { formatDate } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { SecretDialog } from "../../../components/SecretDialog";
import { useToast } from "../../../components/Toast";
import { useCreateScimToken, useRevokeScimToken, useScimTokens } from "../api/scim-tokens";

type Token = Schemas["ScimToken"];
const column = createColumnHelper<Token>();

/** Where identity providers call: this server's /scim/v2. */
const scimBaseUrl = () => `${window.location.origin}/scim/v2`;

/** Invite or activate: what a person the identity provider assigns becomes. */
function ModeSetting() {
  const { t } = useTranslation();
  const settings = useOrganizationSettings();
  const sso = useSsoSettings();
  const save = useSaveSettings();
  const toast = useToast();
  const error = save.error instanceof ApiError ? save.error.field("scim_provisioning")?.message : undefined;
  if (!settings.data) return null;
  const ssoConfigured = sso.data?.configured ?? false;
  const choose = (mode: Schemas["ScimProvisioning"]) =>
    save.mutate({ scim_provisioning: mode }, { onSuccess: () => toast(t("provisioning.mode.saved")) });
  return (
    <fieldset>
      <legend>{t("provisioning.mode.heading")}</legend>
      {(["invite", "activate"] as const).map((mode) => (
        <label key={mode} className="check">
          <input
            type="radio"
            name="scim-provisioning"
            value={mode}
            checked={settings.data.scim_provisioning === mode}
            disabled={save.isPending || (mode === "activate" && !ssoConfigured)}
            onChange={() => choose(mode)}
          />
          {t(`provisioning.mode.${mode}`)}
        </label>
      ))}
      {!ssoConfigured && <p className="hint">{t("provisioning.mode.activateNeedsSso")}</p>}
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Admin → Organization → Provisioning: the SCIM base URL, SCIM tokens (shown once, revocable) and the provisioning mode. */
export function ProvisioningPage() {
  const { t } = useTranslation();
  const tokens = useScimTokens();
  const create = useCreateScimToken();
  const revoke = useRevokeScimToken();
  const toast = useToast();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<Schemas["CreatedScimToken"] | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const createError = create.error instanceof ApiError ? create.error : undefined;

  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: t("provisioning.columns.name"),
        cell: ({ row: { original: token } }) => (
          <>
            <span className="strong">{token.name}</span> <code className="muted">{token.prefix}…</code>
          </>
        ),
      }),
      column.accessor("created_at", { header: t("provisioning.columns.created"), cell: (info) => formatDate(info.getValue()), meta: { className: "secondary date" } }),
      column.accessor("last_used_at", {
        header: t("provisioning.columns.lastUsed"),
        cell: (info) => (info.getValue() ? formatDate(info.getValue()) : t("provisioning.never")),
        meta: { className: "secondary date" },
      }),
      column.display({
        id: "status",
        header: t("provisioning.columns.status"),
        cell: ({ row: { original: token } }) =>
          token.revoked_at ? <span className="badge bad">{t("provisioning.state.revoked")}</span> : <span className="badge good">{t("provisioning.state.active")}</span>,
      }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">{t("provisioning.columns.actions")}</span>,
        cell: ({ row: { original: token } }) =>
          token.revoked_at ? null : (
            <Menu label={t("common.actionsFor", { name: token.name })} items={[{ label: t("provisioning.revoke"), danger: true, onSelect: () => setRevoking(token) }]} />
          ),
      }),
    ],
    [t],
  );

  return (
    <main>
      <h1>{t("provisioning.title")}</h1>
      <p>{t("provisioning.intro")}</p>
      <section aria-labelledby="scim-connection" className="panel">
        <h2 id="scim-connection">{t("provisioning.connection")}</h2>
        <Field label={t("provisioning.baseUrl")} hint={t("provisioning.baseUrlHint")}>
          {(p) => <input {...p} className="secret" readOnly value={scimBaseUrl()} onFocus={(e) => e.currentTarget.select()} />}
        </Field>
        <div className="actions">
          <button type="button" onClick={() => void navigator.clipboard?.writeText(scimBaseUrl())}>
            {t("provisioning.copyUrl")}
          </button>
        </div>
        <ModeSetting />
      </section>
      <section aria-labelledby="new-scim-token" className="panel">
        <h2 id="new-scim-token">{t("provisioning.new.heading")}</h2>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name },
              {
                onSuccess: (token) => {
                  setCreated(token);
                  setName("");
                },
              },
            );
          }}
        >
          <Field label={t("provisioning.new.name")} hint={t("provisioning.new.nameHint")} error={createError?.field("name")?.message}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}
          </Field>
          <div className="actions">
            <button type="submit" className="primary" disabled={create.isPending}>
              {t("provisioning.new.submit")}
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
          <h2>{t("provisioning.emptyTitle")}</h2>
          <p>{t("provisioning.emptyBody")}</p>
        </div>
      ) : (
        <DataTable
          data={tokens.data ?? []}
          columns={columns}
          label={t("provisioning.table")}
          caption={t("provisioning.title")}
          getRowId={(token) => String(token.id)}
          rowClassName={(token) => (token.revoked_at ? "muted-row" : undefined)}
        />
      )}

      {created && (
        <SecretDialog title={t("provisioning.createdTitle", { name: created.name })} label={t("provisioning.secretLabel")} secret={created.token} onClose={() => setCreated(null)}>
          <p>{t("provisioning.createdBody")}</p>
        </SecretDialog>
      )}
      {revoking && (
        <Dialog title={t("provisioning.revokeTitle", { name: revoking.name })} onClose={() => setRevoking(null)}>
          <p>{t("provisioning.revokeBody")}</p>
          <div className="actions">
            <button type="button" onClick={() => setRevoking(null)}>
              {t("provisioning.keep")}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() =>
                revoke.mutate(revoking.id, {
                  onSuccess: () => {
                    toast(t("provisioning.revokedToast", { name: revoking.name }));
                    setRevoking(null);
                  },
                })
              }
            >
              {t("provisioning.revoke")}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
