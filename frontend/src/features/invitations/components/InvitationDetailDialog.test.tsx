import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fetchMock, json } from "../../../test-support";
import { InvitationDetailDialog } from "./InvitationDetailDialog";

const invitation = {
  id: 7,
  email: "ada@example.com",
  first_name: "Ada",
  last_name: "Lovelace",
  role: "instructor" as const,
  department: "Sales",
  group: null,
  status: "pending" as const,
  courses: [{ id: 1, title: "Safety 101" }],
  invited_by: { id: 1, email: "grace@example.com", name: "Grace Hopper" },
  send_count: 2,
  sent_at: "2026-11-27T08:00:00Z",
  expires_at: "2026-12-04T08:00:00Z",
  created_at: "2026-11-26T08:00:00Z",
  updated_at: "2026-11-27T08:00:00Z",
  email_delivery: { status: "failed" as const, attempts: 5, queued_at: "2026-11-27T08:00:00Z", last_error: "mailbox full" },
  reminders_enabled: true,
  reminders_sent: 0,
};

describe("the invitation detail", () => {
  it("shows its fields, its delivery and its history", async () => {
    fetchMock.mockImplementation(async () =>
      json(200, {
        items: [
          {
            id: 1,
            occurred_at: "2026-11-26T08:00:00Z",
            action: "invitation.created",
            actor: { type: "member", id: 1, name: "Grace Hopper" },
            target: { type: "invitation", id: 7, email: "ada@example.com" },
            details: {},
          },
        ],
        page: 1,
        per_page: 100,
        total: 1,
        total_pages: 1,
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <InvitationDetailDialog invitation={invitation} onClose={() => {}} />
      </QueryClientProvider>,
    );
    const dialog = screen.getByRole("dialog", { name: "Invitation to ada@example.com" });
    for (const text of ["Ada Lovelace", "Instructor", "Sales", "Safety 101", "Pending", "Grace Hopper", "Failed: mailbox full"]) {
      expect(within(dialog).getByText(text)).toBeInTheDocument();
    }
    expect(within(dialog).getByText(/sent 2 times/)).toBeInTheDocument();
    const history = await within(dialog).findByRole("list", { name: "History" });
    expect(within(history).getByText("Invitation created")).toBeInTheDocument();
  });
});
