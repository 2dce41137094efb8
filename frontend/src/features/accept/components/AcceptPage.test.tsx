import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { AcceptPage } from "./AcceptPage";
import { fetchMock, json } from "../../../test-support";

function landing(sso: { sso_available: boolean; sso_enforced: boolean }) {
  fetchMock.mockImplementation(async () =>
    json(200, {
      organization: { id: 1, name: "Acme" },
      email: "ada@example.com",
      role: "learner",
      courses: [],
      expires_at: "2026-12-04T08:00:00Z",
      password_policy: { min_length: 12, max_length: 128 },
      ...sso,
    }),
  );
}

function renderPage() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/invite/abc"]}>
        <Routes>
          <Route path="/invite/:token" element={<AcceptPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("the landing page", () => {
  beforeEach(() => fetchMock.mockReset());

  it("offers only single sign-on when the organization enforces it", async () => {
    landing({ sso_available: true, sso_enforced: true });
    renderPage();
    expect(await screen.findByRole("button", { name: "Continue with SSO" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Password")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Accept invitation" })).not.toBeInTheDocument();
  });

  it("offers both when single sign-on is set up but not required", async () => {
    landing({ sso_available: true, sso_enforced: false });
    renderPage();
    expect(await screen.findByRole("button", { name: "Continue with SSO" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Or set a password" })).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toBeInTheDocument();
  });

  it("offers a password only when the organization has no single sign-on", async () => {
    landing({ sso_available: false, sso_enforced: false });
    renderPage();
    expect(await screen.findByLabelText("Password")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Continue with SSO" })).not.toBeInTheDocument();
  });

  it("shows the password being typed on request", async () => {
    landing({ sso_available: false, sso_enforced: false });
    renderPage();
    const field = await screen.findByLabelText("Password");
    await userEvent.type(field, "correct horse battery");
    expect(field).toHaveAttribute("type", "password");
    const reveal = screen.getByRole("button", { name: "Show password" });
    await userEvent.click(reveal);
    expect(field).toHaveAttribute("type", "text");
    expect(reveal).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(reveal);
    expect(field).toHaveAttribute("type", "password");
  });

  it("a cancelled link says who sent it and offers to sign in", async () => {
    fetchMock.mockImplementation(async () =>
      json(410, {
        error: {
          code: "invitation_cancelled",
          message: "This invitation has been cancelled.",
          details: [],
          contact: { name: "Grace Hopper", email: "grace@example.com" },
        },
      }),
    );
    renderPage();
    expect(await screen.findByRole("heading", { name: "This invitation was cancelled" })).toBeInTheDocument();
    expect(screen.getByText("Grace Hopper")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "grace@example.com" })).toHaveAttribute("href", "mailto:grace@example.com");
    expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin");
  });

  it("an expired link offers what the organization allows, and asks only the invitation's own address", async () => {
    fetchMock.mockImplementation(async (...args: unknown[]) => {
      const request = args[0];
      if (request instanceof Request && request.method === "POST" && request.url.endsWith("/api/v1/public/invitations/abc/renew")) {
        return json(202, { outcome: "admins_asked", message: "Your administrators have been asked." });
      }
      return json(410, {
        error: {
          code: "invitation_expired",
          message: "This invitation has expired.",
          details: [],
          contact: { name: "Grace Hopper", email: "grace@example.com" },
          renewal: "ask_admin",
        },
      });
    });
    renderPage();
    const ask = await screen.findByRole("button", { name: "Ask Grace Hopper for a new invitation" });
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
    await userEvent.click(ask);
    expect(await screen.findByRole("status")).toHaveTextContent("Your administrators have been asked to send you a new invitation.");
    const renewal = fetchMock.mock.calls.map(([r]) => r).find((r): r is Request => r instanceof Request && r.method === "POST");
    expect(renewal?.url).toMatch(/\/renew$/);
  });

  it("an expired link of an organization that renews only through admins has no button", async () => {
    fetchMock.mockImplementation(async () =>
      json(410, { error: { code: "invitation_expired", message: "Expired.", details: [], renewal: "contact_admin" } }),
    );
    renderPage();
    expect(await screen.findByRole("heading", { name: "This invitation has expired" })).toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("rates the password as it is typed, with the reason when it is weak", async () => {
    landing({ sso_available: false, sso_enforced: false });
    renderPage();
    const field = await screen.findByLabelText("Password");
    await userEvent.click(field);
    await userEvent.paste("password123456");
    expect(await screen.findByText(/^(Very weak|Weak): This is similar to a commonly used password/, {}, { timeout: 10_000 })).toBeInTheDocument();
    await userEvent.clear(field);
    await userEvent.paste("plum-violin-91-sofa");
    expect(await screen.findByText(/^(Strong|Very strong)$/, {}, { timeout: 10_000 })).toBeInTheDocument();
  }, 30_000);
});
