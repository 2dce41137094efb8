import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { fetchMock, json } from "../../../test-support";
import { SettingsPage } from "./SettingsPage";

const defaults = {
  invitation_ttl_days: 7,
  reminders: { enabled: true, after_days: [3], before_expiry_days: 1 },
  resend_grace_hours: 24,
  expired_link: "self_service",
  seat_limit: null,
  time_zone: "UTC",
};

function serve(patch: (body: Record<string, unknown>) => Response) {
  const sent: Record<string, unknown>[] = [];
  fetchMock.mockImplementation(async (...args: unknown[]) => {
    const request = args[0];
    if (!(request instanceof Request)) return json(404, {});
    if (request.method === "GET") return json(200, defaults);
    const body = await request.json();
    sent.push(body);
    return patch(body);
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <SettingsPage />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return sent;
}

describe("the Settings page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("shows the saved settings and saves what the admin changed", async () => {
    const sent = serve((body) => json(200, { ...defaults, ...body }));
    const ttl = await screen.findByLabelText("Links stay valid for (days)");
    expect(ttl).toHaveValue(7);
    expect(screen.getByLabelText("Days after sending")).toHaveValue("3");
    expect(screen.getByLabelText(/Get a fresh link by email/)).toBeChecked();
    await userEvent.clear(ttl);
    await userEvent.type(ttl, "14");
    await userEvent.clear(screen.getByLabelText("Days after sending"));
    await userEvent.type(screen.getByLabelText("Days after sending"), "2, 5");
    await userEvent.clear(screen.getByLabelText(/One more reminder/));
    await userEvent.type(screen.getByLabelText("Seats"), "50");
    await userEvent.click(screen.getByLabelText(/Ask for a new invitation/));
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    expect(sent[0]).toEqual({
      invitation_ttl_days: 14,
      reminders: { enabled: true, after_days: [2, 5], before_expiry_days: null },
      resend_grace_hours: 24,
      expired_link: "ask_admin",
      seat_limit: 50,
      time_zone: "UTC",
    });
  });

  it("shows each field error under its field", async () => {
    serve(() =>
      json(422, {
        error: {
          code: "validation_failed",
          message: "Some fields are not valid.",
          details: [{ field: "reminders.after_days", code: "after_expiry", message: "Reminders must come before the link expires, so within 7 days." }],
        },
      }),
    );
    await screen.findByLabelText("Days after sending");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    const message = await screen.findByText("Reminders must come before the link expires, so within 7 days.");
    expect(screen.getByLabelText("Days after sending")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Days after sending")).toHaveAccessibleDescription(expect.stringContaining(message.textContent ?? ""));
    await vi.waitFor(() => expect(screen.queryByText("Settings saved.")).not.toBeInTheDocument());
  });
});
