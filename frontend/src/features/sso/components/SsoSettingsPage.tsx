import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { useToast } from "../../../components/Toast";
import { useRemoveSsoSettings, useSaveSsoSettings, useSsoSettings } from "../api/sso";

/** Admin → Settings → Single sign-on: the organization's OpenID Connect provider. */
export function SsoSettingsPage() {
  const { t } = useTranslation();
  const settings = useSsoSettings();
  if (settings.isPending) return <main>{t("common.loading")}</main>;
  if (settings.isError) {
    return (
      <main>
        <h1>{t("sso.title")}</h1>
        <p role="alert" className="alert">
          {settings.error.message}
        </p>
      </main>
    );
  }
  // The form starts again from what was saved whenever the saved settings change.
  const data = settings.data;
  return <SsoSettingsForm key={`${data.issuer}|${data.client_id}|${data.enforced}|${data.configured}`} data={data} />;
}

function SsoSettingsForm({ data }: { data: Schemas["SsoSettings"] }) {
  const { t } = useTranslation();
  const save = useSaveSsoSettings();
  const remove = useRemoveSsoSettings();
  const toast = useToast();
  const [issuer, setIssuer] = useState(data.issuer ?? "");
  const [clientId, setClientId] = useState(data.client_id ?? "");
  const [secret, setSecret] = useState("");
  const [enforced, setEnforced] = useState(data.enforced);
  const [removing, setRemoving] = useState(false);
  const error = save.error instanceof ApiError ? save.error : undefined;

  return (
    <main className="narrow">
      <h1>{t("sso.title")}</h1>
      <p>{t("sso.intro")}</p>
      <p>
        {t("sso.status")} <strong>{data.configured ? (data.enforced ? t("sso.onRequired") : t("sso.on")) : t("sso.off")}</strong>
      </p>
      <div className="field">
        <label htmlFor="redirect-uri">{t("sso.redirectUri")}</label>
        <input id="redirect-uri" readOnly value={data.redirect_uri} onFocus={(e) => e.currentTarget.select()} />
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(
            { issuer, client_id: clientId, client_secret: secret || null, enforced },
            {
              onSuccess: () => {
                setSecret("");
                toast(t("sso.saved"));
              },
            },
          );
        }}
      >
        {error && !error.details.length && (
          <p role="alert" className="alert">
            {error.message}
          </p>
        )}
        <Field label={t("sso.issuer")} hint={t("sso.issuerHint")} error={error?.field("issuer")?.message}>
          {(p) => <input {...p} type="url" value={issuer} onChange={(e) => setIssuer(e.target.value)} required />}
        </Field>
        <Field label={t("sso.clientId")} error={error?.field("client_id")?.message}>
          {(p) => <input {...p} value={clientId} onChange={(e) => setClientId(e.target.value)} required autoComplete="off" />}
        </Field>
        <Field
          label={t("sso.clientSecret")}
          hint={data.client_secret_set ? t("sso.secretStored") : undefined}
          error={error?.field("client_secret")?.message}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              required={!data.client_secret_set}
            />
          )}
        </Field>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={enforced} onChange={(e) => setEnforced(e.target.checked)} aria-describedby="sso-enforced-hint" />
            {t("sso.require")}
          </label>
          <p className="hint" id="sso-enforced-hint">
            {t("sso.requireHint")}
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? t("sso.checking") : t("sso.save")}
          </button>
          {data.configured && (
            <button type="button" onClick={() => setRemoving(true)}>
              {t("sso.turnOff")}
            </button>
          )}
        </div>
      </form>
      {removing && (
        <Dialog title={t("sso.turnOffTitle")} onClose={() => setRemoving(false)}>
          <p>{t("sso.turnOffBody")}</p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              onClick={() =>
                remove.mutate(undefined, {
                  onSuccess: () => toast(t("sso.isOff")),
                  onError: (e) => toast(e.message, "error"),
                })
              }
            >
              {t("sso.turnOffConfirm")}
            </button>
            <button type="button" onClick={() => setRemoving(false)}>
              {t("sso.keep")}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
