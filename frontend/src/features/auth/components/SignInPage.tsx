import { useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiError } from "../../../api/client";
import { Field } from "../../../components/Field";
import { useMe } from "../api/get-me";
import { useSignIn } from "../api/sign-in";

export function SignInPage() {
  const me = useMe();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const from = (location.state as { from?: string } | null)?.from ?? "/";

  if (me.data) return <Navigate to={from} replace />;
  const error = signIn.error instanceof ApiError ? signIn.error : undefined;

  return (
    <main className="narrow">
      <h1>Sign in to SkillStream LMS</h1>
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
        <Field label="Email" error={error?.field("email")?.message}>
          {(p) => <input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label="Password" error={error?.field("password")?.message}>
          {(p) => (
            <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          )}
        </Field>
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
