// A webhook receiver for the tests and benchmarks. Every delivery is verified with the
// Standard Webhooks reference library (npm `standardwebhooks`), never with our own code.
//
// Control API (JSON):
//   POST  /inboxes            {secrets: [...], status?, sleep_ms?, fail_first?}  -> {id, url}
//   PATCH /inboxes/:id        any of the same fields
//   GET   /inboxes/:id        -> {deliveries: [{webhook_id, timestamp, type, data, verified,
//                                verified_with, answered, received_ms}], count}
// Hooks:
//   POST  /hooks/:id          verified with each secret of the inbox; answers 401 when none
//                             verifies, else `fail_first` times `status` (default 500), then
//                             `status` if set, else 200 — after `sleep_ms` if set.
// Prints "listening http://127.0.0.1:PORT" once ready. With EXIT_WITH_STDIN=1 it exits when
// its standard input closes (the test binary that started it is gone).
import http from "node:http";
import { Webhook } from "standardwebhooks";

const inboxes = new Map();
let next = 1;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function configure(inbox, settings) {
  for (const key of ["secrets", "status", "sleep_ms", "fail_first"]) {
    if (key in settings) inbox[key] = settings[key];
  }
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, "http://receiver");
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "POST" && parts.length === 1 && parts[0] === "inboxes") {
      const id = String(next++);
      const inbox = { secrets: [], status: null, sleep_ms: 0, fail_first: 0, deliveries: [] };
      configure(inbox, JSON.parse((await readBody(req)) || "{}"));
      inboxes.set(id, inbox);
      return json(res, 201, { id, url: `http://127.0.0.1:${server.address().port}/hooks/${id}` });
    }
    if (parts[0] === "inboxes" && parts.length === 2) {
      const inbox = inboxes.get(parts[1]);
      if (!inbox) return json(res, 404, { error: "no such inbox" });
      if (req.method === "PATCH") {
        configure(inbox, JSON.parse((await readBody(req)) || "{}"));
        return json(res, 200, { ok: true });
      }
      return json(res, 200, { count: inbox.deliveries.length, deliveries: inbox.deliveries });
    }
    if (req.method === "POST" && parts[0] === "hooks" && parts.length === 2) {
      const inbox = inboxes.get(parts[1]);
      const body = await readBody(req);
      if (!inbox) return json(res, 404, { error: "no such inbox" });
      const verifiedWith = [];
      let payload = null;
      inbox.secrets.forEach((secret, index) => {
        try {
          payload = new Webhook(secret).verify(body, req.headers);
          verifiedWith.push(index);
        } catch {
          // Not signed with this secret.
        }
      });
      let answered = 200;
      if (verifiedWith.length === 0) answered = 401;
      else if (inbox.fail_first > 0) {
        inbox.fail_first -= 1;
        answered = inbox.status ?? 500;
      } else if (inbox.status) answered = inbox.status;
      inbox.deliveries.push({
        webhook_id: req.headers["webhook-id"] ?? null,
        timestamp: req.headers["webhook-timestamp"] ?? null,
        signature: req.headers["webhook-signature"] ?? null,
        type: payload?.type ?? null,
        payload_timestamp: payload?.timestamp ?? null,
        data: payload?.data ?? null,
        raw: body,
        verified: verifiedWith.length > 0,
        verified_with: verifiedWith,
        answered,
        received_ms: Date.now(),
      });
      if (inbox.sleep_ms > 0) await new Promise((r) => setTimeout(r, inbox.sleep_ms));
      return json(res, answered, { received: answered < 300 });
    }
    json(res, 404, { error: "not found" });
  } catch (error) {
    json(res, 500, { error: String(error) });
  }
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
if (process.env.EXIT_WITH_STDIN === "1") {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
  process.stdin.resume();
}
