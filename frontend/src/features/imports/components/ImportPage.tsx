import { useCallback, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../../api/client";
import { CSV_TEMPLATE_URL, errorReportUrl } from "../api/csv-template";
import { useImportRows } from "../api/get-import";
import { useSendImport } from "../api/send-import";
import { useUploadImport } from "../api/upload-import";
import { PreviewTable } from "./PreviewTable";
import { useSsoSettings } from "../../../api/sso";
import { FileDropZone } from "../../../components/FileDropZone";
import { formatNumber } from "../../../i18n";

/** Admin → People → Invitations → Import from CSV. */
export function ImportPage() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState(0);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const upload = useUploadImport(setProgress);
  const importId = upload.data?.id;
  const preview = useImportRows(importId, errorsOnly);
  const send = useSendImport();
  const sso = useSsoSettings();
  const data = preview.data?.pages[0];
  const rows = preview.data?.pages.flatMap((p) => p.rows) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = preview;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const invalid = data?.summary.invalid ?? 0;
  const result = send.data ?? data?.result ?? undefined;
  const uploadError = upload.error instanceof ApiError ? upload.error : undefined;
  const sendError = send.error instanceof ApiError ? send.error : undefined;

  function choose(chosen: File | null) {
    setFile(chosen);
    upload.reset();
    send.reset();
    setErrorsOnly(false);
    setSkipInvalid(false);
  }

  return (
    <main>
      <p>
        <Link to="/admin/people/invitations">{t("imports.back")}</Link>
      </p>
      <h1>{t("imports.title")}</h1>
      <section aria-labelledby="step-template">
        <h2 id="step-template">{t("imports.steps.template")}</h2>
        <p>
          <Trans i18nKey="imports.columns" components={{ code: <code /> }} />{" "}
          {sso.data?.configured ? t("imports.namesFromSso") : t("imports.namesFromInvitee")}
        </p>
        <a className="button" href={CSV_TEMPLATE_URL} download>
          {t("imports.downloadTemplate")}
        </a>
      </section>
      <section aria-labelledby="step-upload">
        <h2 id="step-upload">{t("imports.steps.upload")}</h2>
        <FileDropZone file={file} onFile={choose} accept={{ "text/csv": [".csv"] }} label={t("imports.chooseFile")} />
        <button type="button" className="primary" disabled={!file || upload.isPending} onClick={() => file && upload.mutate(file)}>
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
      {data && (
        <section aria-labelledby="step-review">
          <h2 id="step-review">{t("imports.steps.review")}</h2>
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
              <input
                type="checkbox"
                checked={errorsOnly}
                onChange={(e) => setErrorsOnly(e.target.checked)}
              />
              {t("imports.errorsOnly")}
            </label>
            {invalid > 0 && (
              <a className="button" href={errorReportUrl(data.id)} download>
                {t("imports.errorReport")}
              </a>
            )}
          </div>
          {data.names_from_sso && (
            <p role="note" className="hint">
              {t("imports.emptyNamesFromSso")}
            </p>
          )}
          {invalid > 0 && <p className="hint">{t("imports.errorsFirst")}</p>}
          <PreviewTable rows={rows} namesFromSso={data.names_from_sso} onNearEnd={loadMore} />
        </section>
      )}
      {data && (
        <section aria-labelledby="step-send" className="send-bar">
          <h2 id="step-send" className="visually-hidden">
            {t("imports.steps.send")}
          </h2>
          {result ? (
            <p role="status" className="success">
              {t("imports.created", { count: result.created, formatted: formatNumber(result.created) })}
              {result.skipped > 0 && t("imports.skipped", { count: result.skipped, formatted: formatNumber(result.skipped) })}.{" "}
              {t("imports.onTheirWay")}
            </p>
          ) : (
            <>
              <p className="send-bar-counts">
                <strong>{t("imports.ready", { count: data.summary.valid, formatted: formatNumber(data.summary.valid) })}</strong>
                {invalid > 0 && (
                  <>
                    {" · "}
                    <strong className="bad-text">{t("imports.withErrors", { count: invalid, formatted: formatNumber(invalid) })}</strong>
                  </>
                )}
              </p>
              {invalid > 0 && data.summary.valid === 0 && <p className="send-bar-note">{t("imports.nothingValid")}</p>}
              {invalid > 0 && data.summary.valid > 0 && (
                <label className="check">
                  <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
                  {t("imports.skipErrors", { count: invalid, formatted: formatNumber(invalid) })}
                </label>
              )}
              {sendError && (
                <p role="alert" className="alert">
                  {sendError.message}
                </p>
              )}
              <button
                type="button"
                className="primary"
                disabled={(invalid > 0 && !skipInvalid) || data.summary.valid === 0 || send.isPending}
                aria-describedby={invalid > 0 && !skipInvalid ? "send-needs" : undefined}
                onClick={() => send.mutate({ id: data.id, skipInvalid })}
              >
                {send.isPending
                  ? t("imports.sending")
                  : t("imports.sendCount", { count: data.summary.valid, formatted: formatNumber(data.summary.valid) })}
              </button>
              {invalid > 0 && !skipInvalid && data.summary.valid > 0 && (
                <p id="send-needs" className="send-bar-note">
                  {t("imports.fixOrSkip")}
                </p>
              )}
            </>
          )}
        </section>
      )}
    </main>
  );
}
