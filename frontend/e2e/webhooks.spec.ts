import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { expectAccessible, expectToast, screenshot, signInAsAdmin, uniqueEmail } from "./support";

/** A receiver on loopback that notes each delivery's headers and body and answers 200. */
async function receiver() {
  const received: { headers: IncomingHttpHeaders; body: { type: string; data: Record<string, unknown> } }[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, close: () => server.close() };
}

test("an admin adds a webhook endpoint, sends a test event and reads the delivery log", async ({ page }, info) => {
  const hooks = await receiver();
  try {
    await signInAsAdmin(page);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await page.getByLabel("Endpoint URL").fill(hooks.url);
    await page.getByLabel("Description (optional)").fill("Test receiver");
    await page.getByLabel("Only these events").check();
    await page.getByLabel(/Invitation created/).check();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Add endpoint" }).click();

    const secretDialog = page.getByRole("dialog", { name: "Endpoint added" });
    await expect(secretDialog.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
    await secretDialog.getByRole("button", { name: "Done" }).click();
    const row = page.getByRole("row").filter({ hasText: hooks.url });
    await expect(row).toContainText("Invitation created");
    await expect(row).toContainText("Enabled");

    // An invitation sent now reaches the endpoint, signed.
    await page.getByRole("link", { name: "Invitations" }).click();
    const email = uniqueEmail("hooked");
    await page.getByRole("button", { name: "Send invitations" }).click();
    await page.getByRole("dialog").getByLabel("Email address").fill(email);
    await page.getByRole("dialog").getByRole("button", { name: "Send invitation" }).click();
    await expect.poll(() => hooks.received.find((d) => (d.body.data.target as { email?: string } | null)?.email === email)?.body.type).toBe("invitation.created");
    const delivered = hooks.received.find((d) => d.body.type === "invitation.created");
    expect(delivered?.headers["webhook-signature"]).toMatch(/^v1,/);

    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("button", { name: `Actions for ${hooks.url}` }).click();
    await page.getByRole("menuitem", { name: "Send test event" }).click();
    await expectToast(page, "Test event sent.");
    await expect.poll(() => hooks.received.some((d) => d.body.type === "webhook.test")).toBe(true);

    await page.getByRole("button", { name: `Actions for ${hooks.url}` }).click();
    await page.getByRole("menuitem", { name: "Delivery log" }).click();
    const log = page.getByRole("dialog", { name: /Delivery log/ });
    const test = log.getByRole("row").filter({ hasText: "Webhook test" });
    await expect(test).toContainText("Delivered");
    await expect(test).toContainText("HTTP 200");
    await expect(log.getByRole("row").filter({ hasText: "Invitation created" })).toContainText("Delivered");
    await expectAccessible(page);
    await screenshot(page, info, "webhook-delivery-log");
    await test.getByRole("button", { name: "Redeliver" }).click();
    await expect.poll(() => hooks.received.filter((d) => d.body.type === "webhook.test").length).toBe(2);
    const ids = hooks.received.filter((d) => d.body.type === "webhook.test").map((d) => d.headers["webhook-id"]);
    expect(ids[0]).toBe(ids[1]);
  } finally {
    hooks.close();
  }
});
