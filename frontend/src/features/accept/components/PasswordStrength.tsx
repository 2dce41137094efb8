import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Strength } from "../strength";

const LEVELS = ["veryWeak", "weak", "fair", "strong", "veryStrong"] as const;

/**
 * A meter of how guessable the password is, with the reason (zxcvbn-ts, the estimator the
 * server's zxcvbn check is built on; the server has the last word and refuses scores below 3).
 */
export function PasswordStrength({ password, aboutThem }: { password: string; aboutThem: string[] }) {
  const { t } = useTranslation();
  const [strength, setStrength] = useState<Strength | null>(null);
  const inputs = aboutThem.join("\n");
  useEffect(() => {
    let current = true;
    if (!password) return;
    void import("../strength").then(({ estimate }) => {
      if (current) setStrength(estimate(password, inputs.split("\n")));
    });
    return () => {
      current = false;
    };
  }, [password, inputs]);
  if (!password || !strength) return null;
  const enough = strength.score >= 3;
  return (
    <div className="strength" aria-live="polite">
      <meter min={0} max={4} low={2.5} high={3.5} optimum={4} value={strength.score} aria-label={t("strength.label")} />
      <p className={enough ? "hint" : "field-error"}>
        {t(`strength.${LEVELS[strength.score] ?? "veryWeak"}`)}
        {!enough && (strength.warning || strength.suggestion) && `: ${[strength.warning, strength.suggestion].filter(Boolean).join(" ")}`}
      </p>
    </div>
  );
}
