import { useState } from "react";
import { formatDate, roleLabel } from "../../../components/format";
import { useUsers } from "../api/list-users";
import { Pager } from "../../../components/Pager";

/** Admin → People → Users. */
export function UsersPage() {
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const users = useUsers(q, page);
  return (
    <main>
      <h1>Users</h1>
      <form
        role="search"
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(search.trim());
          setPage(1);
        }}
      >
        <label htmlFor="user-search">Search by name or email</label>
        <input id="user-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <div className="table-wrap" role="region" aria-label="Members table" tabIndex={0}>
        <table>
          <caption className="visually-hidden">Members</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col" className="secondary">Role</th>
              <th scope="col">Status</th>
              <th scope="col" className="secondary">Department</th>
              <th scope="col" className="secondary">Group</th>
              <th scope="col" className="secondary">Joined</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((u) => (
              <tr key={u.id}>
                <td>{[u.first_name, u.last_name].filter(Boolean).join(" ") || "—"}</td>
                <td className="email-cell">{u.email}</td>
                <td className="secondary">{roleLabel(u.role)}</td>
                <td>
                  <span className={`badge ${u.status === "active" ? "good" : ""}`}>{u.status === "active" ? "Active" : u.status}</span>
                </td>
                <td className="secondary">{u.department ?? "—"}</td>
                <td className="secondary">{u.group ?? "—"}</td>
                <td className="secondary">{formatDate(u.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {users.data?.items.length === 0 && <p className="empty">No members match.</p>}
      </div>
      {users.data && <Pager page={page} totalPages={users.data.total_pages} onPage={setPage} />}
    </main>
  );
}
