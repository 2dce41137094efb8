import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { fetchMock, json } from "../../../test-support";
import { WebhooksPage } from "./WebhooksPage";

const hook = {
  id: 1,
  url: "https://hr.example.com/hooks",
  description: "HR system",
  events: ["invitation.accepted"],
  enabled: true,
  disabled_reason: null,
  failing_since: null,
  last_success_at: "2026-11-30T10:00:00Z",
  previous_secret_expires_at: null,
  created_at: "2026-11-01T00:00:00Z",
  updated_at: "2026-11-01T00:00:00Z",
};

const delivery = {
  id: 7,
  message_id: "msg_7",
  event_id: 3,
  event_type: "invitation.accepted",
  status: "pending",
  created_at: "2026-12-01T10:00:00Z",
  delivered_at: null,
  next_retry_at: "2026-12-01T10:05:00Z",
  status_code: 500,
  latency_ms: 42,
  response_excerpt: "upstream down",
  error: "HTTP 500",
  attempts: [{ attempted_at: "2026-12-01T10:00:01Z", status_code: 500, latency_ms: 42, response_excerpt: "upstream down", error: "HTTP 500" }],
};

function serve(create: (body: Record<string, unknown>) => Response = (body) => json(201, { ...hook, id: 2, ...body, secret: "whsec_c2VjcmV0" })) {
  const sent: { method: string; path: string; body?: unknown }[] = [];
  fetchMock.mockImplementation(async (...args: unknown[]) => {
    const request = args[0];
    if (!(request instanceof Request)) return json(404, {});
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path === "/api/v1/webhooks") return json(200, [hook]);
    if (request.method === "GET" && path.endsWith("/deliveries")) {
      return json(200, { items: [delivery], page: 1, per_page: 20, total: 1, total_pages: 1 });
    }
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    sent.push({ method: request.method, path, body });
    if (path === "/api/v1/webhooks") return create(body);
    if (path.endsWith("/redeliver")) return new Response(null, { status: 202 });
    if (path.endsWith("/test")) return json(202, { delivery_id: 8, message_id: "msg_8" });
    return json(200, hook);
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <WebhooksPage />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return sent;
}

describe("the webhooks page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("lists endpoints with their events and health, never a secret", async () => {
    serve();
    const row = await screen.findByRole("row", { name: /hr\.example\.com/ });
    expect(row).toHaveTextContent("HR system");
    expect(row).toHaveTextContent("Invitation accepted");
    expect(row).toHaveTextContent("Enabled");
  });

  it("adds an endpoint for chosen events and shows its signing secret once", async () => {
    const sent = serve();
    await screen.findByRole("row", { name: /hr\.example\.com/ });
    await userEvent.type(screen.getByLabelText("Endpoint URL"), "https://crm.example.com/in");
    await userEvent.click(screen.getByLabelText("Only these events"));
    await userEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(screen.getByText("Choose at least one event.")).toBeInTheDocument();
    expect(sent).toEqual([]);
    await userEvent.click(screen.getByLabelText(/Invitation accepted/));
    await userEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    const dialog = await screen.findByRole("dialog", { name: "Endpoint added" });
    expect(within(dialog).getByLabelText("Signing secret")).toHaveValue("whsec_c2VjcmV0");
    expect(sent[0]).toEqual({
      method: "POST",
      path: "/api/v1/webhooks",
      body: { url: "https://crm.example.com/in", description: "", events: ["invitation.accepted"] },
    });
  });

  it("shows the server's reason for a refused URL next to the field", async () => {
    serve(() =>
      json(422, {
        error: {
          code: "validation_failed",
          message: "Some fields are not valid.",
          details: [{ field: "url", code: "blocked_address", message: "The URL points to a private, loopback or internal address, which webhooks may not reach." }],
        },
      }),
    );
    await screen.findByRole("row", { name: /hr\.example\.com/ });
    await userEvent.type(screen.getByLabelText("Endpoint URL"), "https://10.0.0.1/");
    await userEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(await screen.findByText(/private, loopback or internal address/)).toBeInTheDocument();
  });

  it("opens the delivery log with each attempt and redelivers a message", async () => {
    const sent = serve();
    await screen.findByRole("row", { name: /hr\.example\.com/ });
    await userEvent.click(screen.getByRole("button", { name: "Actions for https://hr.example.com/hooks" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Delivery log" }));
    const dialog = await screen.findByRole("dialog", { name: /Delivery log/ });
    const row = await within(dialog).findByRole("row", { name: /msg_7/ });
    expect(row).toHaveTextContent("Waiting");
    expect(row).toHaveTextContent("HTTP 500");
    expect(row).toHaveTextContent("42 ms");
    expect(row).toHaveTextContent("upstream down");
    await userEvent.click(within(row).getByRole("button", { name: "Redeliver" }));
    await vi.waitFor(() => expect(sent).toEqual([{ method: "POST", path: "/api/v1/webhooks/1/deliveries/7/redeliver", body: undefined }]));
  });
});
