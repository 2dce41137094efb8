import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { SendInvitationDialog } from "./SendInvitationDialog";
import { fetchMock, json } from "../../../test-support";

function answer(post: (body: Record<string, unknown>) => Response) {
  fetchMock.mockImplementation(async (...args: unknown[]) => {
    const input = args[0];
    if (!(input instanceof Request)) return json(404, {});
    const url = new URL(input.url);
    if (input.method === "GET" && url.pathname === "/api/v1/departments") return json(200, [{ id: 1, name: "Sales", created_at: "2026-11-27T00:00:00Z" }]);
    if (input.method === "GET") return json(200, []);
    if (url.pathname === "/api/v1/invitations") return post(await input.json());
    if (url.pathname === "/api/v1/invitations/7/resend") return json(200, { id: 7, email: "ada@example.com" });
    return json(404, { error: { code: "not_found", message: "no", details: [] } });
  });
}

function renderDialog(onClose = vi.fn()) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <MemoryRouter>
          <SendInvitationDialog onClose={onClose} />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return onClose;
}

describe("the send invitation dialog", () => {
  beforeEach(() => fetchMock.mockReset());

  it("moves focus to the email field and sends the chosen role and department", async () => {
    let sent: Record<string, unknown> = {};
    answer((body) => {
      sent = body;
      return json(201, { id: 1, email: body.email });
    });
    const onClose = renderDialog();
    expect(screen.getByLabelText("Email address")).toHaveFocus();
    await userEvent.type(screen.getByLabelText("Email address"), "ada@example.com");
    await userEvent.selectOptions(screen.getByLabelText("Role"), "Instructor");
    await userEvent.selectOptions(screen.getByLabelText("Department (optional)"), await screen.findByRole("option", { name: "Sales" }));
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sent).toMatchObject({ email: "ada@example.com", role: "instructor", department: "Sales", group: null });
  });

  it("shows the API's field errors next to their fields", async () => {
    answer(() =>
      json(422, {
        error: {
          code: "validation_failed",
          message: "Some fields are not valid.",
          details: [{ field: "email", code: "invalid_email", message: '"ada@" is not a valid email address.' }],
        },
      }),
    );
    renderDialog();
    await userEvent.type(screen.getByLabelText("Email address"), "ada@");
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText('"ada@" is not a valid email address.')).toBeInTheDocument();
    expect(screen.getByLabelText("Email address")).toHaveAttribute("aria-invalid", "true");
  });

  it("offers Resend when the address already has a pending invitation", async () => {
    answer(() =>
      json(409, {
        error: {
          code: "invitation_already_pending",
          message: "ada@example.com already has a pending invitation. Resend it instead.",
          details: [],
          invitation_id: 7,
        },
      }),
    );
    const onClose = renderDialog();
    await userEvent.type(screen.getByLabelText("Email address"), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    await userEvent.click(await screen.findByRole("button", { name: "Resend the pending invitation" }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    const urls = fetchMock.mock.calls.map(([request]) => new URL((request as Request).url).pathname);
    expect(urls).toContain("/api/v1/invitations/7/resend");
  });

  it("closes on Escape", async () => {
    answer(() => json(201, {}));
    const onClose = renderDialog();
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalled();
  });

  it("in an organization without departments or groups, says where to create them", async () => {
    fetchMock.mockImplementation(async () => json(200, []));
    renderDialog();
    const link = await screen.findByRole("link", { name: "create them in Departments & groups" });
    expect(link).toHaveAttribute("href", "/admin/org");
    expect(screen.queryByLabelText("Department (optional)")).not.toBeInTheDocument();
  });

  it("suggests the well-known domain for a likely typo and sends what the admin chose", async () => {
    let sent: Record<string, unknown> = {};
    answer((body) => {
      sent = body;
      return json(201, { id: 1, email: body.email });
    });
    renderDialog();
    await userEvent.type(screen.getByLabelText("Email address"), "bob@gmial.com");
    expect(screen.getByRole("status")).toHaveTextContent("Did you mean bob@gmail.com?");
    await userEvent.click(screen.getByRole("button", { name: "Use bob@gmail.com" }));
    expect(screen.getByLabelText("Email address")).toHaveValue("bob@gmail.com");
    expect(screen.queryByText("Did you mean bob@gmail.com?")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    await vi.waitFor(() => expect(sent.email).toBe("bob@gmail.com"));
  });

  it("never blocks an address it would have corrected", async () => {
    let sent: Record<string, unknown> = {};
    answer((body) => {
      sent = body;
      return json(201, { id: 1, email: body.email });
    });
    renderDialog();
    await userEvent.type(screen.getByLabelText("Email address"), "bob@gmial.com");
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    await vi.waitFor(() => expect(sent.email).toBe("bob@gmial.com"));
  });
});
