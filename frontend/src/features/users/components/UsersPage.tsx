import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../api/client";
import { DataTable } from "../../../components/DataTable";
import { formatDate } from "../../../components/format";
import { useUsers } from "../api/list-users";
import { Pager } from "../../../components/Pager";
import { formatNumber } from "../../../i18n";

const column = createColumnHelper<Schemas["User"]>();

/** Admin → People → Users. */
export function UsersPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const users = useUsers(q, page);
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
        cell: (info) => <span className={`badge ${info.getValue() === "active" ? "good" : ""}`}>{t(`memberStatus.${info.getValue()}`)}</span>,
      }),
      column.accessor("department", { header: t("users.columns.department"), cell: (info) => info.getValue() ?? t("common.none"), meta: { className: "secondary" } }),
      column.accessor("group", { header: t("users.columns.group"), cell: (info) => info.getValue() ?? t("common.none"), meta: { className: "secondary" } }),
      column.accessor("created_at", { header: t("users.columns.joined"), cell: (info) => formatDate(info.getValue()), meta: { className: "secondary date" } }),
    ],
    [t],
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
    </main>
  );
}
