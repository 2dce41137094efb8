import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../../api/client";
import { DataTable } from "../../../components/DataTable";
import { formatDateTime } from "../../../components/format";
import { Pager } from "../../../components/Pager";
import { formatNumber } from "../../../i18n";
import { useImportHistory } from "../api/list-imports";

type Item = Schemas["ImportHistoryItem"];
const column = createColumnHelper<Item>();

/** Queued, sent and failed emails of what an import sent, as a bar and in words. */
function EmailProgress({ emails }: { emails: Item["emails"] }) {
  const { t } = useTranslation();
  const total = emails.queued + emails.sent + emails.failed;
  if (total === 0) return <span className="muted">{t("common.none")}</span>;
  return (
    <div className="email-progress">
      <progress max={total} value={emails.sent + emails.failed} aria-label={t("importHistory.emailProgress")} />
      <span>
        {t("importHistory.sent", { formatted: formatNumber(emails.sent) })}
        {emails.queued > 0 && <> · {t("importHistory.queued", { formatted: formatNumber(emails.queued) })}</>}
        {emails.failed > 0 && (
          <>
            {" · "}
            <span className="bad-text">{t("importHistory.failed", { formatted: formatNumber(emails.failed) })}</span>
          </>
        )}
      </span>
    </div>
  );
}

/**
 * Admin → People → Imports: every upload and batch, newest first — who, when, mode, counts,
 * and the email progress of what it sent, which moves on its own while emails go out. Each
 * opens its review or result; a sent one links to its invitations.
 */
export function ImportsPage() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const history = useImportHistory(page);
  const columns = useMemo(
    () => [
      column.accessor("file_name", {
        header: t("importHistory.columns.file"),
        cell: ({ row: { original: item } }) => (
          <Link to={`/admin/people/invitations/import/${item.id}`}>
            {item.file_name ?? t("importHistory.batch", { id: item.id })}
          </Link>
        ),
      }),
      column.accessor("created_at", {
        header: t("importHistory.columns.when"),
        cell: (info) => formatDateTime(info.getValue()),
        meta: { className: "secondary" },
      }),
      column.accessor((item) => item.created_by?.name ?? "", {
        id: "who",
        header: t("importHistory.columns.who"),
        cell: (info) => info.getValue() || <span className="muted">{t("common.none")}</span>,
        meta: { className: "secondary" },
      }),
      column.accessor("mode", {
        header: t("importHistory.columns.mode"),
        cell: (info) => t(`imports.mode.${info.getValue() as Schemas["ImportMode"]}.label`),
        meta: { className: "secondary" },
      }),
      column.display({
        id: "counts",
        header: t("importHistory.columns.rows"),
        cell: ({ row: { original: item } }) => (
          <>
            {t("imports.summary", { count: item.summary.total, formatted: formatNumber(item.summary.total) })}
            {item.summary.invalid > 0 && (
              <span className="bad-text"> · {t("imports.withErrors", { count: item.summary.invalid, formatted: formatNumber(item.summary.invalid) })}</span>
            )}
          </>
        ),
      }),
      column.display({
        id: "status",
        header: t("importHistory.columns.status"),
        cell: ({ row: { original: item } }) =>
          item.progress ? (
            <span className={item.progress.state === "failed" ? "badge bad" : "badge"} title={item.progress.error ?? undefined}>
              {item.progress.state === "failed"
                ? t("importHistory.status.failed")
                : t("importHistory.status.checking", { formatted: formatNumber(item.progress.rows_checked) })}
            </span>
          ) : item.result ? (
            <>
              <span className="badge good">{t("importHistory.status.sent")}</span>{" "}
              <Link to={`/admin/people/invitations?import_id=${item.id}`}>
                {t("importHistory.invitations", { count: item.result.created, formatted: formatNumber(item.result.created) })}
              </Link>
            </>
          ) : (
            <span className="badge">{t("importHistory.status.previewed")}</span>
          ),
      }),
      column.display({
        id: "emails",
        header: t("importHistory.columns.emails"),
        cell: ({ row: { original: item } }) => <EmailProgress emails={item.emails} />,
      }),
    ],
    [t],
  );
  const items = history.data?.items ?? [];
  return (
    <main>
      <h1>{t("importHistory.title")}</h1>
      <p>
        <Link className="button primary" to="/admin/people/invitations/import">
          {t("importHistory.new")}
        </Link>
      </p>
      {history.isPending ? (
        <p>{t("common.loading")}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <h2>{t("importHistory.emptyTitle")}</h2>
          <p>{t("importHistory.emptyBody")}</p>
        </div>
      ) : (
        <>
          <DataTable data={items} columns={columns} label={t("importHistory.table")} caption={t("importHistory.title")} getRowId={(i) => String(i.id)} />
          {history.data && <Pager page={page} totalPages={history.data.total_pages} onPage={setPage} />}
        </>
      )}
    </main>
  );
}
