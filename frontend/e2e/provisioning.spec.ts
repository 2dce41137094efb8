import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signInAsAdmin, uniqueEmail } from "./support";

test("an admin connects an identity provider and a provisioned person is invited", async ({ page, request }, info) => {
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Provisioning" }).click();
  await expect(page.getByRole("heading", { name: "Provisioning (SCIM)", level: 1 })).toBeVisible();
  const baseUrl = await page.getByLabel("SCIM base URL").inputValue();
  expect(baseUrl).toMatch(/\/scim\/v2$/);
  await expect(page.getByRole("radio", { name: /Invite them/ })).toBeChecked();
  await expectAccessible(page);

  await page.getByLabel("Name").fill("Okta");
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "SCIM token “Okta” created" });
  const token = await dialog.getByLabel("SCIM token").inputValue();
  expect(token).toMatch(/^scim_/);
  await screenshot(page, info, "provisioning-token");
  await dialog.getByRole("button", { name: "Done" }).click();

  // The identity provider provisions someone with the token.
  const email = uniqueEmail("provisioned");
  const created = await request.post(`${baseUrl}/Users`, {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
    data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: email, name: { givenName: "Sam", familyName: "Scim" }, active: true },
  });
  expect(created.status()).toBe(201);

  await page.getByRole("link", { name: "Invitations" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toBeVisible();
  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByRole("row").filter({ hasText: email }).filter({ hasText: "Invitation created" })).toContainText("Identity provider (SCIM): Okta");

  await page.getByRole("link", { name: "Provisioning" }).click();
  await page.getByRole("button", { name: "Actions for Okta" }).click();
  await page.getByRole("menuitem", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke “Okta”?" }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Okta" })).toContainText("Revoked");
  const refused = await request.get(`${baseUrl}/Users`, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});
