import { expect, test, type Page } from "@playwright/test";
import { emailTo, expectAccessible, expectToast, expireInvitation, screenshot, signInAsAdmin, uniqueEmail } from "./support";

async function invite(page: Page, email: string) {
  await page.getByRole("button", { name: "Send invitations" }).click();
  await page.getByRole("dialog").getByLabel("Email address").fill(email);
  await page.getByRole("dialog").getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toBeVisible();
}

/** 09:00 in `days` days in the browser's zone, as a datetime-local input takes it. */
function morningIn(days: number): string {
  const day = new Date(Date.now() + days * 24 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T09:00`;
}

test("schedule a send for tomorrow, then send it now: the email goes out and its link works", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("monday");
  await page.getByRole("button", { name: "Send invitations" }).click();
  const dialog = page.getByRole("dialog", { name: "Send invitations" });
  await dialog.getByLabel("Email address").fill(email);
  await dialog.getByRole("radio", { name: "Schedule for later" }).check();
  await dialog.getByLabel("Date and time").fill(morningIn(1));
  await expectAccessible(page);
  await screenshot(page, info, "schedule-dialog");
  await dialog.getByRole("button", { name: "Schedule invitation" }).click();
  await expectToast(page, `Invitation to ${email} scheduled for`);

  await page.getByRole("button", { name: "Scheduled" }).click();
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Scheduled");
  await expect(row).toContainText("Scheduled for");

  // Moved to the day after.
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Change send time" }).click();
  const reschedule = page.getByRole("dialog", { name: `Send time for ${email}` });
  await reschedule.getByLabel("Date and time").fill(morningIn(2));
  await reschedule.getByRole("button", { name: "Save send time" }).click();
  await expectToast(page, `Invitation to ${email} will be sent`);

  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Send now" }).click();
  await expectToast(page, `Invitation to ${email} sent.`);
  const mail = await emailTo(email);
  expect(mail.subject).toBe("Welcome to SkillStream LMS");
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(mail.link);
  await expect(invitee.getByRole("button", { name: "Accept invitation" })).toBeVisible();
});

test("copy an invitation's link from the ⋮ menu and open it elsewhere", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("copy");
  await invite(page, email);

  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Copy invitation link" }).click();
  const dialog = page.getByRole("dialog", { name: "Invitation link" });
  const link = await dialog.getByLabel("Link").inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expectAccessible(page);
  await screenshot(page, info, "copy-link");
  await dialog.getByRole("button", { name: "Close" }).click();

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole("button", { name: "Accept invitation" })).toBeVisible();
});

test("an expired link: 'Email me a fresh link', then the fresh link accepts", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("renew");
  await invite(page, email);
  const old = await emailTo(email);
  expireInvitation(email);

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(old.link);
  await expect(invitee.getByRole("heading", { name: "This invitation has expired" })).toBeVisible();
  await invitee.getByRole("button", { name: "Email me a fresh link" }).click();
  await expect(invitee.getByRole("status").filter({ hasText: "A fresh link is on its way" })).toBeVisible();
  await expectAccessible(invitee);
  await screenshot(invitee, info, "fresh-link-requested");

  const fresh = await emailTo(email, old.file);
  expect(fresh.link).not.toBe(old.link);
  await invitee.goto(fresh.link);
  await invitee.getByLabel("Password").fill("a long enough password");
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invitee.getByRole("heading", { name: "Your dashboard" })).toBeVisible();
});

test("bulk resend of a filtered set says how many first, then resends exactly those", async ({ page }, info) => {
  await signInAsAdmin(page);
  const tag = uniqueEmail("wave").split("@")[0] ?? "wave";
  const emails = [1, 2, 3].map((n) => `${tag}-${n}@example.com`);
  for (const email of emails) await invite(page, email);
  const first = await Promise.all(emails.map((email) => emailTo(email)));

  await page.getByLabel("Search by email").fill(tag);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByText("3 invitations", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Resend or cancel all 3 matching…" }).click();
  const dialog = page.getByRole("dialog", { name: "Resend or cancel matching invitations" });
  await expect(dialog.getByText("3 invitations will be resent.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, info, "bulk-resend");
  await dialog.getByRole("button", { name: "Resend 3 invitations" }).click();
  await expectToast(page, "3 invitations resent.");

  for (const [i, email] of emails.entries()) {
    const before = first[i];
    if (!before) throw new Error(`no first email to ${email}`);
    const again = await emailTo(email, before.file);
    expect(again.link).not.toBe(before.link);
  }
});
