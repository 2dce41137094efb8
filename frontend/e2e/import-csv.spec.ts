import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { apiPost, emailTo, expectAccessible, screenshot, signInAsAdmin, uniqueEmail } from "./support";

test("import a CSV: preview shows every problem with suggestions, fix, send, emails arrive", async ({ page }, info) => {
  await signInAsAdmin(page);
  const suffix = Date.now().toString(36);
  const department = `Engineering${suffix}`;
  await apiPost(page, "/api/v1/departments", { name: department });

  await page.getByRole("link", { name: "Import from CSV" }).click();
  await expect(page.getByRole("heading", { name: "Import from CSV" })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the CSV template" }).click();
  const template = readFileSync(await (await download).path(), "utf8");
  expect(template.split("\n")[0]).toBe("email,first_name,last_name,role,department,group");
  await expectAccessible(page);

  const good = uniqueEmail("grace");
  const typo = uniqueEmail("alan");
  const wrongCase = uniqueEmail("ken");
  const broken = [
    "email,first_name,last_name,role,department,group",
    `${good},Grace,Hopper,instructor,${department},`,
    "not-an-email,Bad,Address,learner,,",
    `${typo},Alan,Turing,lerner,,`,
    `${wrongCase},Ken,Thompson,learner,${department.toLowerCase()},`,
  ].join("\n");
  await page.getByLabel("Choose a CSV file or drop it here").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(broken) });
  await page.getByRole("button", { name: "Preview" }).click();

  await expect(page.getByText("4 rows:")).toBeVisible();
  await expect(page.getByText("3 with errors", { exact: true }).first()).toBeVisible();
  await expect(page.getByText('"not-an-email" is not a valid email address.')).toBeVisible();
  await expect(page.getByText('Role "lerner" is not valid. Use learner, instructor or admin.')).toBeVisible();
  await expect(page.getByText(`Did you mean "${department}"?`)).toBeVisible();
  await expect(page.getByRole("button", { name: /^Send \d+ invitations?$/ })).toBeDisabled();
  await expect(page.getByRole("link", { name: "Download error report" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, info, "import-preview-errors");
  await page.getByLabel("Show only rows with errors").check();
  await expect(page.getByRole("row").filter({ hasText: good })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: typo })).toBeVisible();

  // Fix the file and upload it again.
  const fixed = [
    "email,first_name,last_name,role,department,group",
    `${good},Grace,Hopper,instructor,${department},`,
    `${typo},Alan,Turing,learner,,`,
    `${wrongCase},Ken,Thompson,learner,${department},`,
  ].join("\n");
  await page.getByRole("button", { name: "Remove people.csv" }).click();
  await page.getByLabel("Choose a CSV file or drop it here").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(fixed) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("3 rows:")).toBeVisible();
  await expect(page.getByText("3 ready").first()).toBeVisible();
  await page.getByRole("button", { name: "Send 3 invitations" }).click();
  await expect(page.getByText("Created 3 invitations")).toBeVisible();
  await screenshot(page, info, "import-sent");

  for (const address of [good, typo, wrongCase]) {
    const mail = await emailTo(address);
    expect(mail.subject).toBe("Welcome to SkillStream LMS");
  }
  await page.getByRole("link", { name: "← Invitations" }).click();
  await expect(page.getByRole("row").filter({ hasText: good })).toContainText(department);
});

test("a file that is not CSV UTF-8 gets one clear message", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/admin/people/invitations/import");
  await page
    .getByLabel("Choose a CSV file or drop it here")
    .setInputFiles({ name: "latin1.csv", mimeType: "text/csv", buffer: Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xe9, 0x0a]) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("alert")).toContainText("CSV UTF-8");
});

test("a 1,000-row file is reviewed errors first, with the send bar always in view", async ({ page }, info) => {
  await signInAsAdmin(page);
  await page.goto("/admin/people/invitations/import");
  const stamp = Date.now().toString(36);
  // 16 rows with a bad address, scattered through the file.
  const bad = new Set(Array.from({ length: 16 }, (_, i) => 17 + i * 61));
  const lines = ["email,first_name"];
  for (let i = 0; i < 1000; i++) lines.push(bad.has(i) ? `broken-${i}-at-example.com,Row${i}` : `big-${stamp}-${i}@example.com,Row${i}`);
  await page.getByLabel("Choose a CSV file or drop it here").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("1,000 rows:")).toBeVisible();

  // The first rows shown are the 16 with errors, in file order.
  const preview = page.getByRole("region", { name: "Preview of the file" });
  const body = preview.locator("tbody tr:not([aria-hidden])");
  await expect(body.first()).toContainText("broken-17-at-example.com");
  await expect(body.nth(15)).toContainText(`broken-${17 + 15 * 61}-at-example.com`);
  await expect(body.nth(16)).toContainText("OK");
  // Long tables render what is in view, not a thousand rows.
  expect(await body.count()).toBeLessThan(100);

  // The send bar stays in view however far the page scrolls, and says what it will do.
  const bar = page.getByRole("region", { name: "4. Send" });
  await page.mouse.wheel(0, 5000);
  await expect(bar).toBeInViewport();
  const send = bar.getByRole("button", { name: "Send 984 invitations" });
  await expect(send).toBeDisabled();
  await expect(bar.getByText("Send only the 0")).toHaveCount(0);
  await screenshot(page, info, "import-review-1000");

  // Scrolling down the preview loads the next rows as it nears the end, up to the last one.
  await expect(async () => {
    await preview.evaluate((e) => e.scrollTo(0, e.scrollHeight));
    await expect(body.last()).toContainText("Row999", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  await bar.getByLabel("Skip the 16 rows with errors").check();
  await send.click();
  await expect(bar.getByText("Created 984 invitations; skipped 16 rows with errors.")).toBeVisible();
  await expectAccessible(page);
});
