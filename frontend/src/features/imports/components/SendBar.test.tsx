import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { Schemas } from "../../../api/client";
import { fetchMock, json } from "../../../test-support";
import { SendBar } from "./SendBar";

const base: Schemas["Import"] = {
  id: 7,
  status: "previewed",
  source: "csv",
  mode: "update_only",
  filename: "hr.csv",
  columns: ["email", "status"],
  column_map: { email: "email", status: "status" },
  created_at: "2026-12-01T00:00:00Z",
  expires_at: "2026-12-02T00:00:00Z",
  summary: { total: 3, valid: 3, invalid: 0 },
  actions: { invite: 0, update: 0, reactivate: 0, deactivate: 3, unchanged: 0, error: 0 },
  rows: [],
  page: 1,
  per_page: 1,
  errors_only: false,
  rows_total: 3,
  total_pages: 3,
  result: null,
  names_from_sso: false,
  seats: null,
  mass_change: { deactivations: 3, members: 10, needs_confirmation: true },
  suggestions: [],
};

function renderBar(data: Schemas["Import"]) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <SendBar data={data} />
    </QueryClientProvider>,
  );
}

describe("the send bar", () => {
  beforeEach(() => fetchMock.mockReset());

  it("asks for the number of deactivations to be typed before a mass change, and says what was done", async () => {
    const sent: unknown[] = [];
    fetchMock.mockImplementation(async (...args: unknown[]) => {
      const request = args[0];
      if (!(request instanceof Request)) return json(404, {});
      sent.push(await request.json());
      return json(200, { import_id: 7, created: 0, updated: 0, deactivated: 3, reactivated: 0, skipped: 0, skip_invalid: false, sent_at: "2026-12-01T00:00:00Z", skipped_lines: [] });
    });
    renderBar(base);
    expect(screen.getByText(/deactivates 3 people of your 10 active members/)).toBeInTheDocument();
    const apply = screen.getByRole("button", { name: "Apply 3 changes" });
    expect(apply).toBeDisabled();
    await userEvent.type(screen.getByLabelText("To go ahead, type 3"), "2");
    expect(apply).toBeDisabled();
    await userEvent.clear(screen.getByLabelText("To go ahead, type 3"));
    await userEvent.type(screen.getByLabelText("To go ahead, type 3"), "3");
    await userEvent.click(apply);
    expect(await screen.findByRole("status")).toHaveTextContent("deactivated 3 people");
    expect(sent).toEqual([{ skip_invalid: false, allow_mass_change: true }]);
  });

  it("sends an ordinary import without a confirmation", () => {
    renderBar({ ...base, mode: "invite_new", mass_change: null, actions: { ...base.actions, deactivate: 0, invite: 3 } });
    expect(screen.getByRole("button", { name: "Send 3 invitations" })).toBeEnabled();
    expect(screen.queryByLabelText(/To go ahead/)).not.toBeInTheDocument();
  });
});
