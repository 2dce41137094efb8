// Lighthouse budgets of the web app, measured on the real thing: the built binary serving the
// built SPA on a fresh SQLite database, with Debian's Chromium. Pages: the Invitations list
// (signed in as an admin, 30 invitations), the CSV import page and the invitee landing page.
// Budgets: accessibility ≥ 95, performance ≥ 90 and at most 200 kB of JavaScript (gzip) loaded
// on each; the script exits 1 when one is missed.
//
//   cargo build --release --bin skillstream && (cd frontend && npx vite build && node scripts/lighthouse.mjs)
//
// Env: SKILLSTREAM_BIN (default ../target/release/skillstream), CHROMIUM_PATH (default
// /usr/bin/chromium), LIGHTHOUSE_FORM_FACTOR (mobile, the default, with Lighthouse's simulated
// slow 4G and 4× CPU slowdown; or desktop), LIGHTHOUSE_REPORT_DIR (writes each page's full
// report there as JSON, to see where the time goes), LIGHTHOUSE_RUNS (default 5: each page
// is measured that many times and the run with the median performance score is reported, as
// Lighthouse's own guidance advises on a machine whose load varies).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import { startServer, waitFor } from "./local-server.mjs";

const BUDGET = { performance: 90, accessibility: 95 };
/** Most JavaScript (gzip) a page may load before anyone touches it. */
const JS_BUDGET_KB = 200;

/** The gzip size of every script the page loaded, from the built files. */
function scriptKb(lhr) {
  const scripts = lhr.audits["network-requests"].details.items.filter((r) => r.resourceType === "Script");
  const bytes = scripts.reduce((sum, r) => sum + gzipSync(readFileSync(join("dist", new URL(r.url).pathname)), { level: 9 }).length, 0);
  return Math.round(bytes / 100) / 10;
}
const formFactor = process.env.LIGHTHOUSE_FORM_FACTOR ?? "mobile";

const { base, cookie, api, linkFor, stop } = await startServer("Lighthouse Academy");
let chrome;
try {
  await api("POST", "/api/v1/departments", { name: "Sales" });
  await api("POST", "/api/v1/courses", { title: "Workplace Safety" });
  for (let i = 0; i < 30; i++) await api("POST", "/api/v1/invitations", { email: `person${i}@example.com`, department: "Sales" });
  // The landing page of the last invitation, through the link in its email.
  const link = await linkFor("person29@example.com");
  // Measured once every email is out, as an admin usually finds the list (while emails are on
  // their way the page polls every 2 s and each answer re-renders the rows).
  await waitFor(async () => {
    const list = await api("GET", "/api/v1/invitations?per_page=100");
    return list.items.every((i) => i.email_delivery?.status === "sent");
  }, "every invitation email to be sent");

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
  const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 5);
  for (const page of pages) {
    const flags = {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      extraHeaders: page.signedIn ? { Cookie: cookie } : undefined,
    };
    const results = [];
    for (let run = 0; run < runs; run++) {
      const result = await lighthouse(page.url, flags, formFactor === "desktop" ? desktopConfig : undefined);
      results.push(result.lhr);
    }
    const score = (lhr, k) => Math.round((lhr.categories[k].score ?? 0) * 100);
    const sorted = [...results].sort((a, b) => score(a, "performance") - score(b, "performance"));
    const lhr = sorted[Math.floor(sorted.length / 2)];
    const { audits } = lhr;
    if (process.env.LIGHTHOUSE_REPORT_DIR) {
      writeFileSync(join(process.env.LIGHTHOUSE_REPORT_DIR, `${page.name.replace(/\W+/g, "-").toLowerCase()}.json`), JSON.stringify(lhr));
    }
    const scores = Object.fromEntries(Object.keys(BUDGET).map((k) => [k, score(lhr, k)]));
    const js = scriptKb(lhr);
    const ok = Object.entries(BUDGET).every(([k, min]) => scores[k] >= min) && js <= JS_BUDGET_KB;
    missed ||= !ok;
    console.log(
      `${ok ? "ok  " : "MISS"} ${page.name}: performance ${scores.performance} (runs: ${results.map((r) => score(r, "performance")).join(", ")}), ` +
        `accessibility ${scores.accessibility}, JavaScript ${js} kB gzip (LCP ${audits["largest-contentful-paint"].displayValue}, ` +
        `TBT ${audits["total-blocking-time"].displayValue}, CLS ${audits["cumulative-layout-shift"].displayValue})`,
    );
  }
  process.exitCode = missed ? 1 : 0;
} finally {
  await chrome?.kill();
  stop();
}
