import { useCallback, useMemo, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError, type Schemas } from "../../../api/client";
import { useSsoSettings } from "../../../api/sso";
import { FileDropZone } from "../../../components/FileDropZone";
import { useToast } from "../../../components/Toast";
import { formatNumber } from "../../../i18n";
import { CSV_TEMPLATE_URL, errorReportUrl } from "../api/csv-template";
import { useApplySuggestion, useEditRow } from "../api/edit-rows";
import { useImportRows } from "../api/get-import";
import { isWorkbook, useUploadImport, type ImportMode } from "../api/upload-import";
import { ColumnMapping } from "./ColumnMapping";
import { EditRowDialog } from "./EditRowDialog";
import { PreviewTable, type RowFixes } from "./PreviewTable";
import { SendBar } from "./SendBar";

const MODES: ImportMode[] = ["invite_new", "invite_and_update", "update_only"];
const ACCEPTED = {
  "text/csv": [".csv"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
  "application/vnd.ms-excel": [".xls"],
  "application/vnd.oasis.opendocument.spreadsheet": [".ods"],
};

/** How many rows do each thing, for an import that updates people too. */
function ActionSummary({ actions }: { actions: Schemas["ActionCounts"] }) {
  const { t } = useTranslation();
  const kinds = ["invite", "update", "reactivate", "deactivate", "unchanged"] as const;
  const shown = kinds.filter((k) => actions[k] > 0);
  if (shown.length === 0) return null;
  return (
    <ul className="action-summary" aria-label={t("imports.actionsLabel")}>
      {shown.map((k) => (
        <li key={k}>
          <span className={`badge action-${k}`}>{t(`imports.actionCounts.${k}`, { count: actions[k], formatted: formatNumber(actions[k]) })}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Admin → People → Invitations → Import: a CSV file or a spreadsheet, in a mode (invite new
 * people, also update the ones here, or only update); columns the server does not recognise
 * go through a mapping step; the review fixes rows in place; the send bar stays in view.
 * `/import/:id` opens an earlier import (from the history) for review or its result.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const params = useParams();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>("invite_new");
  const [sheet, setSheet] = useState("");
  const [progress, setProgress] = useState(0);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [editing, setEditing] = useState<Schemas["ImportRow"] | null>(null);
  const upload = useUploadImport(setProgress);
  const importId = upload.data?.id ?? (params.id ? Number(params.id) : undefined);
  const preview = useImportRows(importId, errorsOnly);
  const sso = useSsoSettings();
  const data = preview.data?.pages[0];
  const rows = preview.data?.pages.flatMap((p) => p.rows) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = preview;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const invalid = data?.summary.invalid ?? 0;
  const uploadError = upload.error instanceof ApiError ? upload.error : undefined;
  const mapping = uploadError?.columns;
  const editRow = useEditRow(importId ?? 0);
  const applyAll = useApplySuggestion(importId ?? 0);
  const previewed = data?.status === "previewed";

  const fixes = useMemo<RowFixes | undefined>(
    () =>
      previewed && data
        ? {
            suggestions: data.suggestions,
            busy: editRow.isPending || applyAll.isPending,
            onEdit: setEditing,
            onUse: (row, column, to) => editRow.mutate({ line: row.line, cells: { [column]: to } }),
            onApply: (s) =>
              applyAll.mutate(
                { column: s.column as Schemas["ApplySuggestion"]["column"], from: s.from, to: s.to },
                { onSuccess: (done) => toast(t("imports.appliedToast", { count: done.fixed, formatted: formatNumber(done.fixed), from: s.from, to: s.to })) },
              ),
          }
        : undefined,
    // The mutations' `mutate` are stable; their state objects are not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [previewed, data, editRow.isPending, applyAll.isPending, editRow.mutate, applyAll.mutate, toast, t],
  );

  function choose(chosen: File | null) {
    setFile(chosen);
    upload.reset();
    setErrorsOnly(false);
  }

  function start(columnMap?: Record<string, string>, saveColumnMap?: boolean) {
    if (file) upload.mutate({ file, options: { mode, sheet, columnMap, saveColumnMap } });
  }

  return (
    <main>
      <p>
        <Link to="/admin/people/invitations">{t("imports.back")}</Link> · <Link to="/admin/people/imports">{t("imports.historyLink")}</Link>
      </p>
      <h1>{t("imports.title")}</h1>
      <section aria-labelledby="step-template">
        <h2 id="step-template">{t("imports.steps.template")}</h2>
        <p>
          <Trans i18nKey="imports.columns" components={{ code: <code /> }} />{" "}
          {sso.data?.configured ? t("imports.namesFromSso") : t("imports.namesFromInvitee")}
        </p>
        <p className="hint">{t("imports.formats")}</p>
        <a className="button" href={CSV_TEMPLATE_URL} download>
          {t("imports.downloadTemplate")}
        </a>
      </section>
      <section aria-labelledby="step-upload">
        <h2 id="step-upload">{t("imports.steps.upload")}</h2>
        <fieldset className="modes">
          <legend>{t("imports.mode.legend")}</legend>
          {MODES.map((m) => (
            <label key={m} className="check">
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              <span>
                <strong>{t(`imports.mode.${m}.label`)}</strong> <span className="hint">{t(`imports.mode.${m}.hint`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <FileDropZone file={file} onFile={choose} accept={ACCEPTED} label={t("imports.chooseFile")} />
        {file && isWorkbook(file) && (
          <label className="inline-field">
            {t("imports.sheet")}
            <input value={sheet} onChange={(e) => setSheet(e.target.value)} placeholder={t("imports.sheetPlaceholder")} />
          </label>
        )}
        <button type="button" className="primary" disabled={!file || upload.isPending} onClick={() => start()}>
          {t("imports.preview")}
        </button>
        {upload.isPending && (
          <div className="progress">
            <progress aria-label={t("imports.uploadProgress")} max={100} value={Math.round(progress * 100)} />
            <span>{Math.round(progress * 100)}%</span>
          </div>
        )}
        {uploadError && (
          <p role="alert" className="alert">
            {uploadError.message}
          </p>
        )}
      </section>
      {mapping && file && <ColumnMapping key={file.name + mapping.length} columns={mapping} busy={upload.isPending} onSubmit={start} />}
      {data?.progress && (
        <section aria-labelledby="step-review" className="checking">
          <h2 id="step-review">{t("imports.steps.review")}</h2>
          {data.progress.state === "checking" ? (
            <div role="status" className="progress">
              <progress aria-label={t("imports.checkingLabel")} />
              <span>{t("imports.checking", { count: data.progress.rows_checked, formatted: formatNumber(data.progress.rows_checked) })}</span>
            </div>
          ) : (
            <p role="alert" className="alert">
              {data.progress.error}
            </p>
          )}
        </section>
      )}
      {data && !data.progress && (
        <section aria-labelledby="step-review">
          <h2 id="step-review">{t("imports.steps.review")}</h2>
          {data.filename && <p className="hint">{t("imports.reviewing", { file: data.filename, mode: t(`imports.mode.${data.mode}.label`) })}</p>}
          <p className="summary" aria-live="polite">
            {t("imports.summary", { count: data.summary.total, formatted: formatNumber(data.summary.total) })}:{" "}
            <strong>{t("imports.ready", { count: data.summary.valid, formatted: formatNumber(data.summary.valid) })}</strong>
            {invalid > 0 && (
              <>
                , <strong className="bad-text">{t("imports.withErrors", { count: invalid, formatted: formatNumber(invalid) })}</strong>
              </>
            )}
            .
          </p>
          {data.mode !== "invite_new" && <ActionSummary actions={data.actions} />}
          {data.seats && data.seats.needed > data.seats.free && (
            <p role="note" className="alert">
              {t("imports.seats", {
                count: data.seats.needed,
                formatted: formatNumber(data.seats.needed),
                free: formatNumber(data.seats.free),
                limit: formatNumber(data.seats.limit),
              })}
            </p>
          )}
          <div className="actions">
            <label className="check">
              <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} />
              {t("imports.errorsOnly")}
            </label>
            {invalid > 0 && (
              <a className="button" href={errorReportUrl(data.id)} download>
                {t("imports.errorReport")}
              </a>
            )}
            {data.status === "sent" && <Link to={`/admin/people/invitations?import_id=${data.id}`}>{t("imports.itsInvitations")}</Link>}
          </div>
          {data.names_from_sso && (
            <p role="note" className="hint">
              {t("imports.emptyNamesFromSso")}
            </p>
          )}
          {invalid > 0 && <p className="hint">{previewed ? t("imports.errorsFirstFix") : t("imports.errorsFirst")}</p>}
          <PreviewTable rows={rows} namesFromSso={data.names_from_sso} showActions={data.mode !== "invite_new"} fixes={fixes} onNearEnd={loadMore} />
        </section>
      )}
      {data && !data.progress && <SendBar key={data.id} data={data} />}
      {editing && importId !== undefined && <EditRowDialog importId={importId} row={editing} onClose={() => setEditing(null)} />}
    </main>
  );
}
