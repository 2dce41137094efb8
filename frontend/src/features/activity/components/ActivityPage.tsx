import { useState } from "react";
import { useSearchParams } from "react-router";
import { ACTION_LABELS, actorLabel, formatDateTime } from "../../../components/format";
import { Pager } from "../../../components/Pager";
import { activityCsvUrl, useActivity, type ActivityFilters, type AuditEvent } from "../api/audit-events";

/** A short sentence of what an event's details say, when they say something people need. */
function summary(event: AuditEvent): string {
  const d = (event.details ?? {}) as Record<string, unknown>;
  switch (event.action) {
    case "invitation.created":
      return typeof d.role === "string" ? `Role: ${d.role}` : "";
    case "invitation.email_failed":
      return typeof d.error === "string" ? d.error : "";
    case "invitation.accepted":
      return d.method === "sso" ? "With single sign-on" : "With a password";
    case "import.uploaded":
      return `${d.rows ?? 0} ${d.rows === 1 ? "row" : "rows"}, ${d.invalid ?? 0} with errors`;
    case "import.sent":
      return `${d.created ?? 0} ${d.created === 1 ? "invitation" : "invitations"} created, ${d.skipped ?? 0} skipped`;
    case "api_token.created":
    case "api_token.revoked":
      return typeof d.name === "string" ? `“${d.name}”` : "";
    default:
      return "";
  }
}

/** Admin → Activity: who did what, when, to whom. */
export function ActivityPage() {
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

  return (
    <main>
      <div className="page-head">
        <h1>Activity</h1>
        <div className="actions">
          <a className="button" href={activityCsvUrl(filters)} download>
            Download CSV
          </a>
        </div>
      </div>
      <form
        role="search"
        aria-label="Filter the activity"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          update({ email: email.trim() });
        }}
      >
        <div className="field">
          <label htmlFor="activity-action">Action</label>
          <select id="activity-action" value={filters.action} onChange={(e) => update({ action: e.target.value })}>
            <option value="">All actions</option>
            {Object.entries(ACTION_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="activity-email">Person (email)</label>
          <input id="activity-email" type="search" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="activity-from">From</label>
          <input id="activity-from" type="date" value={filters.fromDay} onChange={(e) => update({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="activity-to">To</label>
          <input id="activity-to" type="date" value={filters.toDay} onChange={(e) => update({ to: e.target.value })} />
        </div>
        <button type="submit">Apply</button>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setEmail("");
              setParams(new URLSearchParams());
            }}
          >
            Clear filters
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
          {total === 1 ? "1 event" : `${total.toLocaleString()} events`}
        </p>
      )}
      <div className="table-wrap" role="region" aria-label="Activity table" tabIndex={0}>
        <table>
          <caption className="visually-hidden">Activity</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">By</th>
              <th scope="col">About</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {activity.data?.items.map((event) => (
              <tr key={event.id}>
                <td className="date">{formatDateTime(event.occurred_at)}</td>
                <td>{ACTION_LABELS[event.action] ?? event.action}</td>
                <td>{actorLabel(event.actor)}</td>
                <td>{event.target.email ?? "—"}</td>
                <td>{summary(event) || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {activity.data && activity.data.items.length === 0 && (
          <p className="empty">
            {filtered
              ? "No activity matches these filters."
              : "Nothing has happened yet. Invitations you send, resend or cancel, and every acceptance, will be listed here."}
          </p>
        )}
      </div>
      {activity.data && (
        <Pager page={filters.page ?? 1} totalPages={activity.data.total_pages} onPage={(next) => update({ page: String(next) })} />
      )}
    </main>
  );
}
