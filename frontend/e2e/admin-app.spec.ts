import { expect, test, type Page } from "@playwright/test";
import { apiPost, emailTo, expectAccessible, expectToast, go, screenshot, signInAsAdmin, uniqueEmail } from "./support";

/** Invites each address through the API, as the signed-in admin. */
async function inviteAll(page: Page, emails: string[]) {
  for (const email of emails) await apiPost(page, "/api/v1/invitations", { email });
}

test("the ⋮ menu of the last row opens above the page, whole, without scrolling the table", async ({ page }, info) => {
  await signInAsAdmin(page);
  const emails = Array.from({ length: 3 }, (_, i) => uniqueEmail(`menu-${i}`));
  await inviteAll(page, emails);
  await go(page, "Invitations");
  // Pending ones only, so the last row offers every action.
  await page.getByRole("navigation", { name: "Filter by status" }).getByRole("button", { name: "Pending" }).click();
  const wrap = page.getByRole("region", { name: "Invitations table" });
  await expect(wrap.getByRole("row").filter({ hasText: emails[0] })).toBeVisible();
  const rows = wrap.getByRole("row");
  const last = rows.last();
  await expect(last).toBeVisible();
  const email = (await last.getByRole("cell").first().textContent()) ?? "";
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  const menu = page.getByRole("menu", { name: `Actions for ${email}` });
  for (const item of ["Resend", "Cancel", "Details"]) await expect(menu.getByRole("menuitem", { name: item })).toBeInViewport({ ratio: 1 });
  // The table's own box did not scroll to make room: its header row is still at its top (the
  // page itself may scroll to bring a long list's last row into view).
  expect(await wrap.evaluate((e) => e.scrollTop)).toBe(0);
  const headerOffset = await wrap.evaluate((e) => (e.querySelector("thead")?.getBoundingClientRect().top ?? -99) - e.getBoundingClientRect().top);
  expect(Math.abs(headerOffset)).toBeLessThanOrEqual(2);
  await expectAccessible(page);
  await screenshot(page, info, "menu-last-row");
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
});

test("an open Invitations page shows an acceptance without a reload", async ({ page, browser }) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("live");
  await inviteAll(page, [email]);
  await go(page, "Invitations");
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Pending");
  const { link } = await emailTo(email);
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.getByLabel("First name").fill("Live");
  await invitee.getByLabel("Last name").fill("Update");
  await invitee.getByLabel("Password").fill("a long enough password");
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByRole("heading", { name: "Your dashboard" })).toBeVisible();
  // No click, no reload: the list follows within five seconds.
  await expect(row).toContainText("Accepted", { timeout: 5_000 });
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await expect(page.getByRole("menuitem", { name: "Details" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Resend" })).toHaveCount(0);
});

test("toasts can be dismissed", async ({ page }) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("toast");
  await inviteAll(page, [email]);
  await go(page, "Invitations");
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Resend" }).click();
  await expectToast(page, `Invitation resent to ${email}`);
  const toasts = page.getByRole("region", { name: /Notification/ });
  await toasts.getByRole("button", { name: "Dismiss" }).click();
  await expect(toasts.getByText(`Invitation resent to ${email}`)).toHaveCount(0);
});

test.describe("at 375 px wide", () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test("the invitations list keeps status, delivery and actions on screen", async ({ page }, info) => {
    await signInAsAdmin(page);
    const email = uniqueEmail("narrow-with-a-rather-long-address");
    await inviteAll(page, [email]);
    await go(page, "Invitations");
    const row = page.getByRole("row").filter({ hasText: email });
    await expect(row).toBeVisible();
    await screenshot(page, info, "narrow-invitations");
    await expect(row.getByText("Pending")).toBeInViewport();
    await expect(page.getByRole("button", { name: `Actions for ${email}` })).toBeInViewport({ ratio: 1 });
    const wrap = page.getByRole("region", { name: "Invitations table" });
    expect(await wrap.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
    // The navigation folds away behind its button, leaving the page the screen.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    const header = await page.getByRole("banner").boundingBox();
    expect(header?.height ?? 0).toBeLessThan(80);
    await expectAccessible(page);
  });
});

test("a likely typo in an address gets a hint in the send dialog and in the CSV preview, never a block", async ({ page }, info) => {
  await signInAsAdmin(page);
  const stamp = Date.now().toString(36);
  await go(page, "Invitations");
  await page.getByRole("button", { name: "Send invitations" }).click();
  const dialog = page.getByRole("dialog", { name: "Send invitations" });
  await dialog.getByLabel("Email address").fill(`bob-${stamp}@gmial.com`);
  await expect(dialog.getByRole("status")).toHaveText(`Did you mean bob-${stamp}@gmail.com? Use bob-${stamp}@gmail.com`);
  await expectAccessible(page);
  await screenshot(page, info, "typo-hint-dialog");
  await dialog.getByRole("button", { name: `Use bob-${stamp}@gmail.com` }).click();
  await expect(dialog.getByLabel("Email address")).toHaveValue(`bob-${stamp}@gmail.com`);
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expectToast(page, `Invitation sent to bob-${stamp}@gmail.com.`);

  // The same hint on a row of an upload, which stays valid and can be sent as it is.
  await page.goto("/admin/people/invitations/import");
  await page.getByLabel("Choose a CSV file or drop it here").setInputFiles({
    name: "typo.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`email\nann-${stamp}@hotmial.com\n`),
  });
  await page.getByRole("button", { name: "Preview" }).click();
  const row = page.getByRole("region", { name: "Preview of the file" }).getByRole("row").filter({ hasText: `ann-${stamp}@hotmial.com` });
  await expect(row).toContainText("OK");
  await expect(row).toContainText(`Did you mean ann-${stamp}@hotmail.com?`);
  await expect(page.getByRole("button", { name: "Send 1 invitation" })).toBeEnabled();
});

test("Organization → Courses: add, edit, archive (no longer offered when inviting) and restore", async ({ page }, info) => {
  await signInAsAdmin(page);
  const title = `Onboarding ${Date.now().toString(36)}`;
  await go(page, "Courses");
  await expect(page.getByRole("heading", { name: "Courses", level: 1 })).toBeVisible();
  await page.getByLabel("Course title").fill(title);
  await page.getByLabel("Description (optional)").fill("First week");
  await page.getByRole("button", { name: "Add course" }).click();
  await expectToast(page, `Course “${title}” added.`);
  const row = page.getByRole("row").filter({ hasText: title });
  await expect(row).toContainText("First week");
  await expect(row).toContainText("Active");
  await expectAccessible(page);
  await screenshot(page, info, "courses");

  await page.getByRole("button", { name: `Actions for ${title}` }).click();
  await page.getByRole("menuitem", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit course" });
  await dialog.getByLabel("Title").fill(`${title} v2`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expectToast(page, `Course “${title} v2” saved.`);

  await page.getByRole("button", { name: `Actions for ${title} v2` }).click();
  await page.getByRole("menuitem", { name: "Archive" }).click();
  await expectToast(page, `Course “${title} v2” archived`);
  await expect(page.getByRole("row").filter({ hasText: `${title} v2` })).toHaveCount(0);

  // Archived: the send dialog no longer offers it.
  await go(page, "Invitations");
  await page.getByRole("button", { name: "Send invitations" }).click();
  const dialog2 = page.getByRole("dialog", { name: "Send invitations" });
  await expect(dialog2.getByLabel("Email address")).toBeFocused();
  await expect(dialog2.getByText(`${title} v2`)).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(dialog2).toHaveCount(0);

  await go(page, "Courses");
  await page.getByText(/^Show \d+ archived course/).click();
  await page.getByRole("button", { name: `Actions for ${title} v2` }).click();
  await page.getByRole("menuitem", { name: "Restore" }).click();
  await expectToast(page, `Course “${title} v2” restored.`);
  await go(page, "Invitations");
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("dialog", { name: "Send invitations" }).getByLabel(`${title} v2`)).toBeVisible();
});

test("Organization → API tokens: a token is shown once, works for an integration, and stops at once when revoked", async ({ page, request }, info) => {
  await signInAsAdmin(page);
  const name = `HR sync ${Date.now().toString(36)}`;
  await go(page, "API tokens");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: `Token “${name}” created` });
  const secret = await dialog.getByLabel("Token").inputValue();
  expect(secret).toMatch(/^sst_/);
  await expectAccessible(page);
  await screenshot(page, info, "api-token-created");
  await dialog.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Active");
  await expect(page.getByText(secret)).toHaveCount(0);

  const asIntegration = () => request.get("/api/v1/invitations", { headers: { Authorization: `Bearer ${secret}` } });
  expect((await asIntegration()).status()).toBe(200);

  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: `Revoke “${name}”?` }).getByRole("button", { name: "Revoke" }).click();
  await expectToast(page, `Token “${name}” revoked.`);
  await expect(row).toContainText("Revoked");
  expect((await asIntegration()).status()).toBe(401);
});

test("every page passes axe, signed out and as an admin", async ({ page, browser }, info) => {
  const visitor = await (await browser.newContext()).newPage();
  for (const [path, heading] of [
    ["/signin", "Sign in to SkillStream LMS"],
    ["/invite/not-a-real-token", "This invitation link is not valid"],
    ["/no/such/page", "Page not found"],
  ] as const) {
    await visitor.goto(path);
    await expect(visitor.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await expectAccessible(visitor);
  }
  await signInAsAdmin(page);
  for (const link of ["Invitations", "Users", "Imports", "Departments & groups", "Courses", "Settings", "Single sign-on", "API tokens", "Activity", "Dashboard"]) {
    await go(page, link);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByText("Loading…")).toHaveCount(0);
    await expectAccessible(page);
    await screenshot(page, info, `page-${link.toLowerCase().replace(/[^a-z]+/g, "-")}`);
  }
  await page.goto("/admin/people/invitations/import");
  await expect(page.getByRole("heading", { name: "Import from CSV", level: 1 })).toBeVisible();
  await expectAccessible(page);
});

test("Organization → Settings: a longer link lifetime applies to the next invitation", async ({ page }, info) => {
  await signInAsAdmin(page);
  await go(page, "Settings");
  const ttl = page.getByLabel("Links stay valid for (days)");
  await ttl.fill("10");
  await page.getByLabel("Days after sending").fill("9, 2");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Reminder days must be whole days from 1, each later than the one before.")).toBeVisible();
  await page.getByLabel("Days after sending").fill("2, 5");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expectToast(page, "Settings saved.");
  await expectAccessible(page);
  await screenshot(page, info, "settings");
  await page.reload();
  await expect(page.getByLabel("Links stay valid for (days)")).toHaveValue("10");

  const email = uniqueEmail("ten-days");
  const invitation = (await apiPost(page, "/api/v1/invitations", { email })) as { sent_at: string; expires_at: string };
  const days = (Date.parse(invitation.expires_at) - Date.parse(invitation.sent_at)) / 86_400_000;
  expect(days).toBe(10);
  // Back to the default for the other journeys.
  await ttl.fill("7");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expectToast(page, "Settings saved.");
});
