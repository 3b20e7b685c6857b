#!/usr/bin/env bash
# Runs every test: starts DynamoDB Local, moto and s3s-fs, runs the whole
# workspace's tests against them (emulator tests included), then the browser
# tests in headless Chromium, fuzzes the API with Schemathesis against its
# OpenAPI document (infra/fuzz.sh), stops the emulators, and ends with one
# summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(infra/emulators/start.sh)"
trap infra/emulators/stop.sh EXIT

log=$(mktemp)
status=0
cargo test --workspace --lib --tests "$@" 2>&1 | tee "$log" || status=$?
# The core's examples, among them the one that must not compile: a use case
# called through a service that lacks its port.
cargo test -p think-tank-core --doc 2>&1 | tee -a "$log" || status=$?

if [ "$status" -eq 0 ]; then
  [ -d tests/browser/node_modules/playwright-core ] || npm ci --prefix tests/browser --no-audit --no-fund --silent
  LOCAL_BIN="${CARGO_TARGET_DIR:-target}/debug/local" node --test tests/browser/upload.test.mjs tests/browser/oidc.test.mjs 2>&1 | tee -a "$log" || status=$?
fi

SCHEMATHESIS="${SCHEMATHESIS:-$HOME/.cache/think-tank/schemathesis-venv/bin/schemathesis}"
if [ "$status" -eq 0 ]; then
  if [ -x "$SCHEMATHESIS" ]; then
    LOCAL_BIN="${CARGO_TARGET_DIR:-target}/debug/local" SCHEMATHESIS="$SCHEMATHESIS" \
      infra/fuzz.sh 2>&1 | tee -a "$log" || status=$?
  elif [ "${CI:-}" = true ]; then
    echo "fuzz: schemathesis is missing at $SCHEMATHESIS" | tee -a "$log"
    status=1
  else
    echo "fuzz: skipped (python3 -m venv ~/.cache/think-tank/schemathesis-venv && ~/.cache/think-tank/schemathesis-venv/bin/pip install schemathesis)"
  fi
fi

awk '/^test result:/ { passed += $4; failed += $6 }
     /^# pass /     { passed += $3 }
     /^# fail /     { failed += $3 }
     / generated, .* passed/ { fuzzed += $1 }
     /^=+ [0-9]+ failures?/ { fuzz_failed += $2 }
     END { printf "tests: %d passed, %d failed; fuzz: %d cases, %d failures\n", passed, failed, fuzzed, fuzz_failed }' "$log"
rm -f "$log"
exit "$status"
