import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import { ApiError } from "../../../api/client";
import { Field } from "../../../components/Field";
import { formatDate, roleLabel } from "../../../components/format";
import { useAcceptInvitation } from "../api/accept-invitation";
import { usePublicInvitation } from "../api/get-public-invitation";
import { useStartInvitationSso } from "../../../api/sso";
import { PasswordStrength } from "./PasswordStrength";

const UNUSABLE: Record<string, { title: string; text: string }> = {
  invitation_expired: {
    title: "This invitation has expired",
    text: "Invitations are valid for a limited time. Ask your administrator to resend it; the new email will have a fresh link.",
  },
  invitation_cancelled: {
    title: "This invitation was cancelled",
    text: "Your administrator cancelled it. If you still need access, ask them to invite you again.",
  },
  invitation_already_accepted: {
    title: "This invitation has already been used",
    text: "Your account is set up. Sign in with your email address and the password you chose.",
  },
  invitation_superseded: {
    title: "A newer invitation was sent",
    text: "This link was replaced. Use the link in the most recent invitation email, or ask your administrator to resend it.",
  },
  invitation_not_found: {
    title: "This invitation link is not valid",
    text: "Check that you opened the whole link from the email. If it still does not work, ask your administrator to resend the invitation.",
  },
};

/** The invitee's landing page, behind the link in the email. */
export function AcceptPage() {
  const { token = "" } = useParams();
  const invitation = usePublicInvitation(token);
  const accept = useAcceptInvitation();
  const sso = useStartInvitationSso();
  const navigate = useNavigate();
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [password, setPassword] = useState("");
  const [showPassword, setShowPassword] = useState(false);

  if (invitation.isPending) return <main className="narrow">Loading your invitation…</main>;
  if (invitation.isError) {
    const code = invitation.error instanceof ApiError ? invitation.error.code : "";
    const page = UNUSABLE[code] ?? {
      title: "We could not open this invitation",
      text: "Try again in a moment. If it keeps happening, ask your administrator to resend the invitation.",
    };
    const contact = invitation.error instanceof ApiError ? invitation.error.contact : undefined;
    return (
      <main className="narrow">
        <h1>{page.title}</h1>
        <p>{page.text}</p>
        {contact && (
          <p className="contact">
            Your invitation came from {contact.name ? <strong>{contact.name}</strong> : "your administrator"}:{" "}
            <a href={`mailto:${contact.email}`}>{contact.email}</a>
          </p>
        )}
        <p>
          Already have an account? <a href="/signin">Sign in</a>
        </p>
      </main>
    );
  }
  const data = invitation.data;
  const error = accept.error instanceof ApiError ? accept.error : undefined;
  const policy = data.password_policy;

  return (
    <main className="narrow">
      <h1>Welcome to SkillStream LMS</h1>
      <p>
        You have been invited to join <strong>{data.organization.name}</strong> as {data.role === "learner" ? "a" : "an"}{" "}
        <strong>{roleLabel(data.role)}</strong>.
      </p>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{data.email}</dd>
        {data.department && (
          <>
            <dt>Department</dt>
            <dd>{data.department}</dd>
          </>
        )}
        {data.group && (
          <>
            <dt>Group</dt>
            <dd>{data.group}</dd>
          </>
        )}
        <dt>Valid until</dt>
        <dd>{formatDate(data.expires_at)}</dd>
      </dl>
      {data.courses.length > 0 && (
        <>
          <h2>Your courses</h2>
          <ul>
            {data.courses.map((c) => (
              <li key={c.id}>{c.title}</li>
            ))}
          </ul>
        </>
      )}
      {data.sso_available && (
        <section aria-labelledby="sso-heading">
          <h2 id="sso-heading">{data.sso_enforced ? "Sign in to accept" : "Accept with your organization account"}</h2>
          <p>
            {data.organization.name} signs in with single sign-on. Sign in with your organization account as <strong>{data.email}</strong>
            {data.first_name && data.last_name ? "" : "; your name is taken from it"}.
          </p>
          {sso.error && (
            <p role="alert" className="alert">
              {sso.error.message}
            </p>
          )}
          <button type="button" className="primary" disabled={sso.isPending} onClick={() => sso.mutate(token)}>
            {sso.isPending ? "Opening your sign-in page…" : "Continue with SSO"}
          </button>
        </section>
      )}
      {data.sso_enforced ? (
        !data.sso_available && (
          <p role="note" className="alert">
            {data.organization.name} requires single sign-on, but it is not set up yet. Ask your administrator.
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
          <h2>{data.sso_available ? "Or set a password" : "Set up your account"}</h2>
          {error && !error.details.length && (
            <p role="alert" className="alert">
              {error.message}
            </p>
          )}
          {data.first_name ? (
            <p>First name: {data.first_name}</p>
          ) : (
            <Field label="First name" error={error?.field("first_name")?.message}>
              {(p) => <input {...p} value={firstName} onChange={(e) => setFirstName(e.target.value)} autoComplete="given-name" />}
            </Field>
          )}
          {data.last_name ? (
            <p>Last name: {data.last_name}</p>
          ) : (
            <Field label="Last name" error={error?.field("last_name")?.message}>
              {(p) => <input {...p} value={lastName} onChange={(e) => setLastName(e.target.value)} autoComplete="family-name" />}
            </Field>
          )}
          <Field
            label="Password"
            hint={`At least ${policy.min_length} characters (at most ${policy.max_length}).`}
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
                  Show password
                </button>
              </div>
            )}
          </Field>
          <PasswordStrength password={password} aboutThem={[data.email, firstName, lastName, data.organization.name].filter(Boolean)} />
          <button type="submit" className="primary" disabled={accept.isPending}>
            {accept.isPending ? "Setting up…" : "Accept invitation"}
          </button>
        </form>
      )}
    </main>
  );
}
