import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { Field } from "../../../components/Field";
import { useToast } from "../../../components/Toast";
import { useOrganizationSettings, useSaveSettings } from "../../../api/organization-settings";

type Settings = Schemas["Settings"];
const EXPIRED_LINK = ["self_service", "ask_admin", "contact_admin"] as const;

/** Every time zone the browser knows, UTC first. */
function timeZones(): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...known.filter((zone) => zone !== "UTC")];
}

/** "2, 5" → [2, 5]; anything that is not a whole number is sent as is for the server to refuse. */
const parseDays = (text: string): number[] =>
  text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);

/** A number field's text → a whole number, or null when empty. */
const optionalNumber = (text: string): number | null => (text.trim() === "" ? null : Number(text));

/** Admin → Organization → Settings: how invitations behave in this organization. */
export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useOrganizationSettings();
  if (settings.isPending) return <main>{t("common.loading")}</main>;
  if (settings.isError) {
    return (
      <main>
        <h1>{t("settings.title")}</h1>
        <p role="alert" className="alert">
          {settings.error.message}
        </p>
      </main>
    );
  }
  // The form starts again from what was saved whenever the saved settings change.
  return <SettingsForm key={JSON.stringify(settings.data)} saved={settings.data} />;
}

function SettingsForm({ saved }: { saved: Settings }) {
  const { t } = useTranslation();
  const save = useSaveSettings();
  const toast = useToast();
  const [ttl, setTtl] = useState(String(saved.invitation_ttl_days));
  const [remindersOn, setRemindersOn] = useState(saved.reminders.enabled);
  const [afterDays, setAfterDays] = useState(saved.reminders.after_days.join(", "));
  const [beforeExpiry, setBeforeExpiry] = useState(saved.reminders.before_expiry_days?.toString() ?? "");
  const [grace, setGrace] = useState(String(saved.resend_grace_hours));
  const [expiredLink, setExpiredLink] = useState<Settings["expired_link"]>(saved.expired_link);
  const [seats, setSeats] = useState(saved.seat_limit?.toString() ?? "");
  const [zone, setZone] = useState(saved.time_zone);
  const error = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => error?.field(name)?.message;
  const zones = timeZones();

  return (
    <main className="narrow">
      <h1>{t("settings.title")}</h1>
      <p>{t("settings.intro")}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(
            {
              invitation_ttl_days: Number(ttl),
              reminders: { enabled: remindersOn, after_days: parseDays(afterDays), before_expiry_days: optionalNumber(beforeExpiry) },
              resend_grace_hours: Number(grace),
              expired_link: expiredLink,
              seat_limit: optionalNumber(seats),
              time_zone: zone,
            },
            { onSuccess: () => toast(t("settings.saved")) },
          );
        }}
      >
        {error && !error.details.length && (
          <p role="alert" className="alert">
            {error.message}
          </p>
        )}
        <h2>{t("settings.invitations")}</h2>
        <Field label={t("settings.ttl")} hint={t("settings.ttlHint")} error={fieldError("invitation_ttl_days")}>
          {(p) => <input {...p} type="number" min={1} max={365} value={ttl} onChange={(e) => setTtl(e.target.value)} />}
        </Field>
        <Field label={t("settings.grace")} hint={t("settings.graceHint")} error={fieldError("resend_grace_hours")}>
          {(p) => <input {...p} type="number" min={0} max={72} value={grace} onChange={(e) => setGrace(e.target.value)} />}
        </Field>

        <fieldset>
          <legend>{t("settings.reminders")}</legend>
          <label className="check">
            <input type="checkbox" checked={remindersOn} onChange={(e) => setRemindersOn(e.target.checked)} />
            {t("settings.remindersOn")}
          </label>
          <Field label={t("settings.afterDays")} hint={t("settings.afterDaysHint")} error={fieldError("reminders.after_days")}>
            {(p) => <input {...p} inputMode="numeric" value={afterDays} disabled={!remindersOn} onChange={(e) => setAfterDays(e.target.value)} />}
          </Field>
          <Field label={t("settings.beforeExpiry")} hint={t("settings.beforeExpiryHint")} error={fieldError("reminders.before_expiry_days")}>
            {(p) => (
              <input {...p} type="number" min={1} value={beforeExpiry} disabled={!remindersOn} onChange={(e) => setBeforeExpiry(e.target.value)} />
            )}
          </Field>
        </fieldset>

        <fieldset>
          <legend>{t("settings.expiredLink")}</legend>
          {EXPIRED_LINK.map((choice) => (
            <label key={choice} className="choice">
              <input type="radio" name="expired-link" value={choice} checked={expiredLink === choice} onChange={() => setExpiredLink(choice)} />
              <span>
                <strong>{t(`settings.expiredLinkChoices.${choice}.label`)}</strong>
                <span className="hint">{t(`settings.expiredLinkChoices.${choice}.hint`)}</span>
              </span>
            </label>
          ))}
          {fieldError("expired_link") && <p className="field-error">{fieldError("expired_link")}</p>}
        </fieldset>

        <h2>{t("settings.organization")}</h2>
        <Field label={t("settings.seats")} hint={t("settings.seatsHint")} error={fieldError("seat_limit")}>
          {(p) => <input {...p} type="number" min={1} value={seats} onChange={(e) => setSeats(e.target.value)} />}
        </Field>
        <Field label={t("settings.timeZone")} hint={t("settings.timeZoneHint")} error={fieldError("time_zone")}>
          {(p) => (
            <select {...p} value={zone} onChange={(e) => setZone(e.target.value)}>
              {!zones.includes(zone) && <option value={zone}>{zone}</option>}
              {zones.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? t("settings.saving") : t("settings.save")}
          </button>
        </div>
      </form>
    </main>
  );
}
