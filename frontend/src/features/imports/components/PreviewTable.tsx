import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../api/client";
import { formatNumber } from "../../../i18n";

type Row = Schemas["ImportRow"];
type Suggestion = Schemas["Suggestion"];
type ValueKey = keyof Row["values"];

const VALUE_COLUMNS: ValueKey[] = ["email", "first_name", "last_name", "role", "department", "group"];
const NAME_COLUMNS = new Set<string>(["first_name", "last_name"]);

/** From this many rows the table renders only what is in view (TanStack Virtual). */
const VIRTUAL_FROM = 150;

/** Fixing rows in place, while the import is previewed. */
export type RowFixes = {
  /** Suggestions several cells can take at once. */
  suggestions: Suggestion[];
  onEdit: (row: Row) => void;
  /** One cell takes its suggestion. */
  onUse: (row: Row, column: string, to: string) => void;
  /** Every cell with that value takes it. */
  onApply: (suggestion: Suggestion) => void;
  busy: boolean;
};

type Props = {
  rows: Row[];
  namesFromSso?: boolean;
  /** The import's mode: the action column shows when rows can do more than invite. */
  showActions?: boolean;
  fixes?: RowFixes;
  /** Called when the reader scrolls near the last loaded row (to load the next page). */
  onNearEnd?: () => void;
};

const column = createColumnHelper<Row>();

function Problems({ row, fixes }: { row: Row; fixes?: RowFixes }) {
  const { t } = useTranslation();
  if (row.valid) return <span className="badge good">{t("preview.ok")}</span>;
  return (
    <ul className="problems">
      {row.errors.map((e, i) => {
        const from = row.values[e.column as ValueKey] ?? "";
        const many = fixes?.suggestions.find((s) => s.column === e.column && s.from === from && s.cells > 1);
        return (
          <li key={i}>
            {e.message}
            {fixes && e.suggestion && (
              <span className="fix-actions">
                <button type="button" className="link-button" disabled={fixes.busy} onClick={() => fixes.onUse(row, e.column, e.suggestion ?? "")}>
                  {t("preview.use", { value: e.suggestion })}
                </button>
                {many && (
                  <button type="button" className="link-button" disabled={fixes.busy} onClick={() => fixes.onApply(many)}>
                    {t("preview.applyAll", { count: many.cells, formatted: formatNumber(many.cells), from: many.from, to: many.to })}
                  </button>
                )}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function ActionCell({ row }: { row: Row }) {
  const { t } = useTranslation();
  const changes: [string, string[]][] = Object.entries(row.changes ?? {});
  return (
    <>
      <span className={`badge action-${row.action}`}>{t(`preview.actions.${row.action}`)}</span>
      {changes.length > 0 && (
        <ul className="changes">
          {changes.map(([field, values]) => {
            const [from = "", to = ""] = values;
            return (
            <li key={field}>
              {t(`preview.changeField.${field as ChangeField}`, { defaultValue: field })}: <del>{from || t("common.none")}</del> → <ins>{to || t("common.none")}</ins>
            </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

type ChangeField = "first_name" | "last_name" | "role" | "department" | "groups";

function useColumns(namesFromSso: boolean, scheduled: boolean, statuses: boolean, showActions: boolean, fixes?: RowFixes) {
  const { t } = useTranslation();
  return useMemo(
    () => [
      column.accessor("line", {
        header: t("preview.columns.line"),
        cell: ({ row: { original: row } }) => (
          <>
            {row.line}
            {fixes && (
              <button type="button" className="link-button edit-row" disabled={fixes.busy} onClick={() => fixes.onEdit(row)}>
                {t("preview.edit")}
                <span className="visually-hidden"> {t("preview.editLine", { line: row.line })}</span>
              </button>
            )}
          </>
        ),
      }),
      ...(showActions
        ? [
            column.display({
              id: "action",
              header: t("preview.columns.action"),
              cell: ({ row: { original: row } }) => <ActionCell row={row} />,
            }),
          ]
        : []),
      // `send_at` and `status` show only for a file that has the column.
      ...[...VALUE_COLUMNS, ...(scheduled ? (["send_at"] as const) : []), ...(statuses ? (["status"] as const) : [])].map((key) =>
        column.accessor((row) => row.values[key], {
          id: key,
          header: t(`preview.columns.${key}`),
          cell: (info) =>
            info.getValue() ||
            (namesFromSso && NAME_COLUMNS.has(key) ? (
              <span className="muted">{t("preview.fromSso")}</span>
            ) : (
              <span className="muted">{t("common.none")}</span>
            )),
        }),
      ),
      column.display({
        id: "problems",
        header: t("preview.columns.problems"),
        cell: ({ row: { original: row } }) => (
          <>
            <Problems row={row} fixes={fixes} />
            {row.warnings?.map((w, i) => (
              <p key={i} className="typo-hint">
                {w.message}
              </p>
            ))}
          </>
        ),
      }),
    ],
    [t, namesFromSso, scheduled, statuses, showActions, fixes],
  );
}

/**
 * The preview of an upload: each row's values, erroneous cells highlighted, every problem and
 * hint, what the row will do (and its changes, in an update mode), and — while previewed —
 * the fixes: edit a row, take a suggestion for a cell or for every cell with that value
 * (TanStack Table). A long preview scrolls inside its own box and renders only the rows in
 * view (TanStack Virtual). With `namesFromSso`, empty names say they will come from the
 * identity provider.
 */
export function PreviewTable({ rows, namesFromSso = false, showActions = false, fixes, onNearEnd }: Props) {
  const { t } = useTranslation();
  const scheduled = rows.some((r) => Boolean(r.values.send_at));
  const statuses = rows.some((r) => Boolean(r.values.status));
  const columns = useColumns(namesFromSso, scheduled, statuses, showActions, fixes);
  // The app does not run the React Compiler, which is what this rule guards.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: (row) => String(row.line) });
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = rows.length >= VIRTUAL_FROM;
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

  const all = table.getRowModel().rows;
  const shown = virtual ? items.map((item) => all[item.index]).filter((r) => r !== undefined) : all;
  const before = virtual ? (items[0]?.start ?? 0) : 0;
  const after = virtual ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const span = columns.length;
  return (
    <div
      ref={scroller}
      className={virtual ? "table-wrap preview-scroll" : "table-wrap"}
      role="region"
      aria-label={t("preview.region")}
      tabIndex={0}
    >
      <table className="preview">
        <caption className="visually-hidden">{t("preview.caption")}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {before > 0 && (
            <tr aria-hidden="true">
              <td colSpan={span} style={{ height: before, padding: 0, border: 0 }} />
            </tr>
          )}
          {shown.map((row) => {
            const bad = new Set(row.original.errors.map((e) => e.column));
            return (
              <tr key={row.id} className={row.original.valid ? undefined : "invalid-row"}>
                {row.getVisibleCells().map((cell) => {
                  const invalid = bad.has(cell.column.id);
                  return (
                    <td key={cell.id} className={invalid ? "cell-error" : undefined} aria-invalid={invalid || undefined}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {after > 0 && (
            <tr aria-hidden="true">
              <td colSpan={span} style={{ height: after, padding: 0, border: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
