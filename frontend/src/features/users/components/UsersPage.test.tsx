import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { fetchMock, json } from "../../../test-support";
import { UsersPage } from "./UsersPage";

const ann = {
  id: 5,
  organization_id: 1,
  email: "ann@example.com",
  first_name: "Ann",
  last_name: null,
  role: "learner",
  status: "active",
  department: null,
  department_id: null,
  groups: [{ id: 2, name: "Mentors" }],
  group: "Mentors",
  group_id: 2,
  created_at: "2026-11-01T00:00:00Z",
  deactivated_at: null,
};

function serve() {
  const sent: { method: string; path: string; query: string; body?: unknown }[] = [];
  fetchMock.mockImplementation(async (...args: unknown[]) => {
    const request = args[0];
    if (!(request instanceof Request)) return json(404, {});
    const url = new URL(request.url);
    if (request.method === "GET") {
      sent.push({ method: "GET", path: url.pathname, query: url.search });
      if (url.pathname === "/api/v1/groups") return json(200, [{ id: 2, name: "Mentors" }, { id: 3, name: "Managers" }]);
      if (url.pathname === "/api/v1/departments") return json(200, [{ id: 7, name: "Sales" }]);
      return json(200, { items: [ann], page: 1, per_page: 25, total: 1, total_pages: 1 });
    }
    const text = await request.text();
    sent.push({ method: request.method, path: url.pathname, query: url.search, body: text ? JSON.parse(text) : undefined });
    if (url.pathname.endsWith("/deactivate")) return json(200, { ...ann, status: "deactivated" });
    return json(200, ann);
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <UsersPage />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return sent;
}

describe("the users page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("shows every group of a member and edits role, department and groups", async () => {
    const sent = serve();
    const row = await screen.findByRole("row", { name: /ann@example.com/ });
    expect(row).toHaveTextContent("Mentors");
    await userEvent.click(screen.getByRole("button", { name: "Actions for ann@example.com" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Edit" }));
    const dialog = screen.getByRole("dialog", { name: "Edit ann@example.com" });
    await userEvent.selectOptions(within(dialog).getByLabelText("Role"), "Instructor");
    await within(dialog).findByRole("option", { name: "Sales" });
    await userEvent.selectOptions(within(dialog).getByLabelText("Department"), "Sales");
    await userEvent.click(await within(dialog).findByLabelText("Managers"));
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await vi.waitFor(() =>
      expect(sent.find((s) => s.method === "PATCH")).toEqual({
        method: "PATCH",
        path: "/api/v1/users/5",
        query: "",
        body: { first_name: "Ann", last_name: null, role: "instructor", department_id: 7, group_ids: [2, 3] },
      }),
    );
    expect(await screen.findByText("ann@example.com saved.")).toBeInTheDocument();
  });

  it("deactivates a member after saying what it means, and filters by status", async () => {
    const sent = serve();
    await screen.findByRole("row", { name: /ann@example.com/ });
    await userEvent.click(screen.getByRole("button", { name: "Actions for ann@example.com" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Deactivate" }));
    const dialog = screen.getByRole("dialog", { name: "Deactivate ann@example.com?" });
    expect(dialog).toHaveTextContent("signed out everywhere");
    await userEvent.click(within(dialog).getByRole("button", { name: "Deactivate" }));
    await vi.waitFor(() => expect(sent.some((s) => s.method === "POST" && s.path === "/api/v1/users/5/deactivate")).toBe(true));
    expect(await screen.findByText("ann@example.com deactivated.")).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText("Status"), "Deactivated");
    await vi.waitFor(() => expect(sent.some((s) => s.query.includes("status=deactivated"))).toBe(true));
  });
});
