// The real app for the scripts that look at it from outside (Lighthouse, README screenshots):
// the built binary serving the built SPA on a fresh SQLite database, mail written to a folder.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ADMIN = { email: "admin@skillstream.example.com", password: "local admin password" };

const freePort = () =>
  new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

/** Polls `check` until it answers something truthy (30 s at most). */
export async function waitFor(check, what) {
  for (let i = 0; i < 300; i++) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts `skillstream serve` (SKILLSTREAM_BIN, default the release build) on a free port with
 * an organization and its admin; `stop()` ends it and removes its data.
 */
export async function startServer(organization) {
  const dataDir = mkdtempSync(join(tmpdir(), "skillstream-local-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(resolve(process.env.SKILLSTREAM_BIN ?? "../target/release/skillstream"), ["serve"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dataDir, "app.db")}`,
      DATA_DIR: dataDir,
      MAIL_DIR: join(dataDir, "mail"),
      STATIC_DIR: resolve("dist"),
      BIND_ADDR: `127.0.0.1:${port}`,
      PUBLIC_URL: base,
      JWT_SECRET: "local-secret-local-secret-local-secret!",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ORG_NAME: organization,
      LOG: "warn",
    },
  });
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
  /** A JSON call as the admin (bearer token). */
  const api = async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.status === 204 ? null : response.json();
  };
  /** The accept link in the newest email to `address`, once it is written. */
  const linkFor = (address) =>
    waitFor(async () => {
      for (const file of readdirSync(join(dataDir, "mail")).filter((f) => f.endsWith(".eml"))) {
        const text = readFileSync(join(dataDir, "mail", file), "utf8").replace(/=\r?\n/g, "");
        const to = text.split(/\r?\n/).find((line) => /^to:/i.test(line)) ?? "";
        if (!to.toLowerCase().includes(address.toLowerCase())) continue;
        const found = text.match(/https?:\/\/[^\s"<>]*\/invite\/[A-Za-z0-9_-]+/);
        if (found) return found[0];
      }
      return undefined;
    }, `an email to ${address}`);
  const stop = () => {
    server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, cookie, api, linkFor, stop };
}
