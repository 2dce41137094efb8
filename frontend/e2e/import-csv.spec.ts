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
  await expect(page.getByText("3 with errors", { exact: true })).toBeVisible();
  await expect(page.getByText('"not-an-email" is not a valid email address.')).toBeVisible();
  await expect(page.getByText('Role "lerner" is not valid. Use learner, instructor or admin.')).toBeVisible();
  await expect(page.getByText(`Did you mean "${department}"?`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Send invitations" })).toBeDisabled();
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
  await expect(page.getByText("3 ready")).toBeVisible();
  await page.getByRole("button", { name: "Send invitations" }).click();
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
