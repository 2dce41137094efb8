import { expect, test } from "@playwright/test";
import { apiPost, createOrganization, emailTo, expectAccessible, expectToast, go, screenshot, signInAsAdmin, uniqueEmail } from "./support";

// Items 5, 6 and 7 of the admin app's second edition, seen by the admin of a brand-new
// organization (nothing invited, no departments, groups or courses), and item 10 on the
// invitee's side.

test("a new organization's first run explains the next step, and the shell and counts read right", async ({ page }, info) => {
  const admin = createOrganization("First Run");
  await signInAsAdmin(page, admin);

  // The sidebar holds every section on one column; nothing wraps into the top bar.
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const link of ["Invitations", "Users", "Departments & groups", "Courses", "Settings", "Single sign-on", "API tokens", "Activity"]) {
    await expect(nav.getByRole("link", { name: link, exact: true })).toBeVisible();
  }
  const bar = await page.locator("header.topbar").boundingBox();
  expect(bar?.height ?? 999).toBeLessThan(80);

  // An empty list is a first run, not a failed search: it says so and offers both ways in.
  await expect(page.getByRole("heading", { name: "No one has been invited yet" })).toBeVisible();
  await expect(page.getByText("No invitations match")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Import from CSV" }).first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, info, "first-run-empty");

  // The Send dialog of an organization with no departments explains them and points to where
  // they are made, instead of a lone "No department".
  await page.getByRole("button", { name: "Send invitations" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Send invitations" });
  await expect(dialog.getByText(/Your organization has none yet/)).toBeVisible();
  await expect(dialog.getByRole("link", { name: "create them in Departments & groups" })).toHaveAttribute("href", "/admin/org");
  await expect(dialog.getByRole("link", { name: "add them on the Courses page" })).toBeVisible();
  await expectAccessible(page);
  const email = uniqueEmail("first");
  await dialog.getByLabel("Email address").fill(email);
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expectToast(page, `Invitation sent to ${email}.`);

  // One invitation is "1 invitation"; the columns have distinct names.
  await expect(page.getByText("1 invitation", { exact: true })).toBeVisible();
  const table = page.getByRole("region", { name: "Invitations table" });
  await expect(table.getByRole("columnheader", { name: "Email", exact: true })).toHaveCount(1);
  await expect(table.getByRole("columnheader", { name: "Delivery", exact: true })).toHaveCount(1);
  await expect(table.getByRole("row").filter({ hasText: email })).toBeVisible();

  // A filter that matches nothing says so and offers the way back.
  await page.getByRole("navigation", { name: "Filter by status" }).getByRole("button", { name: "Accepted" }).click();
  await expect(page.getByText("No invitations match these filters.")).toBeVisible();
  await page.getByRole("button", { name: "Show all invitations" }).click();
  await expect(table.getByRole("row").filter({ hasText: email })).toBeVisible();
  await screenshot(page, info, "first-run-one-invitation");

  // The other lists of a new organization explain themselves too.
  await go(page, "Courses");
  await expect(page.getByRole("heading", { name: "No courses yet" })).toBeVisible();
  await expectAccessible(page);
});

test("the invitee is refused a common password with the reason, can reveal it, and gets in with a strong one", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("weak");
  await apiPost(page, "/api/v1/invitations", { email });
  const { link } = await emailTo(email);
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.getByLabel("First name").fill("Weak");
  await invitee.getByLabel("Last name").fill("Password");
  const password = invitee.getByLabel("Password", { exact: true });
  await password.fill("password123456");
  // The meter rates it as it is typed and says why.
  await expect(invitee.getByText(/^(Very weak|Weak): /)).toBeVisible({ timeout: 15_000 });
  // Shown on request, hidden again.
  await expect(password).toHaveAttribute("type", "password");
  const reveal = invitee.getByRole("button", { name: "Show password" });
  await reveal.click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(reveal).toHaveAttribute("aria-pressed", "true");
  await reveal.click();
  await expect(password).toHaveAttribute("type", "password");
  // The server decides: the same password is refused there, with the reason under the field.
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByText(/commonly used password|too common|easy to guess/i).last()).toBeVisible();
  await expect(invitee.getByRole("heading", { name: "Your dashboard" })).toHaveCount(0);
  await expectAccessible(invitee);
  await screenshot(invitee, info, "weak-password-refused");

  await password.fill("plum-violin-91-sofa");
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByRole("heading", { name: "Your dashboard" })).toBeVisible();
});

test("a cancelled invitation's page names who to write to and offers sign-in", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("cancelled");
  const invitation = await apiPost(page, "/api/v1/invitations", { email });
  const { link } = await emailTo(email);
  await apiPost(page, `/api/v1/invitations/${invitation.id}/cancel`, {});
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { name: "This invitation was cancelled" })).toBeVisible();
  await expect(invitee.getByRole("link", { name: "admin@e2e.example.com" })).toHaveAttribute("href", "mailto:admin@e2e.example.com");
  await expect(invitee.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expectAccessible(invitee);
  await screenshot(invitee, info, "cancelled-link");
  await invitee.getByRole("link", { name: "Sign in" }).click();
  await expect(invitee.getByRole("heading", { name: "Sign in to SkillStream LMS" })).toBeVisible();
});
