import { expect, test } from "@playwright/test";
import { apiPost, emailTo, expectAccessible, expectToast, go, screenshot, signInAsAdmin, uniqueEmail } from "./support";

test("an admin edits a member's groups, deactivates them (they are signed out) and reactivates them from the send dialog", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("member");
  const mentors = `Mentors ${Date.now()}`;
  const reviewers = `Reviewers ${Date.now()}`;
  await apiPost(page, "/api/v1/groups", { name: mentors });
  await apiPost(page, "/api/v1/groups", { name: reviewers });
  await apiPost(page, "/api/v1/invitations", { email });
  const mail = await emailTo(email);
  const member = await (await browser.newContext()).newPage();
  await member.goto(mail.link);
  await member.getByLabel("Password").fill("a long enough password");
  await member.getByRole("button", { name: "Accept invitation" }).click();
  await expect(member.getByRole("heading", { name: "Your dashboard" })).toBeVisible();

  // Two groups at once.
  await go(page, "Users");
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${email}` });
  await edit.getByLabel(mentors).check();
  await edit.getByLabel(reviewers).check();
  await edit.getByLabel("Role").selectOption({ label: "Instructor" });
  await expectAccessible(page);
  await edit.getByRole("button", { name: "Save" }).click();
  await expectToast(page, `${email} saved.`);
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText(mentors);
  await expect(row).toContainText(reviewers);
  await expect(row).toContainText("Instructor");

  // Deactivated: their open session ends at once.
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Deactivate" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
  await expectToast(page, `${email} deactivated.`);
  await expect(row).toContainText("Deactivated");
  await screenshot(page, info, "member-deactivated");
  await member.reload();
  await expect(member).toHaveURL(/\/signin/);

  // Inviting the address again offers reactivation instead.
  await go(page, "Invitations");
  await page.getByRole("button", { name: "Send invitations" }).click();
  await page.getByRole("dialog").getByLabel("Email address").fill(email);
  await page.getByRole("dialog").getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("deactivated member");
  await page.getByRole("dialog").getByRole("button", { name: "Reactivate them instead" }).click();
  await expectToast(page, `${email} reactivated.`);
  await go(page, "Users");
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Active");
});
