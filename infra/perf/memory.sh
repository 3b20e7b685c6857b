#!/usr/bin/env bash
# Peak resident memory of the local gateway (release, memory backend) while 8
# connections log in as fast as they can, and while 32 read /v1/auth/me.
# Needs wrk. Usage: infra/perf/memory.sh [seconds]   (LOCAL_BIN to pick a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN="${1:-10}"
. infra/perf/gateway.sh

start_gateway
register load@example.com
register_login_accounts

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
TOKEN=$(access_token load@example.com)
echo "32 connections on /v1/auth/me, ${SECONDS_PER_RUN}s: peak $(peak_rss_during wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" -H "Authorization: Bearer $TOKEN" "$BASE/v1/auth/me")"
