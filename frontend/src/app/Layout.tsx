import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useMe } from "../features/auth/api/get-me";
import { useSignOut } from "../features/auth/api/sign-out";

/** The admin's sidebar: sections as the help article names them ("Admin → People → …"). */
const SECTIONS = [
  {
    title: "people",
    links: [
      { to: "/admin/people/invitations", label: "invitations" },
      { to: "/admin/people/users", label: "users" },
      { to: "/admin/people/imports", label: "imports" },
    ],
  },
  {
    title: "organization",
    links: [
      // `end`: Courses lives below this path and must not light it up too.
      { to: "/admin/org", label: "departments", end: true },
      { to: "/admin/org/courses", label: "courses" },
      { to: "/admin/settings", label: "settings", end: true },
      { to: "/admin/settings/sso", label: "sso" },
      { to: "/admin/settings/api-tokens", label: "apiTokens" },
      { to: "/admin/settings/webhooks", label: "webhooks" },
      { to: "/admin/settings/provisioning", label: "provisioning" },
    ],
  },
  { title: "audit", links: [{ to: "/admin/activity", label: "activity" }] },
] as const;

/**
 * The app shell: a top bar, and for admins a sidebar that collapses behind a "Menu" button on
 * narrow screens (a drawer over the page that closes on navigation or Escape).
 */
export function Layout() {
  const { t } = useTranslation();
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
        {t("shell.skip")}
      </a>
      <header className="topbar">
        {/* The brand stays put whoever signs in: the admin's menu button comes after it. */}
        <span className="brand">{t("shell.brand")}</span>
        {isAdmin && (
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={drawerOpen}
            aria-controls="sidebar"
            onClick={() => setDrawerOpen((open) => !open)}
          >
            {t("shell.menu")}
          </button>
        )}
        {me.data && !isAdmin && (
          <nav aria-label={t("shell.main")} className="top-nav">
            <NavLink to="/dashboard">{t("shell.dashboard")}</NavLink>
          </nav>
        )}
        {me.data && (
          <div className="who">
            <span className="who-email">{me.data.email}</span>
            <button type="button" onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate("/signin") })}>
              {t("shell.signOut")}
            </button>
          </div>
        )}
      </header>
      {isAdmin && (
        <>
          <nav id="sidebar" aria-label={t("shell.main")} className={drawerOpen ? "sidebar open" : "sidebar"}>
            <NavLink to="/dashboard" className="sidebar-link" onClick={() => setDrawerOpen(false)}>
              {t("shell.dashboard")}
            </NavLink>
            {SECTIONS.map((section) => (
              <div key={section.title} className="sidebar-section">
                <h2 className="sidebar-title">{t(`shell.sections.${section.title}`)}</h2>
                <ul>
                  {section.links.map((link) => (
                    <li key={link.to}>
                      <NavLink to={link.to} end={"end" in link} className="sidebar-link" onClick={() => setDrawerOpen(false)}>
                        {t(`shell.links.${link.label}`)}
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
