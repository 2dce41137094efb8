import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Route, Routes } from "react-router";
import { createQueryClient } from "../api/query-client";
import { ToastProvider } from "../components/Toast";
import { Layout } from "./Layout";
import { HomeRedirect, RequireAuth } from "./RequireAuth";

function NotFound() {
  const { t } = useTranslation();
  return (
    <main className="narrow">
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.text")}</p>
      <p>
        <a href="/">{t("notFound.home")}</a>
      </p>
    </main>
  );
}

const AcceptPage = lazy(() => import("../features/accept/components/AcceptPage").then((m) => ({ default: m.AcceptPage })));
const ApiTokensPage = lazy(() => import("../features/api-tokens/components/ApiTokensPage").then((m) => ({ default: m.ApiTokensPage })));
const ActivityPage = lazy(() => import("../features/activity/components/ActivityPage").then((m) => ({ default: m.ActivityPage })));
const SignInPage = lazy(() => import("../features/auth/components/SignInPage").then((m) => ({ default: m.SignInPage })));
const CoursesPage = lazy(() => import("../features/courses/components/CoursesPage").then((m) => ({ default: m.CoursesPage })));
const DashboardPage = lazy(() => import("../features/dashboard/components/DashboardPage").then((m) => ({ default: m.DashboardPage })));
const ImportPage = lazy(() => import("../features/imports/components/ImportPage").then((m) => ({ default: m.ImportPage })));
const InvitationsPage = lazy(() => import("../features/invitations/components/InvitationsPage").then((m) => ({ default: m.InvitationsPage })));
const OrgPage = lazy(() => import("../features/org/components/OrgPage").then((m) => ({ default: m.OrgPage })));
const SsoCallbackPage = lazy(() => import("../features/sso/components/SsoCallbackPage").then((m) => ({ default: m.SsoCallbackPage })));
const SsoSettingsPage = lazy(() => import("../features/sso/components/SsoSettingsPage").then((m) => ({ default: m.SsoSettingsPage })));
const UsersPage = lazy(() => import("../features/users/components/UsersPage").then((m) => ({ default: m.UsersPage })));

function Loading() {
  const { t } = useTranslation();
  return <p className="loading">{t("common.loading")}</p>;
}

export function App() {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <BrowserRouter>
          {/* Each page is its own chunk, loaded when first visited. */}
          <Suspense fallback={<Loading />}>
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<HomeRedirect />} />
              <Route path="signin" element={<SignInPage />} />
              <Route path="invite/:token" element={<AcceptPage />} />
              <Route path="sso/callback" element={<SsoCallbackPage />} />
              <Route path="dashboard" element={<RequireAuth><DashboardPage /></RequireAuth>} />
              <Route path="admin/people/invitations" element={<RequireAuth admin><InvitationsPage /></RequireAuth>} />
              <Route path="admin/people/invitations/import" element={<RequireAuth admin><ImportPage /></RequireAuth>} />
              <Route path="admin/people/users" element={<RequireAuth admin><UsersPage /></RequireAuth>} />
              <Route path="admin/org" element={<RequireAuth admin><OrgPage /></RequireAuth>} />
              <Route path="admin/org/courses" element={<RequireAuth admin><CoursesPage /></RequireAuth>} />
              <Route path="admin/settings/sso" element={<RequireAuth admin><SsoSettingsPage /></RequireAuth>} />
              <Route path="admin/settings/api-tokens" element={<RequireAuth admin><ApiTokensPage /></RequireAuth>} />
              <Route path="admin/activity" element={<RequireAuth admin><ActivityPage /></RequireAuth>} />
              <Route
                path="*"
                element={<NotFound />}
              />
            </Route>
          </Routes>
          </Suspense>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
