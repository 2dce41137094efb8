import { createColumnHelper } from "@tanstack/react-table";
import { lazy, Suspense, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ApiError, type Schemas } from "../../../api/client";
import { DataTable } from "../../../components/DataTable";
import { formatDate, formatDateTime } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { useToast } from "../../../components/Toast";
import { filtersFromSearch, useInvitations } from "../api/list-invitations";
import { useResendInvitation } from "../api/resend-invitation";
import { useChangeInvitation, useCopyLink, useSendNow } from "../api/lifecycle";
import { Pager } from "../../../components/Pager";
import { formatNumber } from "../../../i18n";

const SendInvitationDialog = lazy(() => import("./SendInvitationDialog").then((m) => ({ default: m.SendInvitationDialog })));
const InvitationDetailDialog = lazy(() => import("./InvitationDetailDialog").then((m) => ({ default: m.InvitationDetailDialog })));
const CancelInvitationDialog = lazy(() => import("./CancelInvitationDialog").then((m) => ({ default: m.CancelInvitationDialog })));
const CopyLinkDialog = lazy(() => import("./CopyLinkDialog").then((m) => ({ default: m.CopyLinkDialog })));
const RescheduleDialog = lazy(() => import("./RescheduleDialog").then((m) => ({ default: m.RescheduleDialog })));
const BulkActionDialog = lazy(() => import("./BulkActionDialog").then((m) => ({ default: m.BulkActionDialog })));

const TABS = ["", "scheduled", "pending", "expired", "accepted", "cancelled"] as const;

type Invitation = Schemas["Invitation"];
const column = createColumnHelper<Invitation>();

function Delivery({ invitation }: { invitation: Invitation }) {
  const { t } = useTranslation();
  const d = invitation.email_delivery;
  if (!d) return <span>{t("common.none")}</span>;
  if (d.status === "failed") {
    return (
      <span className="badge bad" title={d.last_error ?? undefined}>
        {t("delivery.failed", { error: d.last_error ?? "" })}
      </span>
    );
  }
  return <span className={`badge ${d.status === "sent" ? "good" : ""}`}>{t(`delivery.${d.status}`)}</span>;
}

/** Reminders sent and the next one, under the delivery state (nothing when neither). */
function Reminders({ invitation }: { invitation: Invitation }) {
  const { t } = useTranslation();
  const parts = [
    invitation.reminders_sent > 0 ? t("detail.remindersSent", { count: invitation.reminders_sent }) : null,
    invitation.next_reminder_at ? t("invitations.nextReminder", { date: formatDate(invitation.next_reminder_at) }) : null,
  ].filter(Boolean);
  return parts.length ? <small className="muted reminders">{parts.join(" · ")}</small> : null;
}

/** The first run: nothing sent yet, and the two ways to start. */
function NothingYet({ onSend }: { onSend: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="empty-state">
      <h2>{t("invitations.emptyTitle")}</h2>
      <p>{t("invitations.emptyBody")}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={onSend}>
          {t("invitations.send")}
        </button>
        <Link className="button" to="/admin/people/invitations/import">
          {t("invitations.import")}
        </Link>
      </div>
    </div>
  );
}

/** Admin → People → Invitations. */
export function InvitationsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { status, q, page, importId } = filtersFromSearch(params);
  const [search, setSearch] = useState(q);
  const [sending, setSending] = useState(false);
  const [cancelling, setCancelling] = useState<Invitation | null>(null);
  const [detail, setDetail] = useState<Invitation | null>(null);
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [bulk, setBulk] = useState(false);
  const [rescheduling, setRescheduling] = useState<Invitation | null>(null);
  const list = useInvitations({ status, q, page, importId });
  // `mutate` is stable; the mutation object is not, and columns that changed with it would
  // remount every cell (closing an open ⋮ menu) whenever a resend's state moved.
  const { mutate: resend } = useResendInvitation();
  const { mutate: sendNow } = useSendNow();
  const { mutate: change } = useChangeInvitation();
  const { mutate: copyLink } = useCopyLink();
  const toast = useToast();

  const update = (next: Record<string, string>) => {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) merged.set(k, v);
      else merged.delete(k);
    }
    setParams(merged);
  };
  const columns = useMemo(() => {
    const onError = (error: unknown) => toast(error instanceof ApiError ? error.message : t("common.somethingWrong"), "error");
    return [
      column.accessor("email", {
        header: t("invitations.columns.email"),
        cell: ({ row: { original: inv } }) => (
          <button type="button" className="link-button" aria-label={t("detail.open", { email: inv.email })} onClick={() => setDetail(inv)}>
            {inv.email}
          </button>
        ),
        meta: { className: "email-cell" },
      }),
      column.accessor("role", { header: t("invitations.columns.role"), cell: (info) => t(`roles.${info.getValue()}`), meta: { className: "secondary" } }),
      column.accessor("department", { header: t("invitations.columns.department"), cell: (info) => info.getValue() ?? t("common.none"), meta: { className: "secondary" } }),
      column.accessor("group", { header: t("invitations.columns.group"), cell: (info) => info.getValue() ?? t("common.none"), meta: { className: "secondary" } }),
      column.accessor("status", {
        header: t("invitations.columns.status"),
        cell: ({ row: { original: inv } }) => (
          <>
            <span className={`badge status-${inv.status}`}>{t(`invitationStatus.${inv.status}`)}</span>
            {inv.status === "expired" && inv.renewal_requested_at && <span className="badge warn">{t("invitations.renewalRequested")}</span>}
          </>
        ),
      }),
      column.accessor("sent_at", {
        header: t("invitations.columns.sent"),
        cell: ({ row: { original: inv } }) => (inv.send_at ? t("invitations.scheduledFor", { date: formatDateTime(inv.send_at) }) : formatDate(inv.sent_at)),
        meta: { className: "date secondary" },
      }),
      column.accessor("expires_at", { header: t("invitations.columns.expires"), cell: (info) => formatDate(info.getValue()), meta: { className: "date secondary" } }),
      column.display({
        id: "delivery",
        header: t("invitations.columns.delivery"),
        cell: ({ row: { original: inv } }) => (
          <>
            <Delivery invitation={inv} />
            <Reminders invitation={inv} />
          </>
        ),
      }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">{t("invitations.columns.actions")}</span>,
        cell: ({ row: { original: inv } }) => (
          <Menu
            label={t("common.actionsFor", { name: inv.email })}
            items={[
              ...(inv.status === "scheduled"
                ? [
                    {
                      label: t("invitations.sendNow"),
                      onSelect: () => sendNow(inv.id, { onSuccess: () => toast(t("invitations.sentNow", { email: inv.email })), onError }),
                    },
                    { label: t("invitations.reschedule"), onSelect: () => setRescheduling(inv) },
                  ]
                : []),
              ...(inv.status === "scheduled" ? [{ label: t("invitations.cancel"), onSelect: () => setCancelling(inv), danger: true }] : []),
              ...(inv.status === "pending" || inv.status === "expired"
                ? [
                    {
                      label: t("invitations.resend"),
                      onSelect: () => resend(inv.id, { onSuccess: () => toast(t("invitations.resent", { email: inv.email })), onError }),
                    },
                    ...(inv.status === "pending"
                      ? [
                          {
                            label: t("invitations.copyLink"),
                            onSelect: () => copyLink(inv.id, { onSuccess: ({ accept_url }) => setLink({ email: inv.email, url: accept_url }), onError }),
                          },
                          {
                            label: inv.reminders_enabled ? t("invitations.stopReminders") : t("invitations.resumeReminders"),
                            onSelect: () =>
                              change(
                                { id: inv.id, body: { reminders_enabled: !inv.reminders_enabled } },
                                {
                                  onSuccess: () => toast(t(inv.reminders_enabled ? "invitations.remindersStopped" : "invitations.remindersResumed", { email: inv.email })),
                                  onError,
                                },
                              ),
                          },
                        ]
                      : []),
                    { label: t("invitations.cancel"), onSelect: () => setCancelling(inv), danger: true },
                  ]
                : []),
              { label: t("invitations.details"), onSelect: () => setDetail(inv) },
            ]}
          />
        ),
      }),
    ];
  }, [t, toast, resend, sendNow, change, copyLink]);
  const filtered = Boolean(status || q || importId);
  const nothingYet = list.data?.total === 0 && !filtered;

  return (
    <main>
      <div className="page-head">
        <h1>{t("invitations.title")}</h1>
        {/* On a first run the empty state carries these. */}
        {!nothingYet && (
          <div className="actions">
            <Link className="button" to="/admin/people/invitations/import">
              {t("invitations.import")}
            </Link>
            <button type="button" className="primary" onClick={() => setSending(true)}>
              {t("invitations.send")}
            </button>
          </div>
        )}
      </div>
      {nothingYet ? (
        <NothingYet onSend={() => setSending(true)} />
      ) : (
        <>
          <nav aria-label={t("invitations.filterByStatus")} className="tabs">
            {TABS.map((tab) => (
              <button key={tab} type="button" aria-pressed={status === tab} onClick={() => update({ status: tab, page: "" })}>
                {tab ? t(`invitationStatus.${tab}`) : t("invitations.all")}
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
            <label htmlFor="invitation-search">{t("invitations.search")}</label>
            <input id="invitation-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
            <button type="submit">{t("invitations.searchButton")}</button>
          </form>
          {importId > 0 && (
            <p className="filter-note">
              {t("invitations.fromImport", { id: importId })}{" "}
              <button type="button" className="link-button" onClick={() => update({ import_id: "", page: "" })}>
                {t("invitations.everyImport")}
              </button>
            </p>
          )}
          {list.data && (
            <div className="count-row">
              <p className="count" aria-live="polite">
                {t("invitations.count", { count: list.data.total, formatted: formatNumber(list.data.total) })}
              </p>
              {list.data.total > 0 && importId === 0 && (
                <button type="button" onClick={() => setBulk(true)}>
                  {t("invitations.bulk", { formatted: formatNumber(list.data.total) })}
                </button>
              )}
            </div>
          )}
          {list.isError && (
            <p role="alert" className="alert">
              {list.error.message}
            </p>
          )}
          <DataTable
            data={list.data?.items ?? []}
            columns={columns}
            label={t("invitations.table")}
            caption={t("invitations.caption")}
            getRowId={(inv) => String(inv.id)}
            empty={
              list.data && (
                <div className="empty">
                  <p>{t("invitations.noMatch")}</p>
                  <button
                    type="button"
                    onClick={() => {
                      setSearch("");
                      update({ status: "", q: "", page: "", import_id: "" });
                    }}
                  >
                    {t("invitations.clearFilters")}
                  </button>
                </div>
              )
            }
          />
          {list.data && <Pager page={page} totalPages={list.data.total_pages} onPage={(next) => update({ page: String(next) })} />}
        </>
      )}
      {/* Dialogs load when first opened: the list paints without their code. */}
      <Suspense fallback={null}>
        {sending && <SendInvitationDialog onClose={() => setSending(false)} />}
        {detail && <InvitationDetailDialog invitation={detail} onClose={() => setDetail(null)} />}
        {cancelling && <CancelInvitationDialog invitation={cancelling} onClose={() => setCancelling(null)} />}
        {link && <CopyLinkDialog email={link.email} url={link.url} onClose={() => setLink(null)} />}
        {rescheduling && <RescheduleDialog invitation={rescheduling} onClose={() => setRescheduling(null)} />}
        {bulk && list.data && <BulkActionDialog filter={{ status, q }} total={list.data.total} onClose={() => setBulk(false)} />}
      </Suspense>
    </main>
  );
}
