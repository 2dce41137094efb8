import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
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

/** From this many rows the table renders only what is in view (TanStack Virtual). */
const VIRTUAL_FROM = 150;

type Row = Schemas["ImportRow"];

type Props = {
  rows: Row[];
  namesFromSso?: boolean;
  /** Called when the reader scrolls near the last loaded row (to load the next page). */
  onNearEnd?: () => void;
};

function PreviewRow({ row, namesFromSso }: { row: Row; namesFromSso: boolean }) {
  const bad = new Set(row.errors.map((e) => e.column));
  return (
    <tr className={row.valid ? undefined : "invalid-row"}>
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
}

/**
 * The preview of an upload: each row's values, erroneous cells highlighted, every problem. A
 * long preview scrolls inside its own box and renders only the rows in view. With
 * `namesFromSso`, empty names say they will come from the identity provider.
 */
export function PreviewTable({ rows, namesFromSso = false, onNearEnd }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = rows.length >= VIRTUAL_FROM;
  // The app does not run the React Compiler, which is what this rule guards.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => 45,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = virtual ? (items[items.length - 1]?.index ?? 0) : rows.length - 1;
  useEffect(() => {
    if (onNearEnd && lastShown >= rows.length - 30) onNearEnd();
  }, [lastShown, rows.length, onNearEnd]);

  const shown = virtual ? items.map((item) => rows[item.index]).filter((r): r is Row => r !== undefined) : rows;
  const before = virtual ? (items[0]?.start ?? 0) : 0;
  const after = virtual ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  return (
    <div ref={scroller} className={virtual ? "table-wrap preview-scroll" : "table-wrap"} role="region" aria-label="Preview of the file" tabIndex={0}>
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
          {before > 0 && (
            <tr aria-hidden="true">
              <td colSpan={COLUMNS.length + 2} style={{ height: before, padding: 0, border: 0 }} />
            </tr>
          )}
          {shown.map((row) => (
            <PreviewRow key={row.line} row={row} namesFromSso={namesFromSso} />
          ))}
          {after > 0 && (
            <tr aria-hidden="true">
              <td colSpan={COLUMNS.length + 2} style={{ height: after, padding: 0, border: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
