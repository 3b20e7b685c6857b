// What every browser test stands on: the local gateway (memory backend) on a
// fixed port, a page server on another origin, and headless Debian Chromium.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const GATEWAY = process.env.LOCAL_BIN;

// Names what is missing to run (`needs`: more env values that must be set),
// or false; in CI a missing part is an error, never a skip.
export function missingParts(needs = {}) {
  const parts = { chromium: existsSync(CHROMIUM), gateway: !!GATEWAY && existsSync(GATEWAY) };
  for (const [name, value] of Object.entries(needs)) parts[name] = !!value;
  const missing = Object.entries(parts).filter(([, ok]) => !ok).map(([name]) => name);
  if (missing.length && process.env.CI === "true") {
    throw new Error(`CI=true but ${missing.join(", ")} missing (CHROMIUM_PATH=${CHROMIUM}, LOCAL_BIN=${GATEWAY})`);
  }
  return missing.length ? `missing: ${missing.join(", ")}` : false;
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

// Starts the gateway on `apiPort` with `env`, serves `pageFile` (beside this
// module) for every path on `pagePort`, and launches Chromium.
export async function start({ apiPort, pagePort, pageFile, env }) {
  const dir = mkdtempSync(join(tmpdir(), "think-tank-browser-"));
  const gateway = spawn(GATEWAY, [], {
    env: {
      ...process.env,
      BACKEND: "memory",
      LOCAL_HTTP_ADDR: `127.0.0.1:${apiPort}`,
      LOCAL_WS_ADDR: "127.0.0.1:0",
      LOCAL_OUTBOX_DIR: join(dir, "outbox"),
      LOCAL_BLOB_DIR: join(dir, "blobs"),
      RUST_LOG: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const html = readFileSync(new URL(`./${pageFile}`, import.meta.url));
  const pages = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise((r) => pages.listen(Number(pagePort), "127.0.0.1", r));
  await waitFor(`http://localhost:${apiPort}/v1/health`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const outbox = join(dir, "outbox");
  return {
    browser,
    // Follows the verification link emailed to `email` (sign-in needs it).
    async verifyEmail(api, email) {
      for (let i = 0; i < 100; i++) {
        const mail = existsSync(outbox) && readdirSync(outbox).find((f) => f.endsWith(`${email}.eml`));
        if (mail) {
          const token = readFileSync(join(outbox, mail), "utf8").match(/token=([A-Za-z0-9_-]+)/)[1];
          const res = await fetch(`${api}/v1/auth/verify-email`, {
            method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify({ token }),
          });
          if (res.status !== 200) throw new Error(`verify-email answered ${res.status}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no verification email reached ${email}`);
    },
    async stop() {
      await browser.close();
      pages.close();
      gateway.kill("SIGTERM");
    },
  };
}
