#!/usr/bin/env bash
# Runs every test: starts DynamoDB Local and moto, runs the whole workspace's
# tests against them (emulator tests included), stops the emulators.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(infra/emulators/start.sh)"
trap infra/emulators/stop.sh EXIT

cargo test --workspace "$@"
