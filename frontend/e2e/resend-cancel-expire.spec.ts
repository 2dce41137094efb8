import { expect, test, type Page } from "@playwright/test";
import { emailTo, expectAccessible, expectToast, expireInvitation, screenshot, signInAsAdmin, uniqueEmail } from "./support";

async function invite(page: Page, email: string) {
  await page.getByRole("button", { name: "Send invitations" }).click();
  await page.getByRole("dialog").getByLabel("Email address").fill(email);
  await page.getByRole("dialog").getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toBeVisible();
}

test("resend from the ⋮ menu: the new link works, the previous one for the grace, older ones point to the newest email", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("resend");
  await invite(page, email);
  const first = await emailTo(email);

  // The ⋮ menu, by keyboard.
  const menuButton = page.getByRole("button", { name: `Actions for ${email}` });
  await menuButton.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Resend" })).toBeFocused();
  await expectAccessible(page);
  await screenshot(page, info, "row-menu");
  await page.keyboard.press("Enter");
  await expectToast(page, `Invitation resent to ${email}`);
  const second = await emailTo(email, first.file);
  expect(second.link).not.toBe(first.link);

  const invitee = await (await browser.newContext()).newPage();
  // Within the resend grace (24 h by default) the older email's link still opens it.
  await invitee.goto(first.link);
  await expect(invitee.getByRole("button", { name: "Accept invitation" })).toBeVisible();
  await invitee.goto(second.link);
  await expect(invitee.getByRole("button", { name: "Accept invitation" })).toBeVisible();

  // A second resend: only the link it replaced keeps its grace.
  await menuButton.click();
  await page.getByRole("menuitem", { name: "Resend" }).click();
  // (Its toast may stand beside the first one's; the third email is what counts.)
  const third = await emailTo(email, second.file);
  await invitee.goto(first.link);
  await expect(invitee.getByRole("heading", { name: "A newer invitation was sent" })).toBeVisible();
  await expectAccessible(invitee);
  await invitee.goto(third.link);
  await expect(invitee.getByRole("button", { name: "Accept invitation" })).toBeVisible();
});

test("cancel asks for confirmation and the link stops working", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("cancel");
  await invite(page, email);
  const mail = await emailTo(email);

  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Cancel" }).click();
  const confirm = page.getByRole("dialog", { name: "Cancel this invitation?" });
  await expect(confirm).toBeVisible();
  await screenshot(page, info, "cancel-confirmation");
  await confirm.getByRole("button", { name: "Cancel invitation" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Cancelled");

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(mail.link);
  await expect(invitee.getByRole("heading", { name: "This invitation was cancelled" })).toBeVisible();
  await expectAccessible(invitee);
  await screenshot(invitee, info, "cancelled-link");
});

test("an expired invitation shows as expired and resend revives it", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("late");
  await invite(page, email);
  const old = await emailTo(email);
  expireInvitation(email);

  await page.getByRole("button", { name: "Expired" }).click();
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Expired");
  await screenshot(page, info, "expired-filter");
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(old.link);
  await expect(invitee.getByRole("heading", { name: "This invitation has expired" })).toBeVisible();
  await screenshot(invitee, info, "expired-link");

  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Resend" }).click();
  await expectToast(page, `Invitation resent to ${email}`);
  await page.getByRole("button", { name: "Pending" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Pending");
  const fresh = await emailTo(email, old.file);
  await invitee.goto(fresh.link);
  await expect(invitee.getByRole("button", { name: "Accept invitation" })).toBeVisible();
});

test("an unknown link gets a clear page", async ({ page }) => {
  await page.goto("/invite/not-a-real-token");
  await expect(page.getByRole("heading", { name: "This invitation link is not valid" })).toBeVisible();
  await expectAccessible(page);
});
