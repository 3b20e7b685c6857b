#!/usr/bin/env bash
# Reproducible, bounded load through the local gateway (release build, memory
# backend): GET /v1/auth/me and a workspace's task listing (a board of 50 tasks) at 32
# connections, then login throughput.
# Needs wrk (apt-get install wrk). Usage: infra/perf/load.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN="${1:-10}"
. infra/perf/gateway.sh

start_gateway BOOTSTRAP_ADMIN_EMAIL=load@example.com
register load@example.com
register_login_accounts
TOKEN=$(access_token load@example.com)

echo "== GET /v1/auth/me, 32 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/v1/auth/me"

WS=$(curl -sf -X POST "$BASE/v1/workspaces" -H 'content-type: application/json' \
  -H "Authorization: Bearer $TOKEN" -d '{"name":"Load"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
TASKS="$BASE/v1/workspaces/$WS/tasks"
for i in $(seq 1 50); do
  curl -sf -X POST "$TASKS" -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" \
    -d "{\"title\":\"Task $i\",\"description\":\"Load test task number $i\"}" >/dev/null
done

echo "== GET /v1/workspaces/{ws}/tasks (50 tasks on the board, first page of 20), 32 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$TASKS"

echo "== POST /v1/auth/login, 4 connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c4 -d"${SECONDS_PER_RUN}s" --latency -s infra/perf/login.lua "$BASE/v1/auth/login"
