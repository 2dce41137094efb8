import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiError, type Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { formatDate, roleLabel } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { useToast } from "../../../components/Toast";
import { useCancelInvitation } from "../api/cancel-invitation";
import { useInvitations } from "../api/list-invitations";
import { useResendInvitation } from "../api/resend-invitation";
import { InvitationHistoryDialog } from "./InvitationHistoryDialog";
import { SendInvitationDialog } from "./SendInvitationDialog";
import { Pager } from "../../../components/Pager";

const TABS = [
  { value: "", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "expired", label: "Expired" },
  { value: "accepted", label: "Accepted" },
  { value: "cancelled", label: "Cancelled" },
];

type Invitation = Schemas["Invitation"];

function Delivery({ invitation }: { invitation: Invitation }) {
  const d = invitation.email_delivery;
  if (!d) return <span>—</span>;
  if (d.status === "failed") {
    return (
      <span className="badge bad" title={d.last_error ?? undefined}>
        Failed: {d.last_error}
      </span>
    );
  }
  const label = { queued: "Queued", sending: "Sending", sent: "Sent", superseded: "Withdrawn" }[d.status] ?? d.status;
  return <span className={`badge ${d.status === "sent" ? "good" : ""}`}>{label}</span>;
}

/** Admin → People → Invitations. */
export function InvitationsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const q = params.get("q") ?? "";
  const page = Number(params.get("page") ?? "1") || 1;
  const [search, setSearch] = useState(q);
  const [sending, setSending] = useState(false);
  const [cancelling, setCancelling] = useState<Invitation | null>(null);
  const [history, setHistory] = useState<Invitation | null>(null);
  const list = useInvitations({ status, q, page });
  const resend = useResendInvitation();
  const cancel = useCancelInvitation();
  const toast = useToast();

  const update = (next: Record<string, string>) => {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) merged.set(k, v);
      else merged.delete(k);
    }
    setParams(merged);
  };
  const failed = (error: unknown) => toast(error instanceof ApiError ? error.message : "Something went wrong.", "error");

  return (
    <main>
      <div className="page-head">
        <h1>Invitations</h1>
        <div className="actions">
          <Link className="button" to="/admin/people/invitations/import">
            Import from CSV
          </Link>
          <button type="button" className="primary" onClick={() => setSending(true)}>
            Send invitations
          </button>
        </div>
      </div>
      <nav aria-label="Filter by status" className="tabs">
        {TABS.map((tab) => (
          <button key={tab.value} type="button" aria-pressed={status === tab.value} onClick={() => update({ status: tab.value, page: "" })}>
            {tab.label}
          </button>
        ))}
      </nav>
      <form
        role="search"
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q: search.trim(), page: "" });
        }}
      >
        <label htmlFor="invitation-search">Search by email</label>
        <input id="invitation-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      {list.isError && (
        <p role="alert" className="alert">
          {list.error.message}
        </p>
      )}
      <div className="table-wrap" role="region" aria-label="Invitations table" tabIndex={0}>
        <table>
          <caption className="visually-hidden">Invitations</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col" className="secondary">Role</th>
              <th scope="col" className="secondary">Department</th>
              <th scope="col" className="secondary">Group</th>
              <th scope="col">Status</th>
              <th scope="col" className="secondary">Sent</th>
              <th scope="col" className="secondary">Expires</th>
              <th scope="col">Delivery</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((inv) => (
              <tr key={inv.id}>
                <td className="email-cell">{inv.email}</td>
                <td className="secondary">{roleLabel(inv.role)}</td>
                <td className="secondary">{inv.department ?? "—"}</td>
                <td className="secondary">{inv.group ?? "—"}</td>
                <td>
                  <span className={`badge status-${inv.status}`}>{inv.status[0]?.toUpperCase() + inv.status.slice(1)}</span>
                </td>
                <td className="date secondary">{formatDate(inv.sent_at)}</td>
                <td className="date secondary">{formatDate(inv.expires_at)}</td>
                <td>
                  <Delivery invitation={inv} />
                </td>
                <td>
                  <Menu
                    label={`Actions for ${inv.email}`}
                    items={[
                      ...(inv.status === "pending" || inv.status === "expired"
                        ? [
                            {
                              label: "Resend",
                              onSelect: () =>
                                resend.mutate(inv.id, { onSuccess: () => toast(`Invitation resent to ${inv.email}.`), onError: failed }),
                            },
                            { label: "Cancel", onSelect: () => setCancelling(inv) },
                          ]
                        : []),
                      { label: "History", onSelect: () => setHistory(inv) },
                    ]}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && list.data.items.length === 0 && <p className="empty">No invitations match.</p>}
      </div>
      {list.data && <Pager page={page} totalPages={list.data.total_pages} onPage={(next) => update({ page: String(next) })} />}
      {sending && <SendInvitationDialog onClose={() => setSending(false)} />}
      {history && <InvitationHistoryDialog invitation={history} onClose={() => setHistory(null)} />}
      {cancelling && (
        <Dialog title="Cancel this invitation?" onClose={() => setCancelling(null)}>
          <p>
            The link sent to <strong>{cancelling.email}</strong> will stop working. You can invite them again later.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setCancelling(null)}>
              Keep it
            </button>
            <button
              type="button"
              className="danger"
              onClick={() =>
                cancel.mutate(cancelling.id, {
                  onSuccess: () => {
                    toast(`Invitation to ${cancelling.email} cancelled.`);
                    setCancelling(null);
                  },
                  onError: failed,
                })
              }
            >
              Cancel invitation
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
