import { expect, test } from "@playwright/test";
import { apiPost, emailTo, expectAccessible, expectToast, go, screenshot, signInAsAdmin, uniqueEmail } from "./support";

test("invite one user: email, link, password, dashboard with the course, listed as Active", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const suffix = Date.now().toString(36);
  const course = `Workplace Safety ${suffix}`;
  await apiPost(page, "/api/v1/courses", { title: course });

  // Departments and groups are made in the app, as admins do.
  await go(page, "Departments & groups");
  await expectAccessible(page);
  await page.getByLabel("New department name").fill(`Sales ${suffix}`);
  await page.getByRole("button", { name: "Add department" }).click();
  await page.getByLabel("New group name").fill(`Managers ${suffix}`);
  await page.getByRole("button", { name: "Add group" }).click();
  await expect(page.getByText(`Managers ${suffix}`, { exact: true })).toBeVisible();
  await screenshot(page, info, "departments-and-groups");

  // Admin → People → Invitations → Send invitations.
  await go(page, "Invitations");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Send invitations" }).click();
  const dialog = page.getByRole("dialog", { name: "Send invitations" });
  await expect(dialog.getByLabel("Email address")).toBeFocused();
  const email = uniqueEmail("ada");
  await dialog.getByLabel("Email address").fill(email);
  await dialog.getByLabel("Role").selectOption({ label: "Instructor" });
  await dialog.getByLabel("Department (optional)").selectOption({ label: `Sales ${suffix}` });
  await dialog.getByLabel("User group (optional)").selectOption({ label: `Managers ${suffix}` });
  await dialog.getByLabel(course).check();
  await expectAccessible(page);
  await screenshot(page, info, "send-invitation-dialog");
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expectToast(page, `Invitation sent to ${email}`);
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Instructor");
  await expect(row).toContainText(`Sales ${suffix}`);
  await expect(row).toContainText("Pending");
  await screenshot(page, info, "invitations");

  // Inviting the same address again offers Resend.
  await page.getByRole("button", { name: "Send invitations" }).click();
  await page.getByRole("dialog").getByLabel("Email address").fill(email.toUpperCase());
  await page.getByRole("dialog").getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("already has a pending invitation");
  await expect(page.getByRole("button", { name: "Resend the pending invitation" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // The welcome email.
  const mail = await emailTo(email);
  expect(mail.subject).toBe("Welcome to SkillStream LMS");
  expect(mail.text).toContain(course);
  expect(mail.text).toContain("Instructor");
  await expect(row).toContainText("Sent");

  // The invitee, in a browser of their own.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(mail.link);
  await expect(invitee.getByRole("heading", { name: "Welcome to SkillStream LMS" })).toBeVisible();
  await expect(invitee.getByText(email)).toBeVisible();
  await expect(invitee.getByText("E2E Academy")).toBeVisible();
  await expect(invitee.getByText(course)).toBeVisible();
  await expectAccessible(invitee);
  await screenshot(invitee, info, "landing-page");
  await invitee.getByLabel("First name").fill("Ada");
  await invitee.getByLabel("Last name").fill("Lovelace");
  await invitee.getByLabel("Password").fill("short");
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByText("At least 12 characters")).toBeVisible();
  await invitee.getByLabel("Password").fill("a long enough password");
  await invitee.getByRole("button", { name: "Accept invitation" }).click();

  // The dashboard lists the pre-assigned course at once, and a reload keeps the session.
  await expect(invitee.getByRole("heading", { name: "Your dashboard" })).toBeVisible();
  await expect(invitee.getByRole("heading", { name: course })).toBeVisible();
  await invitee.reload();
  await expect(invitee.getByRole("heading", { name: course })).toBeVisible();
  await expectAccessible(invitee);
  await screenshot(invitee, info, "dashboard");
  const stored = await invitee.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(stored).toBe("{}{}");

  // Admin → People → Users lists them as Active.
  await go(page, "Users");
  await page.getByLabel("Search by name or email").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  const member = page.getByRole("row").filter({ hasText: email });
  await expect(member).toContainText("Active");
  await expect(member).toContainText("Ada Lovelace");
  await expect(member).toContainText("Instructor");
  await expectAccessible(page);
  await screenshot(page, info, "users");

  // The used link now says so.
  await invitee.goto(mail.link);
  await expect(invitee.getByRole("heading", { name: "This invitation has already been used" })).toBeVisible();

  // Sign out ends the session.
  await invitee.getByRole("button", { name: "Sign out" }).click();
  await invitee.goto("/dashboard");
  await expect(invitee.getByRole("heading", { name: "Sign in to SkillStream LMS" })).toBeVisible();
  await expectAccessible(invitee);
  await screenshot(invitee, info, "sign-in");
});
