// A page on another local origin sends the browser to sign in with the test
// OpenID provider; the user types their email on the provider's real login
// page and comes back signed in: session cookies set, GET /v1/auth/me works.
// Headless Debian Chromium driven by playwright-core (no browser download).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { missingParts, start } from "./harness.mjs";

const ISSUER = process.env.OIDC_TEST_ISSUER;
const API_PORT = process.env.BROWSER_OIDC_API_PORT ?? "3901";
const PAGE_PORT = process.env.BROWSER_OIDC_PAGE_PORT ?? "5174";
const API = `http://localhost:${API_PORT}`;
const PAGE = `http://localhost:${PAGE_PORT}`;
const missing = missingParts({ "the OpenID provider (OIDC_TEST_ISSUER)": ISSUER });

let running, browser;

before(async () => {
  if (missing) return;
  running = await start({
    apiPort: API_PORT,
    pagePort: PAGE_PORT,
    pageFile: "oidc.html",
    env: {
      API_BASE_URL: API,
      ALLOWED_ORIGINS: PAGE,
      OIDC_PROVIDERS: JSON.stringify([{ name: "local", issuer: ISSUER, client_id: "think-tank" }]),
      OIDC_CLIENT_SECRETS: JSON.stringify({ local: "dev-secret" }),
      OAUTH_REDIRECT_URIS: `${PAGE}/done`,
    },
  });
  browser = running.browser;
});

after(async () => {
  await running?.stop();
});

test("a browser signs in on the provider's login page and comes back with a session", { skip: missing }, async () => {
  const email = `oidc-browser-${Date.now()}@example.com`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${PAGE}/?api=${encodeURIComponent(API)}`);
  await page.click("#sign-in");
  await page.waitForURL((url) => url.origin === new URL(ISSUER).origin);
  await page.fill("input[name=email]", email);
  await page.click("button[type=submit]");
  await page.waitForURL(`${PAGE}/done?**`);
  await page.waitForFunction(() => document.querySelector("#result").textContent !== "");
  const result = JSON.parse(await page.textContent("#result"));
  assert.deepEqual(result, { state: "page-state", error: null, me: 200, email });
  const cookies = (await context.cookies(API)).map((c) => c.name).sort();
  assert.deepEqual(cookies, ["__Host-access_token", "__Host-csrf_token"]);
  const refresh = await context.cookies(`${API}/v1/auth/refresh`);
  assert.ok(refresh.some((c) => c.name === "__Secure-refresh_token"));
});
