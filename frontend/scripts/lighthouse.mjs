// Lighthouse budgets of the web app, measured on the real thing: the built binary serving the
// built SPA on a fresh SQLite database, with Debian's Chromium. Pages: the Invitations list
// (signed in as an admin, 30 invitations), the CSV import page and the invitee landing page.
// Budgets: accessibility ≥ 95 and performance ≥ 90 on each; the script exits 1 when one is missed.
//
//   cargo build --release --bin skillstream && (cd frontend && npx vite build && node scripts/lighthouse.mjs)
//
// Env: SKILLSTREAM_BIN (default ../target/release/skillstream), CHROMIUM_PATH (default
// /usr/bin/chromium), LIGHTHOUSE_FORM_FACTOR (mobile, the default, with Lighthouse's simulated
// slow 4G and 4× CPU slowdown; or desktop), LIGHTHOUSE_REPORT_DIR (writes each page's full
// report there as JSON, to see where the time goes).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const BUDGET = { performance: 90, accessibility: 95 };
const ADMIN = { email: "admin@lighthouse.example.com", password: "lighthouse admin password" };
const formFactor = process.env.LIGHTHOUSE_FORM_FACTOR ?? "mobile";

const freePort = () =>
  new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

async function waitFor(check, what) {
  for (let i = 0; i < 300; i++) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const dataDir = mkdtempSync(join(tmpdir(), "skillstream-lighthouse-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(resolve(process.env.SKILLSTREAM_BIN ?? "../target/release/skillstream"), ["serve"], {
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    DATABASE_URL: `sqlite://${join(dataDir, "app.db")}`,
    DATA_DIR: dataDir,
    MAIL_DIR: join(dataDir, "mail"),
    STATIC_DIR: resolve("dist"),
    BIND_ADDR: `127.0.0.1:${port}`,
    PUBLIC_URL: base,
    JWT_SECRET: "lighthouse-secret-lighthouse-secret!!",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ORG_NAME: "Lighthouse Academy",
    LOG: "warn",
  },
});
let chrome;
try {
  await waitFor(async () => (await fetch(`${base}/healthz`)).ok, "the server");
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  const { access_token: token } = await login.json();
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const api = (path, body) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  await api("/api/v1/departments", { name: "Sales" });
  await api("/api/v1/courses", { title: "Workplace Safety" });
  for (let i = 0; i < 30; i++) await api("/api/v1/invitations", { email: `person${i}@example.com`, department: "Sales" });
  // The landing page of the last invitation, through the link in its email.
  const link = await waitFor(() => {
    const files = readdirSync(join(dataDir, "mail")).filter((f) => f.endsWith(".eml"));
    for (const file of files) {
      const text = readFileSync(join(dataDir, "mail", file), "utf8").replace(/=\r?\n/g, "");
      const found = text.match(/https?:\/\/[^\s"<>]*\/invite\/[A-Za-z0-9_-]+/);
      if (found) return Promise.resolve(found[0]);
    }
    return Promise.resolve(undefined);
  }, "an invitation email");

  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  const pages = [
    { name: "Invitations", url: `${base}/admin/people/invitations`, signedIn: true },
    { name: "Import from CSV", url: `${base}/admin/people/invitations/import`, signedIn: true },
    { name: "Invitee landing page", url: link, signedIn: false },
  ];
  let missed = false;
  console.log(`Lighthouse ${formFactor}, ${new Date().toISOString()}`);
  for (const page of pages) {
    const flags = {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      extraHeaders: page.signedIn ? { Cookie: cookie } : undefined,
    };
    const result = await lighthouse(page.url, flags, formFactor === "desktop" ? desktopConfig : undefined);
    const { categories, audits } = result.lhr;
    if (process.env.LIGHTHOUSE_REPORT_DIR) {
      writeFileSync(join(process.env.LIGHTHOUSE_REPORT_DIR, `${page.name.replace(/\W+/g, "-").toLowerCase()}.json`), JSON.stringify(result.lhr));
    }
    const scores = Object.fromEntries(Object.entries(BUDGET).map(([k]) => [k, Math.round((categories[k].score ?? 0) * 100)]));
    const ok = Object.entries(BUDGET).every(([k, min]) => scores[k] >= min);
    missed ||= !ok;
    const failing = Object.values(audits)
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable")
      .map((a) => a.id);
    console.log(
      `${ok ? "ok  " : "MISS"} ${page.name}: performance ${scores.performance}, accessibility ${scores.accessibility}` +
        ` (LCP ${audits["largest-contentful-paint"].displayValue}, TBT ${audits["total-blocking-time"].displayValue}, CLS ${audits["cumulative-layout-shift"].displayValue})` +
        (failing.length ? `; below 0.9: ${failing.join(", ")}` : ""),
    );
  }
  process.exitCode = missed ? 1 : 0;
} finally {
  await chrome?.kill();
  server.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
