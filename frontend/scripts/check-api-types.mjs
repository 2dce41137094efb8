// Fails when src/api/schema.generated.ts is not what openapi.yaml generates (run `npm run api:generate`).
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const out = join(mkdtempSync(join(tmpdir(), "api-types-")), "schema.generated.ts");
execFileSync("npx", ["openapi-typescript", "../openapi.yaml", "-o", out], { stdio: "ignore" });
if (readFileSync(out, "utf8") !== readFileSync("src/api/schema.generated.ts", "utf8")) {
  console.error("src/api/schema.generated.ts is stale: run `npm run api:generate` and commit it.");
  process.exit(1);
}
console.log("API types match openapi.yaml.");
