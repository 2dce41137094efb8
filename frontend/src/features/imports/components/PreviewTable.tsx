import type { Schemas } from "../../../api/client";

const COLUMNS = [
  { key: "email", label: "Email" },
  { key: "first_name", label: "First name" },
  { key: "last_name", label: "Last name" },
  { key: "role", label: "Role" },
  { key: "department", label: "Department" },
  { key: "group", label: "Group" },
] as const;

const NAME_COLUMNS = new Set<string>(["first_name", "last_name"]);

/** The preview of an upload: each row's values, erroneous cells highlighted, every problem.
 * With `namesFromSso`, empty names say they will come from the identity provider. */
export function PreviewTable({ rows, namesFromSso = false }: { rows: Schemas["ImportRow"][]; namesFromSso?: boolean }) {
  return (
    <div className="table-wrap" role="region" aria-label="Preview of the file" tabIndex={0}>
      <table className="preview">
        <caption className="visually-hidden">Rows of the file</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
            <th scope="col">Problems</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const bad = new Set(row.errors.map((e) => e.column));
            return (
              <tr key={row.line} className={row.valid ? undefined : "invalid-row"}>
                <td>{row.line}</td>
                {COLUMNS.map((c) => (
                  <td key={c.key} className={bad.has(c.key) ? "cell-error" : undefined} aria-invalid={bad.has(c.key) || undefined}>
                    {row.values[c.key] ||
                      (namesFromSso && NAME_COLUMNS.has(c.key) ? <span className="muted">from SSO</span> : <span className="muted">—</span>)}
                  </td>
                ))}
                <td>
                  {row.valid ? (
                    <span className="badge good">OK</span>
                  ) : (
                    <ul className="problems">
                      {row.errors.map((e, i) => (
                        <li key={i}>{e.message}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
