import { expect, test, type Page } from "@playwright/test";
import { emailTo, expectAccessible, expectToast, go, screenshot, signInAsAdmin, uniqueEmail } from "./support";

async function invite(page: Page, email: string) {
  await page.getByRole("button", { name: "Send invitations" }).click();
  await page.getByRole("dialog").getByLabel("Email address").fill(email);
  await page.getByRole("dialog").getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toBeVisible();
}

async function rowAction(page: Page, email: string, action: string) {
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

test("the activity log lists invite, resend, cancel and accept, and its filters narrow it", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const accepted = uniqueEmail("activity-accept");
  const cancelled = uniqueEmail("activity-cancel");

  // Invite two people; resend to one and accept it; cancel the other.
  await invite(page, accepted);
  await invite(page, cancelled);
  const first = await emailTo(accepted);
  await rowAction(page, accepted, "Resend");
  await expectToast(page, `Invitation resent to ${accepted}`);
  const second = await emailTo(accepted, first.file);
  await rowAction(page, cancelled, "Cancel");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel invitation" }).click();
  await expect(page.getByRole("row").filter({ hasText: cancelled })).toContainText("Cancelled");
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(second.link);
  await invitee.getByLabel("First name").fill("Grace");
  await invitee.getByLabel("Last name").fill("Hopper");
  await invitee.getByLabel("Password").fill("a long enough password");
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByRole("heading", { name: "Your dashboard" })).toBeVisible();

  // Admin → Activity lists them, newest first.
  await go(page, "Activity");
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  const table = page.getByRole("table", { name: "Activity" });
  const about = (email: string) => table.getByRole("row").filter({ hasText: email });
  await expect(about(accepted).filter({ hasText: "Invitation accepted" })).toContainText("Grace Hopper");
  await expect(about(accepted).filter({ hasText: "Invitation resent" })).toHaveCount(1);
  await expect(about(accepted).filter({ hasText: "Invitation created" })).toHaveCount(1);
  await expect(about(cancelled).filter({ hasText: "Invitation cancelled" })).toHaveCount(1);
  await expect(about(accepted).filter({ hasText: "Invitation email sent" }).first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, info, "activity");

  // Filter by person, then by action.
  await page.getByLabel("Person (email)").fill(cancelled);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(about(accepted)).toHaveCount(0);
  await expect(about(cancelled).filter({ hasText: "Invitation cancelled" })).toHaveCount(1);
  await page.getByLabel("Action").selectOption({ label: "Invitation created" });
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(about(cancelled)).toContainText("Invitation created");
  await expect(page.getByText("1 event", { exact: true })).toBeVisible();
  await expectAccessible(page);

  // The invitation's own timeline, from its row.
  await go(page, "Invitations");
  await rowAction(page, accepted, "Details");
  const history = page.getByRole("dialog", { name: `Invitation to ${accepted}` });
  await expect(history).toContainText("Accepted");
  await expect(history).toContainText("sent 2 times");
  const steps = history.getByRole("listitem");
  await expect(steps.first()).toContainText("Invitation created");
  await expect(steps.last()).toContainText("Invitation accepted");
  await expect(history).toContainText("Invitation resent");
  await expectAccessible(page);
  await screenshot(page, info, "invitation-history");
});
