// The README's screenshots, taken from the real app with believable data:
// docs/screenshots/invitations.png (Admin → People → Invitations) and
// docs/screenshots/import-review.png (a CSV file under review, errors first).
//
//   cargo build --release --bin skillstream && (cd frontend && npx vite build && node scripts/screenshots.mjs)
import { chromium } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { ADMIN, startServer, waitFor } from "./local-server.mjs";

const out = resolve("../docs/screenshots");
mkdirSync(out, { recursive: true });
const people = [
  ["Ada", "Lovelace", "instructor", "Engineering", "Mentors"],
  ["Grace", "Hopper", "admin", "Engineering", null],
  ["Alan", "Turing", "learner", "Research", "New hires"],
  ["Katherine", "Johnson", "learner", "Research", null],
  ["Linus", "Torvalds", "learner", "Engineering", "New hires"],
  ["Margaret", "Hamilton", "instructor", "Support", "Mentors"],
  ["Tim", "Berners-Lee", "learner", "Sales", null],
  ["Barbara", "Liskov", "learner", "Sales", "New hires"],
  ["Edsger", "Dijkstra", "learner", "Support", null],
  ["Frances", "Allen", "learner", "Research", "New hires"],
];

const { base, api, linkFor, stop } = await startServer("Northwind Academy");
try {
  for (const name of ["Engineering", "Research", "Sales", "Support"]) await api("POST", "/api/v1/departments", { name });
  for (const name of ["Mentors", "New hires"]) await api("POST", "/api/v1/groups", { name });
  const course = await api("POST", "/api/v1/courses", { title: "Workplace Safety" });
  const sent = [];
  for (const [first, last, role, department, group] of people) {
    const email = `${first}.${last}@northwind.example`.toLowerCase();
    sent.push(await api("POST", "/api/v1/invitations", { email, first_name: first, last_name: last, role, department, group, course_ids: [course.id] }));
  }
  // Two have joined, one was withdrawn.
  for (const invitation of sent.slice(0, 2)) {
    const token = (await linkFor(invitation.email)).split("/invite/")[1];
    await fetch(`${base}/api/v1/public/invitations/${token}/accept`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: "a long and unguessable passphrase 42" }),
    });
  }
  await api("POST", `/api/v1/invitations/${sent[6].id}/cancel`);
  await waitFor(async () => {
    const list = await api("GET", "/api/v1/invitations?per_page=100");
    return list.items.every((i) => i.email_delivery?.status === "sent");
  }, "every invitation email to be sent");

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  await page.goto(`${base}/signin`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("row").filter({ hasText: "ada.lovelace" }).waitFor();
  await page.screenshot({ path: `${out}/invitations.png` });

  await page.goto(`${base}/admin/people/invitations/import`);
  const rows = ["email,first_name,last_name,role,department,group"];
  for (let i = 1; i <= 60; i++) rows.push(`learner${i}@northwind.example,Learner,Number ${i},learner,${["Sales", "Support", "Research"][i % 3]},`);
  rows.splice(8, 0, "jo.bloggs@gmial.com,Jo,Bloggs,learner,Sales,");
  rows.splice(15, 0, "not-an-address,Sam,Smith,learner,Sales,");
  rows.splice(30, 0, "lee.chan@northwind.example,Lee,Chan,teacher,sales,Mentor");
  await page.getByLabel("Choose a CSV file or drop it here").setInputFiles({ name: "new-hires.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n")) });
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("region", { name: "Preview of the file" }).getByRole("cell", { name: "not-an-address", exact: true }).waitFor();
  await page.evaluate(() => document.getElementById("step-review")?.scrollIntoView({ block: "start" }));
  await page.screenshot({ path: `${out}/import-review.png` });
  await browser.close();
  console.log(`Wrote ${out}/invitations.png and ${out}/import-review.png`);
} finally {
  stop();
}
