import { NavLink, Outlet, useNavigate } from "react-router";
import { useMe } from "../features/auth/api/get-me";
import { useSignOut } from "../features/auth/api/sign-out";

export function Layout() {
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const isAdmin = me.data?.role === "admin";
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">SkillStream LMS</span>
        {me.data && (
          <nav aria-label="Main">
            <NavLink to="/dashboard">Dashboard</NavLink>
            {isAdmin && (
              <>
                <span className="nav-group" aria-hidden="true">
                  Admin → People →
                </span>
                <NavLink to="/admin/people/invitations">Invitations</NavLink>
                <NavLink to="/admin/people/users">Users</NavLink>
                <NavLink to="/admin/org">Departments and groups</NavLink>
                <span className="nav-group" aria-hidden="true">
                  Settings →
                </span>
                <NavLink to="/admin/settings/sso">Single sign-on</NavLink>
                <NavLink to="/admin/activity">Activity</NavLink>
              </>
            )}
          </nav>
        )}
        {me.data && (
          <div className="who">
            <span>{me.data.email}</span>
            <button type="button" onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate("/signin") })}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <div id="content" tabIndex={-1}>
        <Outlet />
      </div>
    </>
  );
}
