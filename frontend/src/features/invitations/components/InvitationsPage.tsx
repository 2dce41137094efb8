import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ApiError, type Schemas } from "../../../api/client";
import { Dialog } from "../../../components/Dialog";
import { formatDate, roleLabel } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { useToast } from "../../../components/Toast";
import { useCancelInvitation } from "../api/cancel-invitation";
import { useInvitations } from "../api/list-invitations";
import { useResendInvitation } from "../api/resend-invitation";
import { InvitationDetailDialog } from "./InvitationDetailDialog";
import { SendInvitationDialog } from "./SendInvitationDialog";
import { Pager } from "../../../components/Pager";
import { formatNumber } from "../../../i18n";

const TABS = ["", "pending", "expired", "accepted", "cancelled"] as const;

type Invitation = Schemas["Invitation"];

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
  const status = params.get("status") ?? "";
  const q = params.get("q") ?? "";
  const page = Number(params.get("page") ?? "1") || 1;
  const [search, setSearch] = useState(q);
  const [sending, setSending] = useState(false);
  const [cancelling, setCancelling] = useState<Invitation | null>(null);
  const [detail, setDetail] = useState<Invitation | null>(null);
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
  const failed = (error: unknown) => toast(error instanceof ApiError ? error.message : t("common.somethingWrong"), "error");
  const filtered = Boolean(status || q);
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
          {list.data && (
            <p className="count" aria-live="polite">
              {t("invitations.count", { count: list.data.total, formatted: formatNumber(list.data.total) })}
            </p>
          )}
          {list.isError && (
            <p role="alert" className="alert">
              {list.error.message}
            </p>
          )}
          <div className="table-wrap" role="region" aria-label={t("invitations.table")} tabIndex={0}>
            <table>
              <caption className="visually-hidden">{t("invitations.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("invitations.columns.email")}</th>
                  <th scope="col" className="secondary">{t("invitations.columns.role")}</th>
                  <th scope="col" className="secondary">{t("invitations.columns.department")}</th>
                  <th scope="col" className="secondary">{t("invitations.columns.group")}</th>
                  <th scope="col">{t("invitations.columns.status")}</th>
                  <th scope="col" className="secondary">{t("invitations.columns.sent")}</th>
                  <th scope="col" className="secondary">{t("invitations.columns.expires")}</th>
                  <th scope="col">{t("invitations.columns.delivery")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("invitations.columns.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data?.items.map((inv) => (
                  <tr key={inv.id}>
                    <td className="email-cell">
                      <button type="button" className="link-button" aria-label={t("detail.open", { email: inv.email })} onClick={() => setDetail(inv)}>
                        {inv.email}
                      </button>
                    </td>
                    <td className="secondary">{roleLabel(inv.role)}</td>
                    <td className="secondary">{inv.department ?? t("common.none")}</td>
                    <td className="secondary">{inv.group ?? t("common.none")}</td>
                    <td>
                      <span className={`badge status-${inv.status}`}>{t(`invitationStatus.${inv.status}`)}</span>
                    </td>
                    <td className="date secondary">{formatDate(inv.sent_at)}</td>
                    <td className="date secondary">{formatDate(inv.expires_at)}</td>
                    <td>
                      <Delivery invitation={inv} />
                    </td>
                    <td>
                      <Menu
                        label={t("common.actionsFor", { name: inv.email })}
                        items={[
                          ...(inv.status === "pending" || inv.status === "expired"
                            ? [
                                {
                                  label: t("invitations.resend"),
                                  onSelect: () =>
                                    resend.mutate(inv.id, { onSuccess: () => toast(t("invitations.resent", { email: inv.email })), onError: failed }),
                                },
                                { label: t("invitations.cancel"), onSelect: () => setCancelling(inv), danger: true },
                              ]
                            : []),
                          { label: t("invitations.details"), onSelect: () => setDetail(inv) },
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.data && list.data.items.length === 0 && (
              <div className="empty">
                <p>{t("invitations.noMatch")}</p>
                <button
                  type="button"
                  onClick={() => {
                    setSearch("");
                    update({ status: "", q: "", page: "" });
                  }}
                >
                  {t("invitations.clearFilters")}
                </button>
              </div>
            )}
          </div>
          {list.data && <Pager page={page} totalPages={list.data.total_pages} onPage={(next) => update({ page: String(next) })} />}
        </>
      )}
      {sending && <SendInvitationDialog onClose={() => setSending(false)} />}
      {detail && <InvitationDetailDialog invitation={detail} onClose={() => setDetail(null)} />}
      {cancelling && (
        <Dialog title={t("invitations.cancelTitle")} onClose={() => setCancelling(null)}>
          <p>
            <Trans i18nKey="invitations.cancelBody" values={{ email: cancelling.email }} components={{ strong: <strong /> }} />
          </p>
          <div className="actions">
            <button type="button" onClick={() => setCancelling(null)}>
              {t("invitations.keep")}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() =>
                cancel.mutate(cancelling.id, {
                  onSuccess: () => {
                    toast(t("invitations.cancelled", { email: cancelling.email }));
                    setCancelling(null);
                  },
                  onError: failed,
                })
              }
            >
              {t("invitations.confirmCancel")}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
