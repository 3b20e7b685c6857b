// A page on another local origin logs in with /v1/auth/login/web, sends
// X-CSRF-Token, creates an upload, sends the bytes straight to the returned
// URL with fetch, completes it and downloads the same bytes, in headless
// Debian Chromium driven by playwright-core (no browser download).
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
const API_PORT = process.env.BROWSER_API_PORT ?? "3900";
const PAGE_PORT = process.env.BROWSER_PAGE_PORT ?? "5173";
const API = `http://localhost:${API_PORT}`;
const PAGE = `http://localhost:${PAGE_PORT}/`;
const missing = !existsSync(CHROMIUM) || !GATEWAY || !existsSync(GATEWAY);

if (missing && process.env.CI === "true") {
  throw new Error(`CI=true but Chromium (${CHROMIUM}) or the gateway (LOCAL_BIN=${GATEWAY}) is missing`);
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
  const dir = mkdtempSync(join(tmpdir(), "think-tank-browser-"));
  gateway = spawn(GATEWAY, [], {
    env: {
      ...process.env,
      BACKEND: "memory",
      LOCAL_HTTP_ADDR: `127.0.0.1:${API_PORT}`,
      DEFAULT_ROLE: "editor",
      ALLOWED_ORIGINS: `http://localhost:${PAGE_PORT}`,
      LOCAL_OUTBOX_DIR: join(dir, "outbox"),
      LOCAL_BLOB_DIR: join(dir, "blobs"),
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const html = readFileSync(new URL("./page.html", import.meta.url));
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

test("a browser uploads straight to storage with cookies and CSRF, then downloads the same bytes", { skip: missing }, async () => {
  const email = `browser-${Date.now()}@example.com`;
  const password = "correct horse battery";
  const registered = await fetch(`${API}/v1/auth/register`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "Browser" }),
  });
  assert.equal(registered.status, 201);
  const page = await browser.newPage();
  await page.goto(PAGE);
  const result = await page.evaluate(([api, e, p]) => window.runUpload(api, e, p), [API, email, password]);
  assert.deepEqual(result, {
    login: 200, created: 201, method: "PUT", sent: 200, complete: 200, status: "ready", sameBytes: true, withoutCsrf: 403,
  });
});
