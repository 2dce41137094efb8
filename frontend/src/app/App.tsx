import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { createQueryClient } from "../api/query-client";
import { ToastProvider } from "../components/Toast";
import { AcceptPage } from "../features/accept/components/AcceptPage";
import { ActivityPage } from "../features/activity/components/ActivityPage";
import { SignInPage } from "../features/auth/components/SignInPage";
import { DashboardPage } from "../features/dashboard/components/DashboardPage";
import { ImportPage } from "../features/imports/components/ImportPage";
import { InvitationsPage } from "../features/invitations/components/InvitationsPage";
import { OrgPage } from "../features/org/components/OrgPage";
import { SsoCallbackPage } from "../features/sso/components/SsoCallbackPage";
import { SsoSettingsPage } from "../features/sso/components/SsoSettingsPage";
import { UsersPage } from "../features/users/components/UsersPage";
import { Layout } from "./Layout";
import { HomeRedirect, RequireAuth } from "./RequireAuth";

export function App() {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <BrowserRouter>
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
              <Route path="admin/settings/sso" element={<RequireAuth admin><SsoSettingsPage /></RequireAuth>} />
              <Route path="admin/activity" element={<RequireAuth admin><ActivityPage /></RequireAuth>} />
              <Route
                path="*"
                element={
                  <main className="narrow">
                    <h1>Page not found</h1>
                    <p>
                      <a href="/">Go to the start page</a>
                    </p>
                  </main>
                }
              />
            </Route>
          </Routes>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
