import { useState } from "react";
import { ApiError, type Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { useToast } from "../../../components/Toast";
import { useRemoveSsoSettings, useSaveSsoSettings, useSsoSettings } from "../api/sso";

/** Admin → Settings → Single sign-on: the organization's OpenID Connect provider. */
export function SsoSettingsPage() {
  const settings = useSsoSettings();
  if (settings.isPending) return <main>Loading…</main>;
  if (settings.isError) {
    return (
      <main>
        <h1>Single sign-on</h1>
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
      <h1>Single sign-on</h1>
      <p>
        Let people accept invitations and sign in with your organization’s identity provider (OpenID Connect: Microsoft Entra ID, Google
        Workspace, Okta, Keycloak…). Names left empty on an invitation are filled from the provider when the invitee accepts.
      </p>
      <p>
        Status: <strong>{data.configured ? (data.enforced ? "On and required" : "On") : "Off"}</strong>
      </p>
      <div className="field">
        <label htmlFor="redirect-uri">Redirect URI to register with your provider</label>
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
                toast("Single sign-on settings saved.");
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
        <Field label="Issuer URL" hint="For example https://login.example.com/realms/staff" error={error?.field("issuer")?.message}>
          {(p) => <input {...p} type="url" value={issuer} onChange={(e) => setIssuer(e.target.value)} required />}
        </Field>
        <Field label="Client ID" error={error?.field("client_id")?.message}>
          {(p) => <input {...p} value={clientId} onChange={(e) => setClientId(e.target.value)} required autoComplete="off" />}
        </Field>
        <Field
          label="Client secret"
          hint={data.client_secret_set ? "A secret is stored and never shown. Leave empty to keep it." : undefined}
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
            Require single sign-on
          </label>
          <p className="hint" id="sso-enforced-hint">
            Invitees accept only through the provider, and members can no longer sign in with a password. If the provider ever fails, run
            “skillstream stop-enforcing-sso --org NAME” on the server.
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Checking the provider…" : "Save"}
          </button>
          {data.configured && (
            <button type="button" onClick={() => setRemoving(true)}>
              Turn off single sign-on
            </button>
          )}
        </div>
      </form>
      {removing && (
        <Dialog title="Turn off single sign-on?" onClose={() => setRemoving(false)}>
          <p>Members who joined through the provider have no password here, so they will not be able to sign in until single sign-on is back.</p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              onClick={() =>
                remove.mutate(undefined, {
                  onSuccess: () => toast("Single sign-on is off."),
                  onError: (e) => toast(e.message, "error"),
                })
              }
            >
              Turn off
            </button>
            <button type="button" onClick={() => setRemoving(false)}>
              Keep it
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
