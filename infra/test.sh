#!/usr/bin/env bash
# Runs every test: starts DynamoDB Local, moto and s3s-fs, runs the whole
# workspace's tests against them (emulator tests included), then the browser
# tests in headless Chromium, stops the emulators, and ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(infra/emulators/start.sh)"
trap infra/emulators/stop.sh EXIT

log=$(mktemp)
status=0
cargo test --workspace --lib --tests "$@" 2>&1 | tee "$log" || status=$?

if [ "$status" -eq 0 ]; then
  [ -d tests/browser/node_modules/playwright-core ] || npm ci --prefix tests/browser --no-audit --no-fund --silent
  LOCAL_BIN="${CARGO_TARGET_DIR:-target}/debug/local" node --test tests/browser/upload.test.mjs tests/browser/oidc.test.mjs 2>&1 | tee -a "$log" || status=$?
fi

awk '/^test result:/ { passed += $4; failed += $6 }
     /^# pass /     { passed += $3 }
     /^# fail /     { failed += $3 }
     END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
rm -f "$log"
exit "$status"
