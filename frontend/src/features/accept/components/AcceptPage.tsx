import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { ApiError } from "../../../api/client";
import { Field } from "../../../components/Field";
import { formatDate } from "../../../components/format";
import { useAcceptInvitation } from "../api/accept-invitation";
import { usePublicInvitation } from "../api/get-public-invitation";
import { useRenewInvitation } from "../api/renew-invitation";
import { useStartInvitationSso } from "../../../api/sso";
import { PasswordStrength } from "./PasswordStrength";

/** Codes of links that cannot be used, each with its own page (`accept.unusable.*`). */
const UNUSABLE = ["invitation_expired", "invitation_cancelled", "invitation_already_accepted", "invitation_superseded", "invitation_not_found"] as const;
type Unusable = (typeof UNUSABLE)[number] | "unknown";

/** What an expired link offers, as the organization allows: a fresh link, or asking an admin. */
function Renewal({ token, renewal, inviter }: { token: string; renewal: "self_service" | "ask_admin"; inviter?: string }) {
  const { t } = useTranslation();
  const renew = useRenewInvitation();
  if (renew.isSuccess) {
    return (
      <p role="status" className="notice">
        {renew.data.outcome === "fresh_link_sent" ? t("accept.renewal.sent") : t("accept.renewal.asked")}
      </p>
    );
  }
  return (
    <>
      {renew.error && (
        <p role="alert" className="alert">
          {renew.error.message}
        </p>
      )}
      <button type="button" className="primary" disabled={renew.isPending} onClick={() => renew.mutate(token)}>
        {renewal === "self_service"
          ? t("accept.renewal.selfService")
          : inviter
            ? t("accept.renewal.askNamed", { name: inviter })
            : t("accept.renewal.ask")}
      </button>
    </>
  );
}

/** The invitee's landing page, behind the link in the email. */
export function AcceptPage() {
  const { t } = useTranslation();
  const { token = "" } = useParams();
  const invitation = usePublicInvitation(token);
  const accept = useAcceptInvitation();
  const sso = useStartInvitationSso();
  const navigate = useNavigate();
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [password, setPassword] = useState("");
  const [showPassword, setShowPassword] = useState(false);

  if (invitation.isPending) return <main className="narrow">{t("accept.loading")}</main>;
  if (invitation.isError) {
    const code = invitation.error instanceof ApiError ? invitation.error.code : "";
    const kind: Unusable = (UNUSABLE as readonly string[]).includes(code) ? (code as Unusable) : "unknown";
    const contact = invitation.error instanceof ApiError ? invitation.error.contact : undefined;
    const renewal = invitation.error instanceof ApiError ? invitation.error.renewal : undefined;
    const renewable = kind === "invitation_expired" && (renewal === "self_service" || renewal === "ask_admin") ? renewal : undefined;
    return (
      <main className="narrow">
        <h1>{t(`accept.unusable.${kind}.title`)}</h1>
        <p>{renewable ? t(`accept.renewal.${renewable === "self_service" ? "selfServiceText" : "askText"}`) : t(`accept.unusable.${kind}.text`)}</p>
        {renewable && <Renewal token={token} renewal={renewable} inviter={contact?.name ?? contact?.email} />}
        {contact && (
          <p className="contact">
            {contact.name ? (
              <Trans i18nKey="accept.contactNamed" values={{ name: contact.name }} components={{ strong: <strong /> }} />
            ) : (
              t("accept.contactUnnamed")
            )}{" "}
            <a href={`mailto:${contact.email}`}>{contact.email}</a>
          </p>
        )}
        <p>
          {t("accept.haveAccount")} <a href="/signin">{t("accept.signIn")}</a>
        </p>
      </main>
    );
  }
  const data = invitation.data;
  const error = accept.error instanceof ApiError ? accept.error : undefined;
  const policy = data.password_policy;

  return (
    <main className="narrow">
      <h1>{t("accept.welcome")}</h1>
      <p>
        <Trans
          i18nKey={`accept.invitedAs.${data.role}`}
          values={{ organization: data.organization.name }}
          components={{ strong: <strong /> }}
        />
      </p>
      <dl className="facts">
        <dt>{t("accept.facts.email")}</dt>
        <dd>{data.email}</dd>
        {data.department && (
          <>
            <dt>{t("accept.facts.department")}</dt>
            <dd>{data.department}</dd>
          </>
        )}
        {data.group && (
          <>
            <dt>{t("accept.facts.group")}</dt>
            <dd>{data.group}</dd>
          </>
        )}
        <dt>{t("accept.facts.validUntil")}</dt>
        <dd>{formatDate(data.expires_at)}</dd>
      </dl>
      {data.courses.length > 0 && (
        <>
          <h2>{t("accept.courses")}</h2>
          <ul>
            {data.courses.map((c) => (
              <li key={c.id}>{c.title}</li>
            ))}
          </ul>
        </>
      )}
      {data.sso_available && (
        <section aria-labelledby="sso-heading">
          <h2 id="sso-heading">{data.sso_enforced ? t("accept.sso.enforcedHeading") : t("accept.sso.heading")}</h2>
          <p>
            <Trans
              i18nKey={data.first_name && data.last_name ? "accept.sso.body" : "accept.sso.bodyWithName"}
              values={{ organization: data.organization.name, email: data.email }}
              components={{ strong: <strong /> }}
            />
          </p>
          {sso.error && (
            <p role="alert" className="alert">
              {sso.error.message}
            </p>
          )}
          <button type="button" className="primary" disabled={sso.isPending} onClick={() => sso.mutate(token)}>
            {sso.isPending ? t("accept.sso.opening") : t("accept.sso.continue")}
          </button>
        </section>
      )}
      {data.sso_enforced ? (
        !data.sso_available && (
          <p role="note" className="alert">
            {t("accept.sso.notSetUp", { organization: data.organization.name })}
          </p>
        )
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            accept.mutate(
              { token, body: { password, first_name: firstName || null, last_name: lastName || null } },
              { onSuccess: () => navigate("/dashboard", { replace: true }) },
            );
          }}
        >
          <h2>{data.sso_available ? t("accept.form.orPassword") : t("accept.form.heading")}</h2>
          {error && !error.details.length && (
            <p role="alert" className="alert">
              {error.message}
            </p>
          )}
          {data.first_name ? (
            <p>{t("accept.form.firstNameIs", { name: data.first_name })}</p>
          ) : (
            <Field label={t("accept.form.firstName")} error={error?.field("first_name")?.message}>
              {(p) => <input {...p} value={firstName} onChange={(e) => setFirstName(e.target.value)} autoComplete="given-name" />}
            </Field>
          )}
          {data.last_name ? (
            <p>{t("accept.form.lastNameIs", { name: data.last_name })}</p>
          ) : (
            <Field label={t("accept.form.lastName")} error={error?.field("last_name")?.message}>
              {(p) => <input {...p} value={lastName} onChange={(e) => setLastName(e.target.value)} autoComplete="family-name" />}
            </Field>
          )}
          <Field
            label={t("accept.form.password")}
            hint={t("accept.form.passwordHint", { min: policy.min_length, max: policy.max_length })}
            error={error?.field("password")?.message}
          >
            {(p) => (
              <div className="password-input">
                <input
                  {...p}
                  type={showPassword ? "text" : "password"}
                  autoComplete="new-password"
                  value={password}
                  minLength={policy.min_length}
                  maxLength={policy.max_length}
                  onChange={(e) => setPassword(e.target.value)}
                  required
                />
                <button type="button" className="reveal" aria-pressed={showPassword} onClick={() => setShowPassword((shown) => !shown)}>
                  {t("accept.form.showPassword")}
                </button>
              </div>
            )}
          </Field>
          <PasswordStrength password={password} aboutThem={[data.email, firstName, lastName, data.organization.name].filter(Boolean)} />
          <button type="submit" className="primary" disabled={accept.isPending}>
            {accept.isPending ? t("accept.form.settingUp") : t("accept.form.submit")}
          </button>
        </form>
      )}
    </main>
  );
}
