import { expect, test } from "@playwright/test";
import { apiPost, emailTo, expectAccessible, expectToast, go, screenshot, signInAsAdmin, uniqueEmail } from "./support";

// Import, second edition: the mapping step (saved and offered again), fixing the preview in
// place (a suggestion applied to every cell, a row edited), an update import, and the history.

const FILE_INPUT = "Choose a CSV file or drop it here";

test("columns the app does not know are mapped once, and the mapping is used again for the same headers", async ({ page }, info) => {
  await signInAsAdmin(page);
  await page.goto("/admin/people/invitations/import");
  const [ada, bob] = [uniqueEmail("map-ada"), uniqueEmail("map-bob")];
  const header = `Work email,Given name,Badge ${Date.now().toString(36)}`;
  const csv = [header, `${ada},Ada,0042`, `${bob},Bob,0043`].join("\n");
  await page.getByLabel(FILE_INPUT).setInputFiles({ name: "hr-export.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Preview" }).click();

  const mapping = page.getByRole("region", { name: "Match the columns" });
  await expect(mapping).toBeVisible();
  // Recognised under other names; the unknown one is to be chosen.
  await expect(mapping.getByLabel("Work email")).toHaveValue("email");
  await expect(mapping.getByLabel("Given name")).toHaveValue("first_name");
  const badge = mapping.getByLabel(header.split(",")[2] ?? "");
  await expect(badge).toHaveValue("");
  await mapping.getByRole("button", { name: "Preview with these columns" }).click();
  await expect(mapping.getByText("Choose a field, or ignore this column.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, info, "import-mapping");
  await badge.selectOption("ignore");
  await expect(mapping.getByLabel("Remember this for files with these columns")).toBeChecked();
  await mapping.getByRole("button", { name: "Preview with these columns" }).click();
  await expect(page.getByText("2 rows:")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: ada })).toContainText("Ada");
  await expect(mapping).toHaveCount(0);

  // The same headers again: straight to the review.
  await page.getByRole("button", { name: "Remove hr-export.csv" }).click();
  const again = [header, `${uniqueEmail("map-cy")},Cy,0044`].join("\n");
  await page.getByLabel(FILE_INPUT).setInputFiles({ name: "hr-export.csv", mimeType: "text/csv", buffer: Buffer.from(again) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("1 row:")).toBeVisible();
  await expect(page.getByRole("region", { name: "Match the columns" })).toHaveCount(0);
});

test("a suggestion is applied to every cell at once and a row is fixed in place, without re-uploading", async ({ page }, info) => {
  await signInAsAdmin(page);
  const department = `Field Sales ${Date.now().toString(36)}`;
  await apiPost(page, "/api/v1/departments", { name: department });
  await page.goto("/admin/people/invitations/import");
  const emails = [uniqueEmail("fix-a"), uniqueEmail("fix-b"), uniqueEmail("fix-c")];
  const lower = department.toLowerCase();
  const csv = ["email,department", `${emails[0]},${lower}`, `${emails[1]},${lower}`, `${emails[2]},${lower}`, `broken@example,${department}`].join("\n");
  await page.getByLabel(FILE_INPUT).setInputFiles({ name: "fix.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("4 with errors", { exact: true }).first()).toBeVisible();

  // One click fixes the three cells with that value.
  await page.getByRole("button", { name: `Change all 3 “${lower}” to “${department}”` }).first().click();
  await expectToast(page, `Changed 3 cells from “${lower}” to “${department}”.`);
  await expect(page.getByText("1 with errors", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: emails[0] })).toContainText("OK");

  // The last row is edited where it is and re-checked at once.
  await page.getByRole("row").filter({ hasText: "broken@example" }).getByRole("button", { name: /^Edit/ }).click();
  const dialog = page.getByRole("dialog", { name: /Edit line 5/ });
  await expect(dialog.getByText('"broken@example" is not a valid email address.')).toBeVisible();
  await expectAccessible(page);
  const fixed = uniqueEmail("fix-d");
  await dialog.getByLabel("Email").fill(fixed);
  await dialog.getByRole("button", { name: "Save and re-check" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: fixed })).toContainText("OK");
  await screenshot(page, info, "import-fixed-in-place");
  await page.getByRole("button", { name: "Send 4 invitations" }).click();
  await expect(page.getByText("Created 4 invitations")).toBeVisible();
  expect((await emailTo(fixed)).subject).toBe("Welcome to SkillStream LMS");
});

test("an update import shows each change old → new, applies it, and the history follows its emails", async ({ page, browser }, info) => {
  await signInAsAdmin(page);
  const email = uniqueEmail("update-me");
  await apiPost(page, "/api/v1/invitations", { email, first_name: "Grace", last_name: "Brewster" });
  const member = await (await browser.newContext()).newPage();
  await member.goto((await emailTo(email)).link);
  await member.getByLabel("Password", { exact: true }).fill("plum-violin-91-sofa");
  await member.getByRole("button", { name: "Accept invitation" }).click();
  await expect(member.getByRole("heading", { name: "Your dashboard" })).toBeVisible();
  const newcomer = uniqueEmail("newcomer");

  await page.goto("/admin/people/invitations/import");
  await page.getByLabel("Invite new people and update members").check();
  const csv = ["email,last_name,role", `${email},Hopper,instructor`, `${newcomer},Newcomer,`].join("\n");
  await page.getByLabel(FILE_INPUT).setInputFiles({ name: "sync.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Preview" }).click();
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Update");
  await expect(row).toContainText("Last name: Brewster → Hopper");
  await expect(row).toContainText("Role: learner → instructor");
  await expect(page.getByRole("row").filter({ hasText: newcomer })).toContainText("Invite");
  await expect(page.getByRole("list", { name: "What the file does" })).toContainText("1 to update");
  await expectAccessible(page);
  await screenshot(page, info, "import-update-review");
  await page.getByRole("button", { name: "Apply 2 changes" }).click();
  await expect(page.getByText(/Created 1 invitation; updated 1 member/)).toBeVisible();

  await go(page, "Users");
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Hopper");
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Instructor");

  // The history lists it with its mode and its email, and leads to its invitations.
  await go(page, "Imports");
  const item = page.getByRole("row").filter({ hasText: "sync.csv" }).first();
  await expect(item).toContainText("Invite new people and update members");
  await expect(item).toContainText("1 sent", { timeout: 15_000 });
  await expectAccessible(page);
  await screenshot(page, info, "import-history");
  await item.getByRole("link", { name: "1 invitation" }).click();
  await expect(page.getByText(/Showing the invitations of import #\d+/)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: newcomer })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: email })).toHaveCount(0);
});
