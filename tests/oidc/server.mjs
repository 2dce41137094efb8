// A real OpenID Connect provider (panva/oidc-provider) for the SSO tests, on a free port of
// 127.0.0.1. It prints `listening <issuer>` once it accepts connections.
//
// - Clients register themselves (dynamic registration at /reg), so every test has its own.
// - The sign-in page is a plain form: the test (or the browser) types the identity it wants to
//   be: email, whether it is verified, given and family name. Consent is implied.
// - A test may ask for a broken ID token (the form's `tamper` field): signed by another key,
//   expired, with another nonce, audience or issuer. The token endpoint then answers with that
//   token instead of the real one, which is how the app's checks are tested from outside.
import http from "node:http";
import crypto from "node:crypto";
import * as jose from "jose";
import Provider from "oidc-provider";

const accounts = new Map();
const keyPair = await jose.generateKeyPair("RS256", { extractable: true });
const privateJwk = { ...(await jose.exportJWK(keyPair.privateKey)), kid: "test-key", alg: "RS256", use: "sig" };

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks: { keys: [privateJwk] },
  cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
  features: { registration: { enabled: true }, devInteractions: { enabled: false } },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["given_name", "family_name", "name"] },
  conformIdTokenClaims: false,
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
});

// Swap the ID token for a broken one when the signed-in identity asked for it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== "/token" || !ctx.body?.id_token) return;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const tamper = accounts.get(claims.sub)?.tamper;
  if (!tamper) return;
  const now = Math.floor(Date.now() / 1000);
  let key = keyPair.privateKey;
  const changed = { ...claims };
  if (tamper === "signature") key = (await jose.generateKeyPair("RS256")).privateKey;
  if (tamper === "expired") Object.assign(changed, { iat: now - 7200, exp: now - 3600 });
  if (tamper === "nonce") changed.nonce = "not-the-nonce-that-was-sent";
  if (tamper === "audience") changed.aud = "some-other-client";
  if (tamper === "issuer") changed.iss = "http://127.0.0.1:1/another-issuer";
  if (tamper === "unsigned") {
    ctx.body = { ...ctx.body, id_token: `${jose.base64url.encode(JSON.stringify({ alg: "none" }))}.${jose.base64url.encode(JSON.stringify(changed))}.` };
    return;
  }
  const token = await new jose.SignJWT(changed).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(key);
  ctx.body = { ...ctx.body, id_token: token };
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(uid, client) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Sign in to the test identity provider</h1><p>${escape(client)} asks who you are.</p>
<form method="post" action="/interaction/${escape(uid)}">
<p><label for="email">Email</label> <input id="email" name="email" type="email" required></p>
<p><label for="given_name">Given name</label> <input id="given_name" name="given_name"></p>
<p><label for="family_name">Family name</label> <input id="family_name" name="family_name"></p>
<p><label><input type="checkbox" name="email_verified" value="true" checked> Email verified</label></p>
<input type="hidden" name="tamper" value="">
<p><button type="submit">Sign in</button></p></form></main></body></html>`;
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET") {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(page(details.uid, details.params.client_id));
    return;
  }
  const form = await readForm(req);
  const email = (form.email ?? "").trim();
  // The test harness names the subject (unique per test identity); a browser typing into the
  // form gets one per address and requested behaviour.
  const sub = form.sub || `${email.toLowerCase()}${form.tamper ? `#${form.tamper}` : ""}`;
  const claims = { email, email_verified: form.email_verified === "true" };
  if (form.given_name) claims.given_name = form.given_name;
  if (form.family_name) claims.family_name = form.family_name;
  accounts.set(sub, { claims, tamper: form.tamper || undefined });
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope("openid email profile");
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
server.on("request", (req, res) => {
  if (req.url.startsWith("/interaction/")) {
    interaction(req, res).catch((error) => {
      res.writeHead(400, { "Content-Type": "text/plain" });
      res.end(`interaction failed: ${error.message}`);
    });
    return;
  }
  callback(req, res);
});

// The Rust harness holds our stdin: when it exits, so do we (no stray provider after a run).
if (process.env.EXIT_WITH_STDIN === "1") {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
console.log(`listening ${issuer}`);
