import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { fetchMock, json } from "../../../test-support";
import { ProvisioningPage } from "./ProvisioningPage";

const okta = {
  id: 1,
  name: "Okta",
  prefix: "scim_AbCd",
  created_by: 1,
  created_at: "2026-11-01T00:00:00Z",
  last_used_at: "2026-11-02T00:00:00Z",
  revoked_at: null,
};

function serve({ sso }: { sso: boolean }) {
  const sent: { method: string; path: string; body?: unknown }[] = [];
  let mode = "invite";
  fetchMock.mockImplementation(async (...args: unknown[]) => {
    const request = args[0];
    if (!(request instanceof Request)) return json(404, {});
    const path = new URL(request.url).pathname;
    if (path === "/api/v1/organization/sso") return json(200, { configured: sso });
    if (path === "/api/v1/organization/settings") {
      if (request.method === "PATCH") {
        const body = await request.json();
        sent.push({ method: "PATCH", path, body });
        mode = body.scim_provisioning;
      }
      return json(200, { scim_provisioning: mode, invitation_ttl_days: 7 });
    }
    if (request.method === "GET") return json(200, [okta]);
    if (request.method === "DELETE") {
      sent.push({ method: "DELETE", path });
      return new Response(null, { status: 204 });
    }
    const body = await request.json();
    sent.push({ method: request.method, path, body });
    return json(201, { ...okta, id: 2, name: body.name, token: "scim_secret_value" });
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <ProvisioningPage />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return sent;
}

describe("the provisioning page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("shows the SCIM base URL and lists tokens by name and prefix, never a secret", async () => {
    serve({ sso: false });
    expect(screen.getByLabelText("SCIM base URL")).toHaveValue(`${window.location.origin}/scim/v2`);
    const row = await screen.findByRole("row", { name: /Okta/ });
    expect(row).toHaveTextContent("scim_AbCd…");
    expect(row).toHaveTextContent("Active");
  });

  it("creates a token and shows its secret once", async () => {
    const sent = serve({ sso: false });
    await screen.findByRole("row", { name: /Okta/ });
    await userEvent.type(screen.getByLabelText("Name"), "Entra ID");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));
    const dialog = await screen.findByRole("dialog", { name: "SCIM token “Entra ID” created" });
    expect(within(dialog).getByLabelText("SCIM token")).toHaveValue("scim_secret_value");
    expect(sent[0]).toEqual({ method: "POST", path: "/api/v1/scim-tokens", body: { name: "Entra ID" } });
    await userEvent.click(within(dialog).getByRole("button", { name: "Done" }));
    expect(screen.queryByDisplayValue("scim_secret_value")).not.toBeInTheDocument();
  });

  it("offers activation only once single sign-on is set up", async () => {
    serve({ sso: false });
    const activate = await screen.findByRole("radio", { name: /Activate them at once/ });
    expect(activate).toBeDisabled();
    expect(screen.getByText("Set up single sign-on first to activate people at once.")).toBeInTheDocument();
  });

  it("switches to activation when single sign-on is configured", async () => {
    const sent = serve({ sso: true });
    const activate = await screen.findByRole("radio", { name: /Activate them at once/ });
    await vi.waitFor(() => expect(activate).toBeEnabled());
    await userEvent.click(activate);
    await vi.waitFor(() => expect(sent).toContainEqual({ method: "PATCH", path: "/api/v1/organization/settings", body: { scim_provisioning: "activate" } }));
    expect(await screen.findByRole("radio", { name: /Activate them at once/ })).toBeChecked();
  });

  it("revokes a token after confirmation", async () => {
    const sent = serve({ sso: false });
    await screen.findByRole("row", { name: /Okta/ });
    await userEvent.click(screen.getByRole("button", { name: "Actions for Okta" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Revoke" }));
    const dialog = screen.getByRole("dialog", { name: "Revoke “Okta”?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    await vi.waitFor(() => expect(sent).toContainEqual({ method: "DELETE", path: "/api/v1/scim-tokens/1" }));
    expect(await screen.findByText("SCIM token “Okta” revoked.")).toBeInTheDocument();
  });
});
