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
# blobs and sockets): they are the `local-adapters` crate, which only the local
# gateway and the tests depend on.
if cargo tree -p think-tank-lambda -e normal --prefix none | grep -q '^local-adapters v'; then
  echo "think-tank-lambda must not depend on local-adapters" >&2
  exit 1
fi
echo "layers: the Lambda binary links no embedded adapter"

# The crates depend one way (infra/architecture.md, "Crate graph"): the edge
# and the deployed adapters on the core alone; the runtime (`shared`) on
# them; the embedded adapters on the runtime.
depends_only_on() { # crate, allowed workspace crates (a regex alternation)
  local found
  found=$(cargo tree -p "$1" -e normal --depth 1 --prefix none \
    | grep -E '^(think-tank-core|edge|adapters|shared|local-adapters) v' \
    | grep -vE "^($1|$2) v" || true)
  if [ -n "$found" ]; then
    echo "$1 must depend on no workspace crate but {$2}:" >&2
    echo "$found" >&2
    exit 1
  fi
}
depends_only_on edge 'think-tank-core'
depends_only_on adapters 'think-tank-core'
depends_only_on shared 'think-tank-core|edge|adapters'
depends_only_on local-adapters 'think-tank-core|adapters|shared'
echo "layers: crates depend one way (core < edge, adapters < shared < local-adapters)"

# Inside `shared`, the configuration uses nothing else of the crate.
found=$(grep -rnE "crate::(jwt|logging|metrics|runtime|wiring)\b" shared/src/config || true)
if [ -n "$found" ]; then
  echo "shared/src/config must not use the rest of shared:" >&2
  echo "$found" >&2
  exit 1
fi
echo "layers: shared's configuration depends on nothing else of shared"

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
