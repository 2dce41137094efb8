import { expect, test } from "@playwright/test";
import { apiPost, emailTo, expectAccessible, expectToast, go, screenshot, signInAsAdmin, uniqueEmail } from "./support";

const issuer = () => process.env.E2E_IDP_ISSUER ?? "";

test("single sign-on: the admin sets up the provider, the invitee accepts through it, names come from the provider", async ({
  page,
  browser,
  request,
}, info) => {
  await signInAsAdmin(page);
  const suffix = Date.now().toString(36);
  const course = `Security Basics ${suffix}`;
  await apiPost(page, "/api/v1/courses", { title: course });

  // The identity provider knows this app as a client (registered as an IT admin would).
  const baseURL = info.project.use.baseURL ?? "";
  const registration = await request.post(`${issuer()}/reg`, {
    data: { redirect_uris: [`${baseURL}/sso/callback`], token_endpoint_auth_method: "client_secret_basic" },
  });
  expect(registration.ok()).toBeTruthy();
  const client = (await registration.json()) as { client_id: string; client_secret: string };

  // Admin → Settings → Single sign-on.
  await go(page, "Single sign-on");
  await expect(page.getByRole("heading", { name: "Single sign-on" })).toBeVisible();
  await expect(page.getByLabel("Redirect URI to register with your provider")).toHaveValue(`${baseURL}/sso/callback`);
  await page.getByLabel("Issuer URL").fill("http://127.0.0.1:1");
  await page.getByLabel("Client ID").fill(client.client_id);
  await page.getByLabel("Client secret").fill(client.client_secret);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("could not be read")).toBeVisible();
  await page.getByLabel("Issuer URL").fill(issuer());
  await page.getByRole("button", { name: "Save" }).click();
  await expectToast(page, "Single sign-on settings saved");
  await expect(page.getByText("A secret is stored and never shown")).toBeVisible();
  await expect(page.getByLabel("Client secret")).toHaveValue("");
  await expectAccessible(page);
  await screenshot(page, info, "sso-settings");

  // An invitation without names.
  const email = uniqueEmail("grace");
  const courses = (await (await page.request.get("/api/v1/courses")).json()) as { id: number; title: string }[];
  const courseId = courses.find((c) => c.title === course)?.id;
  await apiPost(page, "/api/v1/invitations", { email, role: "learner", course_ids: [courseId] });
  const mail = await emailTo(email);

  // The invitee chooses single sign-on on the landing page.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(mail.link);
  await expect(invitee.getByRole("heading", { name: "Welcome to SkillStream LMS" })).toBeVisible();
  await expect(invitee.getByRole("heading", { name: "Or set a password" })).toBeVisible();
  await expectAccessible(invitee);
  await screenshot(invitee, info, "landing-page-with-sso");
  await invitee.getByRole("button", { name: "Continue with SSO" }).click();

  // At the identity provider: who they are there.
  await expect(invitee.getByRole("heading", { name: "Sign in to the test identity provider" })).toBeVisible();
  await invitee.getByLabel("Email", { exact: true }).fill(email.toUpperCase());
  await invitee.getByLabel("Given name").fill("Grace");
  await invitee.getByLabel("Family name").fill("Hopper");
  await invitee.getByRole("button", { name: "Sign in" }).click();

  // Back in the app: signed in, on the dashboard with the pre-assigned course.
  await expect(invitee.getByRole("heading", { name: "Your dashboard" })).toBeVisible();
  await expect(invitee.getByRole("heading", { name: course })).toBeVisible();
  await screenshot(invitee, info, "dashboard-after-sso");

  // The member carries the names the provider gave.
  await go(page, "Users");
  await page.getByLabel("Search by name or email").fill(email);
  await page.getByLabel("Search by name or email").press("Enter");
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Grace Hopper");

  // Leave the shared organization as the other journeys expect it.
  await go(page, "Single sign-on");
  await page.getByRole("button", { name: "Turn off single sign-on" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Turn off" }).click();
  await expectToast(page, "Single sign-on is off");
});
