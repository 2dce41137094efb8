import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { fetchMock, json } from "../../../test-support";
import { CoursesPage } from "./CoursesPage";

const safety = { id: 1, title: "Safety", description: "Ladders", created_at: "2026-11-01T00:00:00Z", archived_at: null };
const legacy = { id: 2, title: "Legacy", description: null, created_at: "2026-10-01T00:00:00Z", archived_at: "2026-11-20T00:00:00Z" };

function serve() {
  const sent: { method: string; path: string; body: unknown }[] = [];
  fetchMock.mockImplementation(async (...args: unknown[]) => {
    const request = args[0];
    if (!(request instanceof Request)) return json(404, {});
    const url = new URL(request.url);
    if (request.method === "GET") return json(200, url.searchParams.get("include_archived") === "true" ? [legacy, safety] : [safety]);
    const body = await request.json();
    sent.push({ method: request.method, path: url.pathname, body });
    if (request.method === "POST") {
      if (!body.title.trim()) return json(422, { error: { code: "validation_failed", message: "Title must be 1 to 200 characters.", details: [{ field: "title", code: "length", message: "Title must be 1 to 200 characters." }] } });
      return json(201, { ...safety, id: 3, title: body.title });
    }
    return json(200, { ...safety, ...body, archived_at: body.archived ? "2026-12-01T00:00:00Z" : null });
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <CoursesPage />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return sent;
}

describe("the Courses page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("lists the courses that can be assigned, and the archived ones on request", async () => {
    serve();
    await screen.findByText("Safety");
    const table = screen.getByRole("region", { name: "Courses table" });
    expect(within(table).getByText("Safety")).toBeInTheDocument();
    expect(within(table).getByText("Ladders")).toBeInTheDocument();
    expect(within(table).queryByText("Legacy")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "1 course" })).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText("Show 1 archived course"));
    expect(within(table).getByRole("row", { name: /Legacy/ })).toHaveTextContent("Archived");
  });

  it("adds a course and shows the API's field error for a blank title", async () => {
    const sent = serve();
    await screen.findByText("Safety");
    await userEvent.click(screen.getByRole("button", { name: "Add course" }));
    expect(await screen.findByText("Title must be 1 to 200 characters.")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Course title"), "Onboarding");
    await userEvent.click(screen.getByRole("button", { name: "Add course" }));
    expect(await screen.findByText("Course “Onboarding” added.")).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({ method: "POST", path: "/api/v1/courses", body: { title: "Onboarding", description: null } });
  });

  it("archives a course from its ⋮ menu", async () => {
    const sent = serve();
    await screen.findByText("Safety");
    await userEvent.click(screen.getByRole("button", { name: "Actions for Safety" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Archive" }));
    await vi.waitFor(() => expect(sent.at(-1)).toEqual({ method: "PATCH", path: "/api/v1/courses/1", body: { archived: true } }));
    expect(await screen.findByText(/Course “Safety” archived/)).toBeInTheDocument();
  });

  it("edits a course's title in a dialog", async () => {
    const sent = serve();
    await screen.findByText("Safety");
    await userEvent.click(screen.getByRole("button", { name: "Actions for Safety" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Edit" }));
    const dialog = screen.getByRole("dialog", { name: "Edit course" });
    await userEvent.clear(within(dialog).getByLabelText("Title"));
    await userEvent.type(within(dialog).getByLabelText("Title"), "Workplace Safety");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await vi.waitFor(() =>
      expect(sent.at(-1)).toEqual({ method: "PATCH", path: "/api/v1/courses/1", body: { title: "Workplace Safety", description: "Ladders" } }),
    );
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});
