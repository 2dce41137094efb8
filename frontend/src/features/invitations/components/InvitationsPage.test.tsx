import { focusManager, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { InvitationsPage } from "./InvitationsPage";
import { fetchMock, json } from "../../../test-support";

const invitation = (delivery: string) => ({
  id: 7,
  email: "ada@example.com",
  role: "learner",
  status: "pending",
  courses: [],
  send_count: 1,
  sent_at: "2026-11-27T08:00:00Z",
  expires_at: "2026-12-04T08:00:00Z",
  created_at: "2026-11-27T08:00:00Z",
  updated_at: "2026-11-27T08:00:00Z",
  email_delivery: { status: delivery, attempts: delivery === "sent" ? 1 : 0, queued_at: "2026-11-27T08:00:00Z" },
});

/** Answers the list with each delivery state in turn, then keeps the last one. */
function listAnswers(states: string[]) {
  const requests: string[] = [];
  fetchMock.mockImplementation(async (input: unknown) => {
    if (!(input instanceof Request)) return json(404, {});
    const url = new URL(input.url);
    if (url.pathname !== "/api/v1/invitations") return json(404, {});
    const state = states[Math.min(requests.length, states.length - 1)] ?? "sent";
    requests.push(state);
    return json(200, { items: [invitation(state)], page: 1, per_page: 25, total: 1, total_pages: 1 });
  });
  return requests;
}

/** Answers the list with these items whatever the filters. */
function listOf(items: unknown[]) {
  fetchMock.mockImplementation(async (input: unknown) => {
    if (!(input instanceof Request) || new URL(input.url).pathname !== "/api/v1/invitations") return json(404, {});
    return json(200, { items, page: 1, per_page: 25, total: items.length, total_pages: 1 });
  });
}

function renderPage(path = "/") {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <InvitationsPage />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the invitations list", () => {
  beforeEach(() => fetchMock.mockReset());

  it("follows a queued email until it is sent, without a reload", async () => {
    const requests = listAnswers(["queued", "sent"]);
    renderPage();
    const row = (await screen.findByText("ada@example.com")).closest("tr") as HTMLElement;
    expect(within(row).getByText("Queued")).toBeInTheDocument();
    expect(await within(row).findByText("Sent", {}, { timeout: 5_000 })).toBeInTheDocument();
    expect(requests).toEqual(["queued", "sent"]);
  });

  it("keeps the list fresh every 4 s while the tab is visible, and rests while it is hidden", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const requests = listAnswers(["sent"]);
      renderPage();
      await screen.findByText("ada@example.com");
      await vi.advanceTimersByTimeAsync(12_100);
      // The first answer, then one every 4 s (an acceptance elsewhere shows within 5 s).
      expect(requests).toHaveLength(4);
      focusManager.setFocused(false);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(requests).toHaveLength(4);
    } finally {
      focusManager.setFocused(undefined);
      vi.useRealTimers();
    }
  });

  it("greets a first run with the two ways to start, not an empty search", async () => {
    listOf([]);
    renderPage();
    expect(await screen.findByRole("heading", { name: "No one has been invited yet" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send invitations" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Import from CSV" })).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("says when filters match nothing and offers to clear them", async () => {
    listOf([]);
    renderPage("/?status=expired&q=nobody");
    expect(await screen.findByText("No invitations match these filters.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Show all invitations" })).toBeInTheDocument();
    expect(screen.getByText("0 invitations")).toBeInTheDocument();
  });

  it("counts in words that agree with the number", async () => {
    listOf([invitation("sent")]);
    renderPage();
    expect(await screen.findByText("1 invitation")).toBeInTheDocument();
  });
});
