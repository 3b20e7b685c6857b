#!/usr/bin/env bash
# Runs every test: starts DynamoDB Local and moto, runs the whole workspace's
# tests against them (emulator tests included), stops the emulators, and ends
# with one summary line over every test binary.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(infra/emulators/start.sh)"
trap infra/emulators/stop.sh EXIT

log=$(mktemp)
status=0
cargo test --workspace --lib --tests "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
rm -f "$log"
exit "$status"
