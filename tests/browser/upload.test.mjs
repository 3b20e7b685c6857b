// A page on another local origin logs in with /v1/auth/login/web, sends
// X-CSRF-Token, creates an upload, sends the bytes straight to the returned
// URL with fetch, completes it and downloads the same bytes, in headless
// Debian Chromium driven by playwright-core (no browser download).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { missingParts, start } from "./harness.mjs";

const API_PORT = process.env.BROWSER_API_PORT ?? "3900";
const PAGE_PORT = process.env.BROWSER_PAGE_PORT ?? "5173";
const API = `http://localhost:${API_PORT}`;
const PAGE = `http://localhost:${PAGE_PORT}/`;
const missing = missingParts();

let running, browser;

before(async () => {
  if (missing) return;
  running = await start({
    apiPort: API_PORT,
    pagePort: PAGE_PORT,
    pageFile: "page.html",
    env: { ALLOWED_ORIGINS: `http://localhost:${PAGE_PORT}` },
  });
  browser = running.browser;
});

after(async () => {
  await running?.stop();
});

test("a browser uploads straight to storage with cookies and CSRF, then downloads the same bytes", { skip: missing }, async () => {
  const email = `browser-${Date.now()}@example.com`;
  const password = "correct horse battery";
  const registered = await fetch(`${API}/v1/auth/register`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "Browser" }),
  });
  assert.equal(registered.status, 201);
  await running.verifyEmail(API, email);
  const page = await browser.newPage();
  await page.goto(PAGE);
  const result = await page.evaluate(([api, e, p]) => window.runUpload(api, e, p), [API, email, password]);
  assert.deepEqual(result, {
    login: 200, created: 201, method: "PUT", sent: 200, complete: 200, status: "ready", sameBytes: true, withoutCsrf: 403,
  });
});
