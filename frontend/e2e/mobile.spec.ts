import { expect, test } from "@playwright/test";
import { expectAccessible, go, screenshot, signInAsAdmin } from "./support";

test.use({ viewport: { width: 375, height: 812 } });

test("every admin page works at 375 px wide", async ({ page }, info) => {
  await signInAsAdmin(page);
  for (const [link, heading] of [
    ["Invitations", "Invitations"],
    ["Users", "Users"],
    ["Imports", "Imports"],
    ["Departments & groups", "Departments & groups"],
    ["Courses", "Courses"],
    ["Settings", "Settings"],
    ["Single sign-on", "Single sign-on"],
    ["API tokens", "API tokens"],
    ["Activity", "Activity"],
  ] as const) {
    await go(page, link);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    // Wide tables scroll inside their frame; the page itself does not.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const culprits = await page.evaluate(() =>
      Array.from(document.querySelectorAll("body *"))
        .filter((e) => !e.closest(".table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => `${location.pathname} ${e.tagName}.${e.className} "${e.textContent}" ${Math.round(e.getBoundingClientRect().right)}`),
    );
    expect(culprits).toEqual([]);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    await screenshot(page, info, `mobile-${link.toLowerCase().replace(/[^a-z]+/g, "-")}`);
  }
  await go(page, "Invitations");
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("dialog").getByRole("button", { name: "Send invitation" })).toBeInViewport();
});
