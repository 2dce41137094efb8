import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { SsoCallbackPage } from "./SsoCallbackPage";
import { fetchMock, json } from "../../../test-support";

function renderAt(url: string) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/sso/callback" element={<SsoCallbackPage />} />
          <Route path="/dashboard" element={<h1>Your dashboard</h1>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("the single sign-on callback", () => {
  beforeEach(() => {
    fetchMock.mockReset();
    sessionStorage.clear();
  });

  it("sends the code and state once and lands on the dashboard", async () => {
    const bodies: unknown[] = [];
    fetchMock.mockImplementation(async (input: Request) => {
      bodies.push(await input.json());
      return json(200, { access_token: "t", token_type: "Bearer", expires_in: 60, user: { id: 1, email: "ada@example.com" } });
    });
    renderAt("/sso/callback?code=c1&state=s1");
    expect(await screen.findByRole("heading", { name: "Your dashboard" })).toBeInTheDocument();
    expect(bodies).toEqual([{ code: "c1", state: "s1", error: null }]);
  });

  it("explains a refusal and leads back to the invitation", async () => {
    sessionStorage.setItem("skillstream-sso-return", "/invite/abc");
    fetchMock.mockImplementation(async () =>
      json(403, {
        error: {
          code: "sso_email_mismatch",
          message: "You signed in to your identity provider as bob@example.com, but this invitation is for ada@example.com.",
          details: [],
        },
      }),
    );
    renderAt("/sso/callback?code=c2&state=s2");
    expect(await screen.findByRole("alert")).toHaveTextContent("this invitation is for ada@example.com");
    expect(screen.getByRole("link", { name: "Back to your invitation" })).toHaveAttribute("href", "/invite/abc");
  });
});
