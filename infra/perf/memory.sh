#!/usr/bin/env bash
# Peak resident memory of the local gateway (release, memory backend) while 8
# connections log in as fast as they can, and while 32 read /v1/auth/me.
# Needs wrk. Usage: infra/perf/memory.sh [seconds]   (LOCAL_BIN to pick a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN="${1:-10}"
ADDR=127.0.0.1:3000
BASE="http://$ADDR"
if [ -z "${LOCAL_BIN:-}" ]; then
  cargo build --release -p local
  LOCAL_BIN="${CARGO_TARGET_DIR:-target}/release/local"
fi
OUTBOX=$(mktemp -d)
IP_RATE_LIMIT=1000000000 RUST_LOG=warn LOCAL_HTTP_ADDR=$ADDR LOCAL_OUTBOX_DIR="$OUTBOX" "$LOCAL_BIN" >/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$OUTBOX"' EXIT
for _ in $(seq 1 50); do curl -sf "$BASE/v1/health" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "$BASE/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"load@example.com","password":"load test password","name":"Load"}' >/dev/null
for i in $(seq 1 8); do # the login load's accounts
  curl -sf -X POST "$BASE/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"load$i@example.com\",\"password\":\"load test password\",\"name\":\"Load $i\"}" >/dev/null
done

peak_rss_during() { # command...
  local peak=0 rss
  "$@" >/dev/null &
  local load=$!
  while kill -0 "$load" 2>/dev/null; do
    rss=$(ps -o rss= -p "$PID" | tr -d ' ')
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.25
  done
  echo "$((peak / 1024)) MiB"
}

echo "idle: $(( $(ps -o rss= -p "$PID" | tr -d ' ') / 1024 )) MiB"
echo "8 parallel logins, ${SECONDS_PER_RUN}s: peak $(peak_rss_during wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" -s infra/perf/login.lua "$BASE/v1/auth/login")"
TOKEN=$(curl -sf -X POST "$BASE/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"load@example.com","password":"load test password"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
echo "32 connections on /v1/auth/me, ${SECONDS_PER_RUN}s: peak $(peak_rss_during wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" -H "Authorization: Bearer $TOKEN" "$BASE/v1/auth/me")"
