import { createColumnHelper } from "@tanstack/react-table";
import type { TFunction } from "i18next";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { DataTable } from "../../../components/DataTable";
import { actionLabel, actorLabel, formatDateTime, LOGGED_ACTIONS } from "../../../components/format";
import { Pager } from "../../../components/Pager";
import { formatNumber } from "../../../i18n";
import { activityCsvUrl, useActivity, type ActivityFilters, type AuditEvent } from "../api/audit-events";

const num = (v: unknown) => (typeof v === "number" ? v : 0);

/** A name as events write it: the name, or `{from, to}` when it changed. */
function named(t: TFunction, value: unknown): string {
  if (typeof value === "string") return `“${value}”`;
  if (value && typeof value === "object") {
    const { from, to } = value as Record<string, unknown>;
    if (typeof from === "string" && typeof to === "string") return t("activity.summary.renamed", { from, to });
  }
  return "";
}

/** A short sentence of what an event's details say, when they say something people need. */
function summary(t: TFunction, event: AuditEvent): string {
  const d = (event.details ?? {}) as Record<string, unknown>;
  switch (event.action) {
    case "invitation.created":
      return typeof d.role === "string" ? t("activity.summary.role", { role: t(`roles.${d.role}` as "roles.learner", { defaultValue: d.role }) }) : "";
    case "invitation.email_failed":
      return typeof d.error === "string" ? d.error : "";
    case "invitation.accepted":
      return d.method === "sso" ? t("activity.summary.withSso") : t("activity.summary.withPassword");
    case "import.uploaded":
      return t("activity.summary.uploaded", {
        rows: t("activity.summary.rows", { count: num(d.rows), formatted: formatNumber(num(d.rows)) }),
        invalid: formatNumber(num(d.invalid)),
      });
    case "import.sent":
      return t("activity.summary.sent", {
        created: t("activity.summary.invitations", { count: num(d.created), formatted: formatNumber(num(d.created)) }),
        skipped: formatNumber(num(d.skipped)),
      });
    case "api_token.created":
    case "api_token.revoked":
    case "group.created":
    case "group.updated":
    case "group.deleted":
    case "department.created":
    case "department.updated":
    case "department.deleted":
      return named(t, d.name);
    case "member.signed_out_everywhere":
      return t("activity.summary.sessionsEnded", { count: num(d.sessions_ended), formatted: formatNumber(num(d.sessions_ended)) });
    case "course.created":
      return named(t, d.title);
    case "course.updated": {
      const archived = typeof d.archived === "boolean" ? t(d.archived ? "activity.summary.archived" : "activity.summary.restored") : "";
      return [named(t, d.title), archived].filter(Boolean).join(", ");
    }
    default:
      return "";
  }
}

const column = createColumnHelper<AuditEvent>();

/** Admin → Activity: who did what, when, to whom. */
export function ActivityPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters: ActivityFilters = {
    action: params.get("action") ?? "",
    email: params.get("email") ?? "",
    fromDay: params.get("from") ?? "",
    toDay: params.get("to") ?? "",
    page: Number(params.get("page") ?? "1") || 1,
  };
  const [email, setEmail] = useState(filters.email ?? "");
  const activity = useActivity(filters);
  const update = (next: Record<string, string>) => {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) merged.set(k, v);
      else merged.delete(k);
    }
    merged.delete("page");
    if (next.page) merged.set("page", next.page);
    setParams(merged);
  };
  const filtered = Boolean(filters.action || filters.email || filters.fromDay || filters.toDay);
  const total = activity.data?.total ?? 0;
  const columns = useMemo(
    () => [
      column.accessor("occurred_at", { header: t("activity.columns.when"), cell: (info) => formatDateTime(info.getValue()), meta: { className: "date" } }),
      column.accessor("action", { header: t("activity.columns.action"), cell: (info) => actionLabel(t, info.getValue()) }),
      column.accessor("actor", { header: t("activity.columns.by"), cell: (info) => actorLabel(t, info.getValue()) }),
      column.accessor((e) => e.target.email, { id: "about", header: t("activity.columns.about"), cell: (info) => info.getValue() ?? t("common.none") }),
      column.display({ id: "details", header: t("activity.columns.details"), cell: ({ row }) => summary(t, row.original) || t("common.none") }),
    ],
    [t],
  );

  return (
    <main>
      <div className="page-head">
        <h1>{t("activity.title")}</h1>
        <div className="actions">
          <a className="button" href={activityCsvUrl(filters)} download>
            {t("activity.download")}
          </a>
        </div>
      </div>
      <form
        role="search"
        aria-label={t("activity.filter")}
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          update({ email: email.trim() });
        }}
      >
        <div className="field">
          <label htmlFor="activity-action">{t("activity.action")}</label>
          <select id="activity-action" value={filters.action} onChange={(e) => update({ action: e.target.value })}>
            <option value="">{t("activity.allActions")}</option>
            {LOGGED_ACTIONS.map((value) => (
              <option key={value} value={value}>
                {actionLabel(t, value)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="activity-email">{t("activity.person")}</label>
          <input id="activity-email" type="search" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="activity-from">{t("activity.from")}</label>
          <input id="activity-from" type="date" value={filters.fromDay} onChange={(e) => update({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="activity-to">{t("activity.to")}</label>
          <input id="activity-to" type="date" value={filters.toDay} onChange={(e) => update({ to: e.target.value })} />
        </div>
        <button type="submit">{t("activity.apply")}</button>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setEmail("");
              setParams(new URLSearchParams());
            }}
          >
            {t("activity.clear")}
          </button>
        )}
      </form>
      {activity.isError && (
        <p role="alert" className="alert">
          {activity.error.message}
        </p>
      )}
      {activity.data && (
        <p className="count" aria-live="polite">
          {t("activity.count", { count: total, formatted: formatNumber(total) })}
        </p>
      )}
      <DataTable
        data={activity.data?.items ?? []}
        columns={columns}
        label={t("activity.table")}
        caption={t("activity.title")}
        getRowId={(e) => String(e.id)}
        empty={activity.data && <p className="empty">{filtered ? t("activity.noMatch") : t("activity.none")}</p>}
      />
      {activity.data && (
        <Pager page={filters.page ?? 1} totalPages={activity.data.total_pages} onPage={(next) => update({ page: String(next) })} />
      )}
    </main>
  );
}
