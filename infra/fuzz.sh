#!/usr/bin/env bash
# Schemathesis against the local gateway (memory backend): every operation of
# infra/openapi.json, as a signed-in user and, for the admin routes, as an
# admin; every check (no server errors, documented statuses, response
# schemas and content types, ...), a fixed seed and a bounded number of
# examples per operation so that a run is short and repeatable.
# Usage: infra/fuzz.sh [examples-per-operation]   (SCHEMATHESIS, LOCAL_BIN to override)
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${1:-20}"
ST="${SCHEMATHESIS:-schemathesis}"
. infra/perf/gateway.sh

start_gateway BOOTSTRAP_ADMIN_EMAIL=fuzz-admin@example.com
register fuzz-admin@example.com
register fuzz-user@example.com
ADMIN=$(access_token fuzz-admin@example.com)
USER=$(access_token fuzz-user@example.com)

# Every check but two: `positive_data_acceptance` (a schema-valid request may
# still be refused: a redirect URI must be one the deployment allows, a code
# must be the one sent) and `unsupported_method` (API Gateway answers an
# undeclared method with 404, and so does the local gateway, not 405).
fuzz() { # extra schemathesis options...
  "$ST" run infra/openapi.json --url "$BASE" --checks all \
    --exclude-checks positive_data_acceptance,unsupported_method --seed 20261130 \
    --max-examples "$EXAMPLES" --generation-database none --no-color "$@"
}
# Signing out would end the run's session: those two are fuzzed last, alone.
fuzz -H "Authorization: Bearer $USER" --exclude-tag admin \
  --exclude-operation-id logout --exclude-operation-id logout-all
fuzz -H "Authorization: Bearer $ADMIN" --include-tag admin
fuzz -H "Authorization: Bearer $USER" --include-operation-id logout --include-operation-id logout-all
