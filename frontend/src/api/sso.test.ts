import { afterEach, describe, expect, it, vi } from "vitest";
import { externalUrl, startSignInSso } from "./sso";
import { fetchMock, json } from "../test-support";

describe("leaving for the identity provider", () => {
  afterEach(() => {
    fetchMock.mockReset();
    vi.restoreAllMocks();
  });

  it("accepts only http and https addresses", () => {
    expect(externalUrl("https://login.example.com/auth?x=1").href).toBe("https://login.example.com/auth?x=1");
    expect(externalUrl("http://127.0.0.1:4000/auth").protocol).toBe("http:");
    for (const bad of ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "/relative", "not a url"]) {
      expect(() => externalUrl(bad), bad).toThrow(/single sign-on settings/);
    }
  });

  it("never navigates to a javascript: URL the server hands over", async () => {
    const assign = vi.fn();
    vi.spyOn(window, "location", "get").mockReturnValue({ ...window.location, assign } as Location);
    fetchMock.mockImplementation(async () => json(200, { authorization_url: "javascript:fetch('/api/v1/api-tokens',{method:'POST'})" }));
    await expect(startSignInSso("ada@example.com")).rejects.toThrow(/not a web address/);
    expect(assign).not.toHaveBeenCalled();

    fetchMock.mockImplementation(async () => json(200, { authorization_url: "https://login.example.com/auth" }));
    await startSignInSso("ada@example.com");
    expect(assign).toHaveBeenCalledWith("https://login.example.com/auth");
  });
});
