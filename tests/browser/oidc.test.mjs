// A page on another local origin sends the browser to sign in with the test
// OpenID provider; the user types their email on the provider's real login
// page and comes back signed in: session cookies set, GET /v1/auth/me works.
// Headless Debian Chromium driven by playwright-core (no browser download).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const GATEWAY = process.env.LOCAL_BIN;
const ISSUER = process.env.OIDC_TEST_ISSUER;
const API_PORT = process.env.BROWSER_OIDC_API_PORT ?? "3901";
const PAGE_PORT = process.env.BROWSER_OIDC_PAGE_PORT ?? "5174";
const API = `http://localhost:${API_PORT}`;
const PAGE = `http://localhost:${PAGE_PORT}`;
const missing = !existsSync(CHROMIUM) || !GATEWAY || !existsSync(GATEWAY) || !ISSUER;

if (missing && process.env.CI === "true") {
  throw new Error(`CI=true but Chromium (${CHROMIUM}), the gateway (LOCAL_BIN=${GATEWAY}) or the provider (OIDC_TEST_ISSUER=${ISSUER}) is missing`);
}

let gateway, pageServer, browser;

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

before(async () => {
  if (missing) return;
  const dir = mkdtempSync(join(tmpdir(), "think-tank-oidc-browser-"));
  gateway = spawn(GATEWAY, [], {
    env: {
      ...process.env,
      BACKEND: "memory",
      LOCAL_HTTP_ADDR: `127.0.0.1:${API_PORT}`,
      LOCAL_WS_ADDR: "127.0.0.1:0",
      API_BASE_URL: API,
      ALLOWED_ORIGINS: PAGE,
      OIDC_PROVIDERS: JSON.stringify([{ name: "local", issuer: ISSUER, client_id: "think-tank" }]),
      OIDC_CLIENT_SECRETS: JSON.stringify({ local: "dev-secret" }),
      OAUTH_REDIRECT_URIS: `${PAGE}/done`,
      LOCAL_OUTBOX_DIR: join(dir, "outbox"),
      LOCAL_BLOB_DIR: join(dir, "blobs"),
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const html = readFileSync(new URL("./oidc.html", import.meta.url));
  pageServer = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise((r) => pageServer.listen(Number(PAGE_PORT), "127.0.0.1", r));
  await waitFor(`${API}/v1/health`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  pageServer?.close();
  gateway?.kill("SIGTERM");
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
