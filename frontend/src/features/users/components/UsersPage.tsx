import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../../api/client";
import { DataTable } from "../../../components/DataTable";
import { Dialog } from "../../../components/Dialog";
import { formatDate } from "../../../components/format";
import { Menu } from "../../../components/Menu";
import { Pager } from "../../../components/Pager";
import { useToast } from "../../../components/Toast";
import { formatNumber } from "../../../i18n";
import { useDeactivateUser, useReactivateUser } from "../api/change-user";
import { useUsers, type MemberStatusFilter } from "../api/list-users";
import { EditMemberDialog } from "./EditMemberDialog";

const column = createColumnHelper<Schemas["User"]>();

/** Admin → People → Users. */
export function UsersPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<MemberStatusFilter>("");
  const users = useUsers(q, page, status);
  const deactivate = useDeactivateUser();
  const reactivate = useReactivateUser();
  const toast = useToast();
  const [editing, setEditing] = useState<Schemas["User"] | null>(null);
  const [deactivating, setDeactivating] = useState<Schemas["User"] | null>(null);
  const failed = (error: unknown) => toast(error instanceof ApiError ? error.message : t("common.somethingWrong"), "error");
  const columns = useMemo(
    () => [
      column.accessor((u) => [u.first_name, u.last_name].filter(Boolean).join(" "), {
        id: "name",
        header: t("users.columns.name"),
        cell: (info) => info.getValue() || t("common.none"),
      }),
      column.accessor("email", { header: t("users.columns.email"), meta: { className: "email-cell" } }),
      column.accessor("role", { header: t("users.columns.role"), cell: (info) => t(`roles.${info.getValue()}`), meta: { className: "secondary" } }),
      column.accessor("status", {
        header: t("users.columns.status"),
        cell: (info) => <span className={`badge ${info.getValue() === "active" ? "good" : "bad"}`}>{t(`memberStatus.${info.getValue()}`)}</span>,
      }),
      column.accessor("department", { header: t("users.columns.department"), cell: (info) => info.getValue() ?? t("common.none"), meta: { className: "secondary" } }),
      column.accessor((u) => u.groups.map((g) => g.name).join(", "), {
        id: "groups",
        header: t("users.columns.groups"),
        cell: (info) => info.getValue() || t("common.none"),
        meta: { className: "secondary" },
      }),
      column.accessor("created_at", { header: t("users.columns.joined"), cell: (info) => formatDate(info.getValue()), meta: { className: "secondary date" } }),
      column.display({
        id: "actions",
        header: () => <span className="visually-hidden">{t("users.columns.actions")}</span>,
        cell: ({ row: { original: u } }) => (
          <Menu
            label={t("common.actionsFor", { name: u.email })}
            items={[
              { label: t("users.menu.edit"), onSelect: () => setEditing(u) },
              u.status === "active"
                ? { label: t("users.menu.deactivate"), danger: true, onSelect: () => setDeactivating(u) }
                : {
                    label: t("users.menu.reactivate"),
                    onSelect: () =>
                      reactivate.mutate(u.id, { onSuccess: () => toast(t("users.reactivated", { email: u.email })), onError: failed }),
                  },
            ]}
          />
        ),
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `failed` only reads `t` and `toast`
    [t, reactivate, toast],
  );
  return (
    <main>
      <h1>{t("users.title")}</h1>
      <form
        role="search"
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(search.trim());
          setPage(1);
        }}
      >
        <label htmlFor="user-search">{t("users.search")}</label>
        <input id="user-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">{t("invitations.searchButton")}</button>
        <label htmlFor="user-status">{t("users.statusFilter")}</label>
        <select
          id="user-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as MemberStatusFilter);
            setPage(1);
          }}
        >
          <option value="">{t("users.allStatuses")}</option>
          <option value="active">{t("memberStatus.active")}</option>
          <option value="deactivated">{t("memberStatus.deactivated")}</option>
        </select>
      </form>
      {users.data && (
        <p className="count" aria-live="polite">
          {t("users.count", { count: users.data.total, formatted: formatNumber(users.data.total) })}
        </p>
      )}
      <DataTable
        data={users.data?.items ?? []}
        columns={columns}
        label={t("users.table")}
        caption={t("users.caption")}
        getRowId={(u) => String(u.id)}
        empty={users.data && <p className="empty">{q ? t("users.noMatch") : t("users.none")}</p>}
      />
      {users.data && <Pager page={page} totalPages={users.data.total_pages} onPage={setPage} />}
      {editing && <EditMemberDialog user={editing} onClose={() => setEditing(null)} />}
      {deactivating && (
        <Dialog title={t("users.deactivate.title", { email: deactivating.email })} onClose={() => setDeactivating(null)}>
          <p>{t("users.deactivate.body")}</p>
          <div className="actions">
            <button type="button" onClick={() => setDeactivating(null)}>
              {t("common.cancel")}
            </button>
            <button
              type="button"
              className="danger"
              disabled={deactivate.isPending}
              onClick={() =>
                deactivate.mutate(deactivating.id, {
                  onSuccess: () => {
                    toast(t("users.deactivated", { email: deactivating.email }));
                    setDeactivating(null);
                  },
                  onError: (error) => {
                    setDeactivating(null);
                    failed(error);
                  },
                })
              }
            >
              {t("users.menu.deactivate")}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
