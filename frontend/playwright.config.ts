import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// The real app: the built binary on a fresh SQLite database, mail written to a folder the
// tests read. One server for the suite; each test works with addresses of its own.
const port = Number(process.env.E2E_PORT ?? 18555);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "skillstream-e2e-"));
process.env.E2E_DATA_DIR = dataDir;
const binary = resolve(process.env.SKILLSTREAM_BIN ?? "../target/debug/skillstream");
// The tests run the binary's own commands too (a second organization for the first-run journey).
process.env.E2E_BINARY = binary;
// A real OpenID provider (tests/oidc) for the single sign-on journey.
const idpPort = Number(process.env.E2E_IDP_PORT ?? 18556);
process.env.E2E_IDP_ISSUER = `http://127.0.0.1:${idpPort}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { viewport: { width: 1280, height: 900 } } },
  ],
  webServer: [
    {
      command: "node server.mjs",
      cwd: resolve("../tests/oidc"),
      url: `http://127.0.0.1:${idpPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { PORT: String(idpPort) },
    },
    {
      command: `${binary} serve`,
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: `sqlite://${join(dataDir, "e2e.db")}`,
        DATA_DIR: dataDir,
        MAIL_DIR: join(dataDir, "mail"),
        STATIC_DIR: resolve("dist"),
        BIND_ADDR: `127.0.0.1:${port}`,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        JWT_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e!",
        ADMIN_EMAIL: "admin@e2e.example.com",
        ADMIN_PASSWORD: "e2e admin password",
        ORG_NAME: "E2E Academy",
        // The test OpenID provider listens on loopback over http.
        OUTBOUND_ALLOW_PRIVATE: "true",
        RATE_LIMIT_LOGIN_PER_IP: "0",
        RATE_LIMIT_LOGIN_PER_EMAIL: "0",
        RATE_LIMIT_PUBLIC_PER_IP: "0",
        LOG: "warn",
      },
    },
  ],
});
