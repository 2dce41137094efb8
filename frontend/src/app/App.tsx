import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState, type ComponentType } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Route, Routes } from "react-router";
import { createQueryClient } from "../api/query-client";
import { meQuery } from "../features/auth/api/get-me";
import { filtersFromSearch, invitationsQuery } from "../features/invitations/api/list-invitations";
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

/**
 * A page loaded on demand (its own chunk). The page of the address the app opens on starts
 * loading at once, alongside the sign-in check, instead of after it (one round trip less
 * before the first real content).
 */
function page<M extends Record<K, ComponentType>, K extends keyof M>(load: () => Promise<M>, name: K, path: RegExp) {
  if (typeof window !== "undefined" && path.test(window.location.pathname)) void load();
  return lazy(() => load().then((m) => ({ default: m[name] })));
}

const AcceptPage = page(() => import("../features/accept/components/AcceptPage"), "AcceptPage", /^\/invite\//);
const ApiTokensPage = page(() => import("../features/api-tokens/components/ApiTokensPage"), "ApiTokensPage", /^\/admin\/settings\/api-tokens/);
const ProvisioningPage = page(() => import("../features/provisioning/components/ProvisioningPage"), "ProvisioningPage", /^\/admin\/settings\/provisioning/);
const WebhooksPage = page(() => import("../features/webhooks/components/WebhooksPage"), "WebhooksPage", /^\/admin\/settings\/webhooks/);
const ActivityPage = page(() => import("../features/activity/components/ActivityPage"), "ActivityPage", /^\/admin\/activity/);
const SettingsPage = page(() => import("../features/settings/components/SettingsPage"), "SettingsPage", /^\/admin\/settings\/?$/);
const SignInPage = page(() => import("../features/auth/components/SignInPage"), "SignInPage", /^\/signin/);
const CoursesPage = page(() => import("../features/courses/components/CoursesPage"), "CoursesPage", /^\/admin\/org\/courses/);
const DashboardPage = page(() => import("../features/dashboard/components/DashboardPage"), "DashboardPage", /^\/dashboard/);
const ImportPage = page(() => import("../features/imports/components/ImportPage"), "ImportPage", /^\/admin\/people\/invitations\/import/);
const ImportsPage = page(() => import("../features/imports/components/ImportsPage"), "ImportsPage", /^\/admin\/people\/imports/);
const InvitationsPage = page(() => import("../features/invitations/components/InvitationsPage"), "InvitationsPage", /^\/admin\/people\/invitations\/?$/);
const OrgPage = page(() => import("../features/org/components/OrgPage"), "OrgPage", /^\/admin\/org\/?$/);
const SsoCallbackPage = page(() => import("../features/sso/components/SsoCallbackPage"), "SsoCallbackPage", /^\/sso\/callback/);
const SsoSettingsPage = page(() => import("../features/sso/components/SsoSettingsPage"), "SsoSettingsPage", /^\/admin\/settings\/sso/);
const UsersPage = page(() => import("../features/users/components/UsersPage"), "UsersPage", /^\/admin\/people\/users/);

/**
 * The data of the page the app opens on, asked for at once, alongside the sign-in check and
 * the page's code (signed out, the list answers 401 and the app goes to sign in anyway).
 */
function startQueries(client: QueryClient) {
  void client.prefetchQuery(meQuery);
  if (/^\/admin\/people\/invitations\/?$/.test(window.location.pathname)) {
    void client.prefetchQuery(invitationsQuery(filtersFromSearch(new URLSearchParams(window.location.search))));
  }
}

function Loading() {
  const { t } = useTranslation();
  return <p className="loading">{t("common.loading")}</p>;
}

export function App() {
  const [client] = useState(() => {
    const created = createQueryClient();
    startQueries(created);
    return created;
  });
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
              <Route path="admin/people/invitations/import/:id" element={<RequireAuth admin><ImportPage /></RequireAuth>} />
              <Route path="admin/people/imports" element={<RequireAuth admin><ImportsPage /></RequireAuth>} />
              <Route path="admin/people/users" element={<RequireAuth admin><UsersPage /></RequireAuth>} />
              <Route path="admin/org" element={<RequireAuth admin><OrgPage /></RequireAuth>} />
              <Route path="admin/org/courses" element={<RequireAuth admin><CoursesPage /></RequireAuth>} />
              <Route path="admin/settings" element={<RequireAuth admin><SettingsPage /></RequireAuth>} />
              <Route path="admin/settings/sso" element={<RequireAuth admin><SsoSettingsPage /></RequireAuth>} />
              <Route path="admin/settings/api-tokens" element={<RequireAuth admin><ApiTokensPage /></RequireAuth>} />
              <Route path="admin/settings/webhooks" element={<RequireAuth admin><WebhooksPage /></RequireAuth>} />
              <Route path="admin/settings/provisioning" element={<RequireAuth admin><ProvisioningPage /></RequireAuth>} />
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
