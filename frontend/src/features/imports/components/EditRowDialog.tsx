import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { Field } from "../../../components/Field";
import { useEditRow, type RowCells } from "../api/edit-rows";

type Row = Schemas["ImportRow"];
const CELLS = ["email", "first_name", "last_name", "role", "department", "group", "send_at", "status"] as const;
type Cell = (typeof CELLS)[number];

type Props = { importId: number; row: Row; onClose: () => void };

/**
 * Edits the cells of one preview row. On save the row is re-checked at once: the dialog
 * closes when it is valid, and stays with the remaining problems beside their cells when not.
 */
export function EditRowDialog({ importId, row, onClose }: Props) {
  const { t } = useTranslation();
  const edit = useEditRow(importId);
  const [values, setValues] = useState<Record<Cell, string>>(() => ({
    email: row.values.email,
    first_name: row.values.first_name,
    last_name: row.values.last_name,
    role: row.values.role,
    department: row.values.department,
    group: row.values.group,
    send_at: row.values.send_at ?? "",
    status: row.values.status ?? "",
  }));
  const [current, setCurrent] = useState<Row>(row);
  const shown = CELLS.filter((c) => (c !== "send_at" && c !== "status") || Boolean(row.values[c]));
  const problem = (cell: Cell) =>
    current.errors
      .filter((e) => e.column === cell)
      .map((e) => e.message)
      .join(" ") || undefined;
  const error = edit.error instanceof ApiError ? edit.error : undefined;

  function save() {
    const cells: RowCells = {};
    for (const c of CELLS) if (values[c] !== (row.values[c] ?? "")) cells[c] = values[c];
    edit.mutate(
      { line: row.line, cells },
      {
        onSuccess: (checked) => {
          if (checked.valid) onClose();
          else setCurrent(checked);
        },
      },
    );
  }

  return (
    <Dialog title={t("imports.edit.title", { line: row.line })} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        {shown.map((cell) => (
          <Field key={cell} label={t(`preview.columns.${cell}`)} error={problem(cell)}>
            {(p) => <input {...p} value={values[cell]} onChange={(e) => setValues((v) => ({ ...v, [cell]: e.target.value }))} />}
          </Field>
        ))}
        {error && (
          <p role="alert" className="alert">
            {error.message}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="primary" disabled={edit.isPending}>
            {edit.isPending ? t("imports.edit.saving") : t("imports.edit.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
