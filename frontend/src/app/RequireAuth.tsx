import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { useMe } from "../features/auth/api/get-me";

/** Sends signed-out visitors to sign in (and back afterwards); admin pages need an admin. */
export function RequireAuth({ admin = false, children }: { admin?: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <main aria-busy="true">{t("common.loading")}</main>;
  if (!me.data) return <Navigate to="/signin" state={{ from: location.pathname + location.search }} replace />;
  if (admin && me.data.role !== "admin") return <Navigate to="/dashboard" replace />;
  return children;
}

export function HomeRedirect() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <main aria-busy="true">{t("common.loading")}</main>;
  if (!me.data) return <Navigate to="/signin" replace />;
  return <Navigate to={me.data.role === "admin" ? "/admin/people/invitations" : "/dashboard"} replace />;
}
