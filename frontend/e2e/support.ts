import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";

export const ADMIN = { email: "admin@e2e.example.com", password: "e2e admin password" };
const dataDir = () => process.env.E2E_DATA_DIR ?? "";
const mailDir = () => join(dataDir(), "mail");

/** A unique address per test run, so journeys never collide on the shared server. */
export function uniqueEmail(name: string): string {
  return `${name}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@example.com`;
}

export async function signInAsAdmin(page: Page, admin: { email: string; password: string } = ADMIN) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Invitations" })).toBeVisible();
}

/**
 * A new organization of its own (nothing invited, no departments, groups or courses) with one
 * admin, made by the binary's `create-admin` command on the running server's database.
 */
export function createOrganization(name: string): { email: string; password: string } {
  const admin = { email: uniqueEmail("first-admin"), password: "a first-run admin password" };
  execFileSync(process.env.E2E_BINARY ?? "", ["create-admin", "--org", `${name} ${Date.now().toString(36)}`, "--email", admin.email, "--password", admin.password], {
    env: { ...process.env, DATABASE_URL: `sqlite://${join(dataDir(), "e2e.db")}`, DATA_DIR: dataDir(), JWT_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e!", LOG: "warn" },
    stdio: "pipe",
  });
  return admin;
}

/** Follows a link of the main navigation, opening the drawer first on a narrow screen. */
export async function go(page: Page, link: string) {
  const toggle = page.getByRole("button", { name: "Menu", exact: true });
  if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true }).click();
}

/** A toast with this text is shown (in the notifications region, bottom corner). */
export async function expectToast(page: Page, text: string) {
  await expect(page.getByRole("region", { name: /Notification/ }).getByText(text)).toBeVisible();
}

/** No serious or critical accessibility violations on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

export async function screenshot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

type Email = { subject: string; text: string; html: string; link: string; file: string };

/** The newest invitation email to `address` in the mail folder, waiting for it to arrive. */
export async function emailTo(address: string, after?: string): Promise<Email> {
  let found: Email | undefined;
  await expect
    .poll(
      async () => {
        found = await newestEmail(address, after);
        return found?.file;
      },
      { timeout: 20_000, message: `an email to ${address}` },
    )
    .toBeTruthy();
  return found as Email;
}

async function newestEmail(address: string, after?: string): Promise<Email | undefined> {
  let files: string[];
  try {
    files = readdirSync(mailDir()).filter((f) => f.endsWith(".eml"));
  } catch {
    return undefined;
  }
  // invitation-<invitation id>-<outbox id>.eml: a higher outbox id is a newer email.
  const outboxId = (f: string) => Number(f.replace(/\.eml$/, "").split("-")[2] ?? 0);
  for (const file of files.sort((a, b) => outboxId(b) - outboxId(a))) {
    if (after && file === after) return undefined;
    const raw = readFileSync(join(mailDir(), file));
    const mail = await simpleParser(raw);
    const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
    if (!to.some((t) => t.value.some((v) => v.address?.toLowerCase() === address.toLowerCase()))) continue;
    const text = mail.text ?? "";
    const link = text.match(/https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/)?.[0] ?? "";
    return { subject: mail.subject ?? "", text, html: typeof mail.html === "string" ? mail.html : "", link, file };
  }
  return undefined;
}

/** Makes the invitation to `address` lapse, as seven days would. */
export function expireInvitation(address: string) {
  const script = [
    "import sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1])",
    "db.execute(\"UPDATE invitations SET expires_at = '2000-01-01 00:00:00' WHERE email_folded = lower(?) AND status = 'pending'\", (sys.argv[2],))",
    "db.commit()",
  ].join("\n");
  execFileSync("python3", ["-c", script, join(dataDir(), "e2e.db"), address]);
}

/** Calls the API as the signed-in page (session cookie + CSRF header). */
export async function apiPost(page: Page, path: string, data: unknown) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === "skillstream_csrf")?.value ?? "";
  const response = await page.request.post(path, { data, headers: { "X-CSRF-Token": csrf } });
  expect(response.ok(), await response.text()).toBeTruthy();
  return response.json();
}
