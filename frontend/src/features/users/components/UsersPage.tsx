import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDate, roleLabel } from "../../../components/format";
import { useUsers } from "../api/list-users";
import { Pager } from "../../../components/Pager";
import { formatNumber } from "../../../i18n";

/** Admin → People → Users. */
export function UsersPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const users = useUsers(q, page);
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
      <div className="table-wrap" role="region" aria-label={t("users.table")} tabIndex={0}>
        <table>
          <caption className="visually-hidden">{t("users.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("users.columns.name")}</th>
              <th scope="col">{t("users.columns.email")}</th>
              <th scope="col" className="secondary">{t("users.columns.role")}</th>
              <th scope="col">{t("users.columns.status")}</th>
              <th scope="col" className="secondary">{t("users.columns.department")}</th>
              <th scope="col" className="secondary">{t("users.columns.group")}</th>
              <th scope="col" className="secondary">{t("users.columns.joined")}</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((u) => (
              <tr key={u.id}>
                <td>{[u.first_name, u.last_name].filter(Boolean).join(" ") || t("common.none")}</td>
                <td className="email-cell">{u.email}</td>
                <td className="secondary">{roleLabel(u.role)}</td>
                <td>
                  <span className={`badge ${u.status === "active" ? "good" : ""}`}>{t(`memberStatus.${u.status}`)}</span>
                </td>
                <td className="secondary">{u.department ?? t("common.none")}</td>
                <td className="secondary">{u.group ?? t("common.none")}</td>
                <td className="secondary">{formatDate(u.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {users.data?.items.length === 0 && <p className="empty">{q ? t("users.noMatch") : t("users.none")}</p>}
      </div>
      {users.data && <Pager page={page} totalPages={users.data.total_pages} onPage={setPage} />}
    </main>
  );
}
