import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { fetchMock, json } from "../../../test-support";
import { ApiTokensPage } from "./ApiTokensPage";

const hr = {
  id: 1,
  name: "HR sync",
  prefix: "sst_AbCd",
  created_by: 1,
  created_at: "2026-11-01T00:00:00Z",
  last_used_at: null,
  revoked_at: null,
  expires_at: null,
  read_only: false,
};

function serve() {
  const sent: { method: string; path: string; body?: unknown }[] = [];
  fetchMock.mockImplementation(async (...args: unknown[]) => {
    const request = args[0];
    if (!(request instanceof Request)) return json(404, {});
    const path = new URL(request.url).pathname;
    if (request.method === "GET") return json(200, [hr]);
    if (request.method === "DELETE") {
      sent.push({ method: "DELETE", path });
      return new Response(null, { status: 204 });
    }
    const body = await request.json();
    sent.push({ method: request.method, path, body });
    return json(201, { ...hr, id: 2, name: body.name, read_only: body.read_only, token: "sst_secret_value" });
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <ApiTokensPage />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return sent;
}

describe("the API tokens page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("lists tokens by name and prefix, never a secret", async () => {
    serve();
    const row = await screen.findByRole("row", { name: /HR sync/ });
    expect(row).toHaveTextContent("sst_AbCd…");
    expect(row).toHaveTextContent("Active");
    expect(row).toHaveTextContent("Never expires");
  });

  it("creates a read-only token and shows its secret once", async () => {
    const sent = serve();
    await screen.findByRole("row", { name: /HR sync/ });
    await userEvent.type(screen.getByLabelText("Name"), "Reports");
    await userEvent.selectOptions(screen.getByLabelText("Expires after"), "30 days");
    await userEvent.click(screen.getByLabelText(/Read only/));
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));
    const dialog = await screen.findByRole("dialog", { name: "Token “Reports” created" });
    expect(within(dialog).getByLabelText("Token")).toHaveValue("sst_secret_value");
    expect(sent[0]).toEqual({ method: "POST", path: "/api/v1/api-tokens", body: { name: "Reports", read_only: true, expires_in_days: 30 } });
    await userEvent.click(within(dialog).getByRole("button", { name: "Done" }));
    expect(screen.queryByDisplayValue("sst_secret_value")).not.toBeInTheDocument();
  });

  it("revokes a token after confirmation", async () => {
    const sent = serve();
    await screen.findByRole("row", { name: /HR sync/ });
    await userEvent.click(screen.getByRole("button", { name: "Actions for HR sync" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Revoke" }));
    const dialog = screen.getByRole("dialog", { name: "Revoke “HR sync”?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    await vi.waitFor(() => expect(sent).toEqual([{ method: "DELETE", path: "/api/v1/api-tokens/1" }]));
    expect(await screen.findByText("Token “HR sync” revoked.")).toBeInTheDocument();
  });
});
