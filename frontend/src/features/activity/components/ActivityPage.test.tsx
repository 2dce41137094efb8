import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { fetchMock, json } from "../../../test-support";
import { ActivityPage } from "./ActivityPage";

const event = (id: number, action: string, email: string, actor: Record<string, unknown>, details: Record<string, unknown> = {}) => ({
  id,
  occurred_at: "2026-12-01T09:30:00Z",
  action,
  actor,
  target: { type: "invitation", id, email },
  import_id: null,
  request_id: "r1",
  details,
});

const EVENTS = [
  event(2, "invitation.accepted", "ada@example.com", { type: "invitee", id: 5, name: "Ada Lovelace" }, { method: "sso" }),
  event(1, "invitation.created", "ada@example.com", { type: "api_token", id: 3, name: "HR sync" }, { role: "learner" }),
];

function answer(events = EVENTS) {
  const queries: URLSearchParams[] = [];
  fetchMock.mockImplementation(async (input: unknown) => {
    if (!(input instanceof Request)) return json(404, {});
    const url = new URL(input.url);
    if (url.pathname !== "/api/v1/audit-events") return json(404, {});
    queries.push(url.searchParams);
    const action = url.searchParams.get("action");
    const items = events.filter((e) => !action || e.action === action);
    return json(200, { items, page: 1, per_page: 50, total: items.length, total_pages: 1 });
  });
  return queries;
}

function renderPage(path = "/admin/activity") {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[path]}>
        <ActivityPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("the activity page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("lists who did what to whom, and the action filter narrows it", async () => {
    const queries = answer();
    renderPage();
    const table = await screen.findByRole("table", { name: "Activity" });
    expect(await within(table).findByText("Invitation accepted")).toBeInTheDocument();
    expect(within(table).getByText("Ada Lovelace")).toBeInTheDocument();
    expect(within(table).getByText("API token: HR sync")).toBeInTheDocument();
    expect(within(table).getByText("With single sign-on")).toBeInTheDocument();
    expect(screen.getByText("2 events")).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText("Action"), "invitation.created");

    expect(await screen.findByText("1 event")).toBeInTheDocument();
    expect(within(table).queryByText("Invitation accepted")).not.toBeInTheDocument();
    expect(queries.at(-1)?.get("action")).toBe("invitation.created");
    expect(screen.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", "/api/v1/audit-events.csv?action=invitation.created");
  });

  it("says what a change was: a name, a rename, an archived course, sessions ended", async () => {
    const admin = { type: "member", id: 1, name: "Grace Hopper" };
    answer([
      event(3, "course.updated", "", admin, { title: { from: "Onboarding", to: "Onboarding 2027" }, archived: true }),
      event(2, "department.updated", "", admin, { name: { from: "Sales", to: "Sales EMEA" } }),
      event(1, "group.created", "", admin, { name: "Mentors" }),
      event(0, "member.signed_out_everywhere", "lea@example.com", admin, { sessions_ended: 2 }),
    ]);
    renderPage();
    const table = await screen.findByRole("table", { name: "Activity" });
    expect(await within(table).findByText("Department renamed")).toBeInTheDocument();
    expect(within(table).getByText("“Sales” → “Sales EMEA”")).toBeInTheDocument();
    expect(within(table).getByText("“Onboarding” → “Onboarding 2027”, archived")).toBeInTheDocument();
    expect(within(table).getByText("“Mentors”")).toBeInTheDocument();
    expect(within(table).getByText("2 sessions ended")).toBeInTheDocument();
  });

  it("sends the person and the days as the API's filters", async () => {
    const queries = answer();
    renderPage("/admin/activity?email=ada%40example.com&from=2026-12-01&to=2026-12-02");
    await screen.findByText("2 events");
    const query = queries.at(-1);
    expect(query?.get("target_email")).toBe("ada@example.com");
    expect(new Date(query?.get("from") ?? "").getTime()).toBe(new Date("2026-12-01T00:00:00").getTime());
    expect(new Date(query?.get("to") ?? "").getTime()).toBe(new Date("2026-12-02T23:59:59.999").getTime());
  });

  it("explains an empty log instead of showing a failed search", async () => {
    fetchMock.mockImplementation(async () => json(200, { items: [], page: 1, per_page: 50, total: 0, total_pages: 0 }));
    renderPage();
    expect(await screen.findByText(/Nothing has happened yet/)).toBeInTheDocument();
  });
});
