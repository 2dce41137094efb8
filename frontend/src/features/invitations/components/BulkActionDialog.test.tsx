import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { ToastProvider } from "../../../components/Toast";
import { fetchMock, json } from "../../../test-support";
import { BulkActionDialog } from "./BulkActionDialog";

describe("the bulk action dialog", () => {
  beforeEach(() => fetchMock.mockReset());

  it("counts with a dry run, then confirms with that count and an Idempotency-Key", async () => {
    const bodies: { body: Record<string, unknown>; key: string | null }[] = [];
    fetchMock.mockImplementation(async (...args: unknown[]) => {
      const request = args[0];
      if (!(request instanceof Request)) return json(404, {});
      const body = (await request.clone().json()) as Record<string, unknown>;
      bodies.push({ body, key: request.headers.get("Idempotency-Key") });
      return json(200, { action: body.action, dry_run: body.dry_run, matched: 5, affected: 4, skipped: [{ id: 9, reason: "invitation_cancelled" }] });
    });
    let closed = false;
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ToastProvider>
          <BulkActionDialog filter={{ status: "expired", q: "acme" }} total={5} onClose={() => (closed = true)} />
        </ToastProvider>
      </QueryClientProvider>,
    );
    expect(await screen.findByText("4 invitations will be resent.")).toBeInTheDocument();
    expect(screen.getByText(/1 will be left alone/)).toBeInTheDocument();
    expect(bodies[0]?.body).toEqual({ action: "resend", filter: { status: "expired", q: "acme" }, dry_run: true });

    await userEvent.click(screen.getByRole("button", { name: "Resend 4 invitations" }));
    await screen.findByText("4 invitations resent.");
    const real = bodies.find((b) => b.body.dry_run === false);
    expect(real?.key).toMatch(/.+-resend$/);
    expect(closed).toBe(true);
  });
});
