import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../api/client";

type Row = Schemas["ImportRow"];
type ValueKey = keyof Row["values"];

const VALUE_COLUMNS: ValueKey[] = ["email", "first_name", "last_name", "role", "department", "group"];
const NAME_COLUMNS = new Set<string>(["first_name", "last_name"]);

/** From this many rows the table renders only what is in view (TanStack Virtual). */
const VIRTUAL_FROM = 150;

type Props = {
  rows: Row[];
  namesFromSso?: boolean;
  /** Called when the reader scrolls near the last loaded row (to load the next page). */
  onNearEnd?: () => void;
};

const column = createColumnHelper<Row>();

function useColumns(namesFromSso: boolean, scheduled: boolean) {
  const { t } = useTranslation();
  return useMemo(
    () => [
      column.accessor("line", { header: t("preview.columns.line") }),
      // `send_at` shows only for a file that has the column.
      ...[...VALUE_COLUMNS, ...(scheduled ? (["send_at"] as const) : [])].map((key) =>
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
            {row.valid ? (
              <span className="badge good">{t("preview.ok")}</span>
            ) : (
              <ul className="problems">
                {row.errors.map((e, i) => (
                  <li key={i}>{e.message}</li>
                ))}
              </ul>
            )}
            {row.warnings?.map((w, i) => (
              <p key={i} className="typo-hint">
                {w.message}
              </p>
            ))}
          </>
        ),
      }),
    ],
    [t, namesFromSso, scheduled],
  );
}

/**
 * The preview of an upload: each row's values, erroneous cells highlighted, every problem and
 * hint (TanStack Table). A long preview scrolls inside its own box and renders only the rows in
 * view (TanStack Virtual). With `namesFromSso`, empty names say they will come from the
 * identity provider.
 */
export function PreviewTable({ rows, namesFromSso = false, onNearEnd }: Props) {
  const { t } = useTranslation();
  const scheduled = rows.some((r) => Boolean(r.values.send_at));
  const columns = useColumns(namesFromSso, scheduled);
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
