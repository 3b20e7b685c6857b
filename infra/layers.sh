#!/usr/bin/env bash
# The core crate stays free of HTTP, Lambda and AWS: fails if any of them
# reaches think-tank-core's dependency tree (infra/architecture.md).
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
