#!/usr/bin/env bash
# The layers of infra/architecture.md: the core crate stays free of HTTP,
# Lambda and AWS, and the Lambda binary links no embedded adapter.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(http|http-body|hyper|lambda_http|lambda_runtime|aws_lambda_events|aws-[a-z0-9-]+|jsonwebtoken) v'
found=$(cargo tree -p think-tank-core -e normal --prefix none | sort -u | grep -E "$forbidden" || true)
if [ -n "$found" ]; then
  echo "think-tank-core must not depend on:" >&2
  echo "$found" >&2
  exit 1
fi
echo "layers: think-tank-core depends on no HTTP, Lambda or AWS crate"

# The Lambda binary links no embedded adapter (memory store and queue, local
# blobs and sockets): they come with shared's `local` feature, which only the
# local gateway and the tests turn on.
if cargo tree -p think-tank-lambda -e features -i shared 2>/dev/null | grep -q 'shared feature "local"'; then
  echo "think-tank-lambda must not turn on shared's \"local\" feature" >&2
  exit 1
fi
echo "layers: the Lambda binary links no embedded adapter"

# Inside `shared`, folders depend one way: http and config on nothing of
# shared's own; auth, adapters and pagination on those; wiring and runtime
# on everything (infra/architecture.md, "Boundaries").
check_folder() { # folder, forbidden modules (a regex alternation)
  local found
  found=$(grep -rnE "crate::($2)\b" "shared/src/$1" || true)
  if [ -n "$found" ]; then
    echo "shared/src/$1 must not use crate::{$2}:" >&2
    echo "$found" >&2
    exit 1
  fi
}
check_folder http 'auth|config|adapters|pagination|wiring|runtime'
check_folder config 'auth|http|adapters|pagination|wiring|runtime'
check_folder auth 'adapters|pagination|wiring|runtime'
check_folder adapters 'auth|pagination|wiring|runtime'
echo "layers: shared's folders depend one way (http, config < auth, adapters, pagination < wiring, runtime)"

# A service reaches a port only through the handles its type holds: no use
# case names the `App` (which could build any handle) (infra/architecture.md,
# "Services").
found=$(grep -rnwE 'App|app::App' shared/core/src/services || true)
if [ -n "$found" ]; then
  echo "shared/core/src/services must not name App:" >&2
  echo "$found" >&2
  exit 1
fi
echo "layers: no service names the App; ports come through their handles"
