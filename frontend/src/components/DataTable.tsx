import type { ReactNode } from "react";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type RowData } from "@tanstack/react-table";

declare module "@tanstack/react-table" {
  // Type parameters must match the library's declaration to merge with it.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Class of the column's header and cells (`secondary`: hidden on phones). */
    className?: string;
  }
}

type Props<T> = {
  data: T[];
  // Columns of mixed value types: TanStack's own examples type them with `any`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  /** The scrolling region's accessible name. */
  label: string;
  caption: string;
  getRowId: (row: T) => string;
  rowClassName?: (row: T) => string | undefined;
  /** Shown under the headers when there are no rows (inside the table's region). */
  empty?: ReactNode;
};

/**
 * A table of the admin app (TanStack Table): headers and cells from column definitions, in a
 * box that scrolls sideways on its own when it must. Columns marked `secondary` give way on
 * phones so status and actions stay on screen.
 */
export function DataTable<T>({ data, columns, label, caption, getRowId, rowClassName, empty }: Props<T>) {
  // The app does not run the React Compiler, which is what this rule guards.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId });
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={header.column.columnDef.meta?.className}>
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={rowClassName?.(row.original)}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.columnDef.meta?.className}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {data.length === 0 && empty}
    </div>
  );
}
