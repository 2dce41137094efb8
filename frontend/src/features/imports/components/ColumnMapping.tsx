import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../api/client";

/** The fields a column can fill, in the order the mapping step offers them. */
export const FIELDS = ["email", "first_name", "last_name", "role", "department", "group", "send_at", "status"] as const;
type Field = (typeof FIELDS)[number] | "ignore";

type Props = {
  columns: Schemas["ColumnGuess"][];
  busy: boolean;
  onSubmit: (map: Record<string, string>, save: boolean) => void;
};

/**
 * The mapping step: each column of the file with the field it fills, the ones the server
 * recognised already chosen; columns it did not recognise are to be chosen (or ignored).
 * The choice can be remembered for later files with the same headers.
 */
export function ColumnMapping({ columns, busy, onSubmit }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [choices, setChoices] = useState<(Field | "")[]>(() => columns.map((c) => (c.field as Field | null | undefined) ?? ""));
  const [save, setSave] = useState(true);
  const [tried, setTried] = useState(false);
  const counts = new Map<string, number>();
  for (const c of choices) if (c && c !== "ignore") counts.set(c, (counts.get(c) ?? 0) + 1);
  const problem = (i: number): string | undefined => {
    const c = choices[i] ?? "";
    if (c === "") return t("imports.mapping.choose");
    if (c !== "ignore" && (counts.get(c) ?? 0) > 1) return t("imports.mapping.twice", { field: t(`imports.mapping.fields.${c}`) });
    return undefined;
  };
  const missingEmail = !counts.has("email");
  const ok = !missingEmail && choices.every((_, i) => problem(i) === undefined);

  function submit() {
    setTried(true);
    if (!ok) return;
    const map: Record<string, string> = {};
    columns.forEach((c, i) => {
      map[c.header] = choices[i] || "ignore";
    });
    onSubmit(map, save);
  }

  return (
    <section aria-labelledby={`${id}-title`} className="mapping">
      <h2 id={`${id}-title`}>{t("imports.mapping.title")}</h2>
      <p>{t("imports.mapping.intro")}</p>
      <table className="mapping-table">
        <caption className="visually-hidden">{t("imports.mapping.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("imports.mapping.column")}</th>
            <th scope="col">{t("imports.mapping.field")}</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((c, i) => {
            const error = tried ? problem(i) : undefined;
            const selectId = `${id}-${i}`;
            return (
              <tr key={`${c.header}-${i}`} className={c.field ? undefined : "unmatched"}>
                <th scope="row">
                  <label htmlFor={selectId}>{c.header || t("imports.mapping.blankHeader")}</label>
                </th>
                <td>
                  <select
                    id={selectId}
                    value={choices[i] ?? ""}
                    aria-invalid={Boolean(error)}
                    aria-describedby={error ? `${selectId}-error` : undefined}
                    onChange={(e) => setChoices((all) => all.map((v, j) => (j === i ? (e.target.value as Field | "") : v)))}
                  >
                    <option value="">{t("imports.mapping.chooseOption")}</option>
                    {FIELDS.map((f) => (
                      <option key={f} value={f}>
                        {t(`imports.mapping.fields.${f}`)}
                      </option>
                    ))}
                    <option value="ignore">{t("imports.mapping.ignore")}</option>
                  </select>
                  {error && (
                    <p id={`${selectId}-error`} className="field-error">
                      {error}
                    </p>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {tried && missingEmail && (
        <p role="alert" className="alert">
          {t("imports.mapping.needEmail")}
        </p>
      )}
      <label className="check">
        <input type="checkbox" checked={save} onChange={(e) => setSave(e.target.checked)} />
        {t("imports.mapping.remember")}
      </label>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={submit}>
          {t("imports.mapping.submit")}
        </button>
      </div>
    </section>
  );
}
