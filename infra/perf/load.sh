#!/usr/bin/env bash
# Reproducible, bounded load through the local gateway (release build, memory
# backend): GET /v1/auth/me and GET /v1/tasks (a board of 50 tasks) at 32
# connections, then login throughput.
# Needs wrk (apt-get install wrk). Usage: infra/perf/load.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN="${1:-10}"
ADDR=127.0.0.1:3000
BASE="http://$ADDR"

# LOCAL_BIN runs another build of the gateway (e.g. to compare two commits).
if [ -z "${LOCAL_BIN:-}" ]; then
  cargo build --release -p local
  LOCAL_BIN="${CARGO_TARGET_DIR:-target}/release/local"
fi
OUTBOX=$(mktemp -d)
BOOTSTRAP_ADMIN_EMAIL=load@example.com IP_RATE_LIMIT=1000000000 RUST_LOG=warn LOCAL_HTTP_ADDR=$ADDR \
  LOCAL_OUTBOX_DIR="$OUTBOX" "$LOCAL_BIN" >/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$OUTBOX"' EXIT
for _ in $(seq 1 50); do curl -sf "$BASE/v1/health" >/dev/null && break; sleep 0.1; done

curl -sf -X POST "$BASE/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"load@example.com","password":"load test password","name":"Load"}' >/dev/null
for i in $(seq 1 8); do # the login load's accounts
  curl -sf -X POST "$BASE/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"load$i@example.com\",\"password\":\"load test password\",\"name\":\"Load $i\"}" >/dev/null
done
# The bootstrap admin becomes admin once its address is verified: follow the emailed link.
for _ in $(seq 1 50); do ls "$OUTBOX"/*.eml >/dev/null 2>&1 && break; sleep 0.1; done
VERIFY=$(grep -ho 'token=[A-Za-z0-9_-]*' "$OUTBOX"/*.eml | head -n 1 | cut -d= -f2)
curl -sf -X POST "$BASE/v1/auth/verify-email" -H 'content-type: application/json' \
  -d "{\"token\":\"$VERIFY\"}" >/dev/null
TOKEN=$(curl -sf -X POST "$BASE/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"load@example.com","password":"load test password"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "== GET /v1/auth/me, 32 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/v1/auth/me"

# The load-test user is the bootstrap admin, so it may create tasks.
for i in $(seq 1 50); do
  curl -sf -X POST "$BASE/v1/tasks" -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" \
    -d "{\"title\":\"Task $i\",\"description\":\"Load test task number $i\"}" >/dev/null
done

echo "== GET /v1/tasks (50 tasks on the board, first page of 20), 32 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/v1/tasks"

echo "== POST /v1/auth/login, 4 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c4 -d"${SECONDS_PER_RUN}s" --latency -s infra/perf/login.lua "$BASE/v1/auth/login"
