import { useEffect, useState } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useMe } from "../features/auth/api/get-me";
import { useSignOut } from "../features/auth/api/sign-out";

/** The admin's sidebar: sections as the help article names them ("Admin → People → …"). */
const SECTIONS = [
  {
    title: "People",
    links: [
      { to: "/admin/people/invitations", label: "Invitations" },
      { to: "/admin/people/users", label: "Users" },
    ],
  },
  {
    title: "Organization",
    links: [
      { to: "/admin/org", label: "Departments & groups" },
      { to: "/admin/settings/sso", label: "Single sign-on" },
    ],
  },
  { title: "Audit", links: [{ to: "/admin/activity", label: "Activity" }] },
];

/**
 * The app shell: a top bar, and for admins a sidebar that collapses behind a "Menu" button on
 * narrow screens (a drawer over the page that closes on navigation or Escape).
 */
export function Layout() {
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const isAdmin = me.data?.role === "admin";

  // Any navigation closes the drawer (back and forward too; a click on the current page's link
  // closes it through the link's own handler).
  const [shownPath, setShownPath] = useState(location.pathname);
  if (shownPath !== location.pathname) {
    setShownPath(location.pathname);
    setDrawerOpen(false);
  }
  useEffect(() => {
    if (!drawerOpen) return;
    const onEscape = (event: KeyboardEvent) => event.key === "Escape" && setDrawerOpen(false);
    document.addEventListener("keydown", onEscape);
    return () => document.removeEventListener("keydown", onEscape);
  }, [drawerOpen]);

  return (
    <div className={isAdmin ? "shell with-sidebar" : "shell"}>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        {isAdmin && (
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={drawerOpen}
            aria-controls="sidebar"
            onClick={() => setDrawerOpen((open) => !open)}
          >
            Menu
          </button>
        )}
        <span className="brand">SkillStream LMS</span>
        {me.data && !isAdmin && (
          <nav aria-label="Main" className="top-nav">
            <NavLink to="/dashboard">Dashboard</NavLink>
          </nav>
        )}
        {me.data && (
          <div className="who">
            <span className="who-email">{me.data.email}</span>
            <button type="button" onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate("/signin") })}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {isAdmin && (
        <>
          <nav id="sidebar" aria-label="Main" className={drawerOpen ? "sidebar open" : "sidebar"}>
            <NavLink to="/dashboard" className="sidebar-link" onClick={() => setDrawerOpen(false)}>
              Dashboard
            </NavLink>
            {SECTIONS.map((section) => (
              <div key={section.title} className="sidebar-section">
                <h2 className="sidebar-title">{section.title}</h2>
                <ul>
                  {section.links.map((link) => (
                    <li key={link.to}>
                      <NavLink to={link.to} className="sidebar-link" onClick={() => setDrawerOpen(false)}>
                        {link.label}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </nav>
          {drawerOpen && <div className="drawer-backdrop" aria-hidden="true" onClick={() => setDrawerOpen(false)} />}
        </>
      )}
      <div id="content" tabIndex={-1}>
        <Outlet />
      </div>
    </div>
  );
}
