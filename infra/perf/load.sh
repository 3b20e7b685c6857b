#!/usr/bin/env bash
# Reproducible, bounded load through the local gateway (release build, memory
# backend): GET /v1/auth/me and a workspace's task listing (a board of 50 tasks) at 32
# connections, then login throughput. Then the same two loads on a bare hyper
# server answering the gateway's own bytes (infra/local/examples/bare.rs), and
# the ratio: how many times the bare server's throughput the gateway's is
# short of (goal: /me within 2.5x, the listing within 4x).
# Needs wrk (apt-get install wrk). Usage: infra/perf/load.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN="${1:-10}"
. infra/perf/gateway.sh

start_gateway BOOTSTRAP_ADMIN_EMAIL=load@example.com
register load@example.com
register_login_accounts
TOKEN=$(access_token load@example.com)

rate() { # wrk's output -> requests per second
  awk '/^Requests\/sec/ { print $2 }'
}

echo "== GET /v1/auth/me, 32 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/v1/auth/me" | tee "$OUTBOX/me.wrk"

WS=$(curl -sf -X POST "$BASE/v1/workspaces" -H 'content-type: application/json' \
  -H "Authorization: Bearer $TOKEN" -d '{"name":"Load"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
TASKS="$BASE/v1/workspaces/$WS/tasks"
for i in $(seq 1 50); do
  curl -sf -X POST "$TASKS" -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" \
    -d "{\"title\":\"Task $i\",\"description\":\"Load test task number $i\"}" >/dev/null
done

echo "== GET /v1/workspaces/{ws}/tasks?limit=50 (the board of 50 tasks), 32 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$TASKS?limit=50" | tee "$OUTBOX/tasks.wrk"

echo "== POST /v1/auth/login, 4 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c4 -d"${SECONDS_PER_RUN}s" --latency -s infra/perf/login.lua "$BASE/v1/auth/login"

echo "== the same two loads on a bare hyper server answering the gateway's bytes"
curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/v1/auth/me" > "$OUTBOX/me.json"
curl -sf -H "Authorization: Bearer $TOKEN" "$TASKS?limit=50" > "$OUTBOX/tasks.json"
if [ -z "${BARE_BIN:-}" ]; then
  cargo build --release -p local --example bare
  BARE_BIN="${CARGO_TARGET_DIR:-target}/release/examples/bare"
fi
BARE_ADDR=127.0.0.1:3009
"$BARE_BIN" "$BARE_ADDR" /v1/auth/me="$OUTBOX/me.json" /v1/workspaces/="$OUTBOX/tasks.json" &
BARE_PID=$!
trap 'kill $PID $BARE_PID 2>/dev/null; wait $PID $BARE_PID 2>/dev/null || true; rm -rf "$OUTBOX"' EXIT
for _ in $(seq 1 50); do curl -sf "http://$BARE_ADDR/v1/auth/me" >/dev/null && break; sleep 0.1; done
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" "http://$BARE_ADDR/v1/auth/me" > "$OUTBOX/me.bare"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" "http://$BARE_ADDR/v1/workspaces/$WS/tasks?limit=50" > "$OUTBOX/tasks.bare"
for load in me tasks; do
  gateway=$(rate < "$OUTBOX/$load.wrk")
  bare=$(rate < "$OUTBOX/$load.bare")
  python3 -c "import sys; g, b = float(sys.argv[2]), float(sys.argv[3]); print(f'{sys.argv[1]}: gateway {g:,.0f} req/s, bare hyper {b:,.0f} req/s, bare / gateway = {b / g:.2f}')" "$load" "$gateway" "$bare"
done
