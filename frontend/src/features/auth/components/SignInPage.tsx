import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiError } from "../../../api/client";
import { Field } from "../../../components/Field";
import { useMe } from "../api/get-me";
import { useSignIn } from "../api/sign-in";
import { useStartSignInSso } from "../../../api/sso";

export function SignInPage() {
  const { t } = useTranslation();
  const me = useMe();
  const signIn = useSignIn();
  const sso = useStartSignInSso();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const from = (location.state as { from?: string } | null)?.from ?? "/";

  if (me.data) return <Navigate to={from} replace />;
  const error = signIn.error instanceof ApiError ? signIn.error : undefined;
  const ssoError = sso.error instanceof ApiError ? sso.error : undefined;
  const ssoRequired = error?.code === "sso_required";

  return (
    <main className="narrow">
      <h1>{t("signIn.title")}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signIn.mutate({ email, password }, { onSuccess: () => navigate(from, { replace: true }) });
        }}
      >
        {error && !error.details.length && (
          <p role="alert" className="alert">
            {error.message}
          </p>
        )}
        <Field label={t("signIn.email")} error={error?.field("email")?.message ?? ssoError?.field("email")?.message}>
          {(p) => <input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label={t("signIn.password")} error={error?.field("password")?.message}>
          {(p) => (
            <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className={ssoRequired ? undefined : "primary"} disabled={signIn.isPending}>
            {signIn.isPending ? t("signIn.signingIn") : t("signIn.submit")}
          </button>
          <button
            type="button"
            className={ssoRequired ? "primary" : undefined}
            disabled={sso.isPending}
            onClick={(e) => {
              const input = e.currentTarget.form?.querySelector<HTMLInputElement>("input[type=email]");
              if (input && !input.reportValidity()) return;
              sso.mutate(email.trim());
            }}
          >
            {sso.isPending ? t("accept.sso.opening") : t("accept.sso.continue")}
          </button>
        </div>
        {sso.error && !(ssoError && ssoError.details.length) && (
          <p role="alert" className="alert">
            {sso.error.message}
          </p>
        )}
      </form>
    </main>
  );
}
