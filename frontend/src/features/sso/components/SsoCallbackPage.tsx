import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../../api/client";
import { queryKeys } from "../../../api/query-keys";
import { completeSso, ssoReturnPath } from "../api/sso";

// One answer per state: React may mount the page twice in development, and a state works once.
const inFlight = new Map<string, ReturnType<typeof completeSso>>();

/** Back from the identity provider: finishes the sign-in (or the acceptance) and goes on. */
export function SsoCallbackPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  // null: still signing in; "" : failed without a message of the API's.
  const [error, setError] = useState<string | null>(null);
  const state = params.get("state") ?? "";

  useEffect(() => {
    let call = inFlight.get(state);
    if (!call) {
      call = completeSso({ state, code: params.get("code"), error: params.get("error") });
      inFlight.set(state, call);
    }
    let live = true;
    call.then(
      (session) => {
        if (!live) return;
        sessionStorage.removeItem("skillstream-sso-return");
        client.clear();
        client.setQueryData(queryKeys.me, session.user);
        navigate("/dashboard", { replace: true });
      },
      (e: unknown) => {
        if (live) setError(e instanceof ApiError ? e.message : "");
      },
    );
    return () => {
      live = false;
    };
  }, [state, params, client, navigate]);

  if (error === null) return <main className="narrow">{t("sso.signingIn")}</main>;
  const back = ssoReturnPath();
  return (
    <main className="narrow">
      <h1>{t("sso.callbackFailed")}</h1>
      <p role="alert" className="alert">
        {error || t("sso.callbackError")}
      </p>
      <p>
        <a href={back ?? "/signin"}>{back?.startsWith("/invite/") ? t("sso.backToInvitation") : t("sso.backToSignIn")}</a>
      </p>
    </main>
  );
}
