import { expect, test, type Page } from "@playwright/test";

/** Collects what Chromium reports as Content-Security-Policy violations on this page. */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) seen.push(message.text());
  });
  return seen;
}

test("every HTML page carries a Content-Security-Policy that stops injected script", async ({ page }) => {
  const violations = cspViolations(page);
  for (const path of ["/", "/signin", "/invite/not-a-real-token", "/docs/"]) {
    const response = await page.goto(path);
    const policy = response?.headers()["content-security-policy"] ?? "";
    const scriptSrc = policy.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc.trim(), path).toBe("script-src 'self'");
    if (path !== "/docs/") expect(policy, path).not.toContain("unsafe-inline");
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      expect(policy, path).toContain(directive);
    }
  }
  // The app and the API docs run under their policies without a single violation.
  expect(violations).toEqual([]);

  // Script injected into the page, as an XSS would, does not run.
  await page.goto("/signin");
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__pwned = true";
    document.body.appendChild(script);
    const link = document.createElement("a");
    link.href = "javascript:window.__pwned = true";
    document.body.appendChild(link);
    link.click();
  });
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
  expect(violations.length).toBeGreaterThan(0);
});

test("Continue with SSO never follows a javascript: URL handed to the browser", async ({ page }) => {
  // As if a hostile identity provider's document had got through: the SPA refuses on its own.
  await page.route("**/api/v1/auth/sso", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ authorization_url: "javascript:window.__pwned=true" }) }),
  );
  await page.goto("/signin");
  await page.getByLabel("Email").fill("victim@example.com");
  await page.getByRole("button", { name: "Continue with SSO" }).click();
  await expect(page.getByRole("alert")).toContainText("not a web address");
  expect(new URL(page.url()).pathname).toBe("/signin");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
});
