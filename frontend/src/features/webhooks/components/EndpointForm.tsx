import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError, Schemas } from "../../../api/client";
import { Field } from "../../../components/Field";
import { ACTIONS, actionLabel } from "../../../components/format";

export interface EndpointValues {
  url: string;
  description: string;
  /** `["*"]` for every event. */
  events: string[];
}

/** URL, description and the events an endpoint receives: all of them, or a chosen few. */
export function EndpointForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: EndpointValues;
  submitLabel: string;
  pending: boolean;
  error?: ApiError;
  onSubmit: (values: EndpointValues) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [url, setUrl] = useState(initial.url);
  const [description, setDescription] = useState(initial.description);
  const [all, setAll] = useState(initial.events.includes("*"));
  const [chosen, setChosen] = useState<string[]>(initial.events.filter((e) => e !== "*"));
  const eventsError = error?.field("events")?.message ?? (!all && chosen.length === 0 ? t("webhooks.form.chooseOne") : undefined);

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!all && chosen.length === 0) return;
        onSubmit({ url: url.trim(), description: description.trim(), events: all ? ["*"] : chosen });
      }}
    >
      <Field label={t("webhooks.form.url")} hint={t("webhooks.form.urlHint")} error={error?.field("url")?.message}>
        {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" maxLength={2000} />}
      </Field>
      <Field label={t("webhooks.form.description")} error={error?.field("description")?.message}>
        {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />}
      </Field>
      <fieldset className="events-picker" aria-describedby={eventsError ? `${id}-events-error` : undefined}>
        <legend>{t("webhooks.form.events")}</legend>
        <label className="check">
          <input type="radio" name={`${id}-scope`} checked={all} onChange={() => setAll(true)} />
          {t("webhooks.form.allEvents")}
        </label>
        <label className="check">
          <input type="radio" name={`${id}-scope`} checked={!all} onChange={() => setAll(false)} />
          {t("webhooks.form.someEvents")}
        </label>
        {!all && (
          <div className="event-choices">
            {ACTIONS.map((action) => (
              <label key={action} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(action)}
                  onChange={(e) => setChosen((list) => (e.target.checked ? [...list, action] : list.filter((a) => a !== action)))}
                />
                {actionLabel(t, action)} <code className="muted">{action}</code>
              </label>
            ))}
          </div>
        )}
        {eventsError && !all && (
          <p id={`${id}-events-error`} className="field-error" role="alert">
            {eventsError}
          </p>
        )}
      </fieldset>
      <div className="actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        )}
        <button type="submit" className="primary" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

export const valuesOf = (webhook: Schemas["Webhook"]): EndpointValues => ({
  url: webhook.url,
  description: webhook.description,
  events: webhook.events,
});
