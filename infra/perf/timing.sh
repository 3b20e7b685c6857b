#!/usr/bin/env bash
# Answer times for registered vs. unknown emails (login, password/forgot)
# through the release gateway, memory backend; with BACKEND=aws and the
# emulators running (infra/emulators/start.sh, then `local provision`), through
# DynamoDB Local and moto. Usage: infra/perf/timing.sh   (LOCAL_BIN to pick a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
. infra/perf/gateway.sh
start_gateway LOCKOUT_THRESHOLD=1000
infra/perf/timing.py "$BASE"
